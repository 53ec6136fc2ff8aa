"""The dashboard's answers again, by GROUP BY over order_lines ⨝ orders ⨝ cooperatives.

The baseline a dashboard without rollups would run. Each generated order is booked once,
on the Vietnam day it was placed, so its contribution can be read from its lines: figures
keyed by the order (commune, channel, month, cooperative, ethnic, subject, the totals)
group the lines per order, then per key; figures keyed by the product (stars, category,
top products) need the order's net split over its lines (``ledger._share``), which takes
window functions. ``adjusted_gross`` is 0: nothing the generator made restates a month.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

from _rollups_load import VIETNAM_DAY
from sqlalchemy import bindparam
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.reports.queries import Figures
from marketplace.reports.queries import Scope

VIETNAM = timedelta(hours=7)
COUNTED = "('to_ship', 'shipped', 'completed')"
UNITS = "CASE WHEN o.status = 'returned' THEN 0 ELSE ol.quantity - ol.returned_quantity END"
# The key columns of each breakdown, over the per-order (or per-line) rows below.
ORDER_KEYS = {
    "commune": "area_id",
    "channel": "channel",
    "month": "month",
    "cooperative": "cooperative_id",
    "ethnic": "ethnic",
    "subject": "subject",
}
PRODUCT_KEYS = {"stars": "p.ocop_stars", "category": "p.category_id", "top": "p.id, p.name"}
MONTH = {"postgresql": "to_char({day}, 'YYYY-MM')", "sqlite": "strftime('%Y-%m', {day})"}

PER_ORDER = """
SELECT {keys}, SUM(counted), SUM(units), SUM(gross), SUM(net), SUM(unsettled), 0
FROM (
  SELECT o.id, o.cooperative_id, c.area_id, s.platform AS channel, {month} AS month,
         c.ethnic_minority_led AS ethnic, c.subject_type AS subject,
         MAX(CASE WHEN o.status IN {counted} THEN 1 ELSE 0 END) AS counted,
         SUM({units}) AS units, SUM(({units}) * ol.unit_price) AS gross,
         MAX(COALESCE(o.net, 0)) AS net,
         SUM(CASE WHEN o.net IS NULL THEN ({units}) * ol.unit_price ELSE 0 END) AS unsettled
  FROM orders o
  JOIN order_lines ol ON ol.order_id = o.id
  JOIN cooperatives c ON c.id = o.cooperative_id
  JOIN shops s ON s.id = o.shop_id
  WHERE c.area_id IN :areas AND o.placed_at >= :low AND o.placed_at < :high
    AND (o.status IN {counted} OR (o.status = 'returned' AND COALESCE(o.net, 0) <> 0))
  GROUP BY o.id, o.cooperative_id, c.area_id, s.platform, o.placed_at,
           c.ethnic_minority_led, c.subject_type
) per_order
{group}
"""
PER_LINE = """
WITH l AS (
  SELECT ol.id, ol.order_id, o.net AS onet, v.product_id, ol.unit_price AS price,
         CASE WHEN o.status IN {counted} THEN 1 ELSE 0 END AS counted, {units} AS units
  FROM order_lines ol
  JOIN orders o ON o.id = ol.order_id
  JOIN cooperatives c ON c.id = o.cooperative_id
  JOIN variants v ON v.id = ol.variant_id
  WHERE c.area_id IN :areas AND o.placed_at >= :low AND o.placed_at < :high
    AND o.status IN ('to_ship', 'shipped', 'completed', 'returned')
), w AS (
  SELECT l.*, units * price AS weight,
         SUM(units * price) OVER (PARTITION BY order_id) AS whole,
         ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY id) AS rn
  FROM l
), s AS (
  SELECT w.*, CASE WHEN onet IS NULL THEN 0
                   WHEN whole <= 0 THEN CASE WHEN rn = 1 THEN onet ELSE 0 END
                   ELSE onet * weight / whole END AS part
  FROM w
), t AS (
  SELECT s.*, CASE WHEN rn = 1 THEN counted ELSE 0 END AS first,
         part + CASE WHEN rn = 1 AND onet IS NOT NULL
                     THEN onet - SUM(part) OVER (PARTITION BY order_id) ELSE 0 END AS share,
         CASE WHEN onet IS NULL THEN units * price ELSE 0 END AS unsettled
  FROM s
)
SELECT {keys}, SUM(first), SUM(units), SUM(units * price), SUM(share), SUM(unsettled), 0
FROM t JOIN products p ON p.id = t.product_id
WHERE first <> 0 OR units <> 0 OR share <> 0
GROUP BY {keys}
{order}
"""


def _bounds(start: date, end: date) -> dict[str, Any]:
    low = datetime.combine(start, time(), UTC) - VIETNAM
    high = datetime.combine(end + timedelta(days=1), time(), UTC) - VIETNAM
    if db.session.get_bind().dialect.name == "sqlite":  # times as SQLAlchemy stores them
        return {"low": f"{low:%Y-%m-%d %H:%M:%S.%f}", "high": f"{high:%Y-%m-%d %H:%M:%S.%f}"}
    return {"low": low, "high": high}


def _run(sql: str, scope: Scope, start: date, end: date) -> list[Any]:
    dialect = db.session.get_bind().dialect.name
    day = VIETNAM_DAY[dialect]
    sql = sql.replace("{month}", MONTH[dialect].format(day=day))
    query = text(sql).bindparams(bindparam("areas", expanding=True))
    params = {"areas": list(scope.area_ids), **_bounds(start, end)}
    return list(db.session.execute(query, params))


def totals(scope: Scope, start: date, end: date) -> Figures:
    sql = PER_ORDER.format(keys="0", counted=COUNTED, units=UNITS, group="", month="{month}")
    rows = _run(sql, scope, start, end)
    return Figures(*(int(v or 0) for v in rows[0][1:]))


def breakdown(scope: Scope, start: date, end: date, by: str) -> dict[Any, Figures]:
    if by in ORDER_KEYS:
        key = ORDER_KEYS[by]
        group = f"GROUP BY {key}"
        sql = PER_ORDER.format(keys=key, counted=COUNTED, units=UNITS, group=group, month="{month}")
    else:
        key = PRODUCT_KEYS[by]
        sql = PER_LINE.format(keys=key, counted=COUNTED, units=UNITS, order="")
    rows = _run(sql, scope, start, end)
    return {_key(by, row[0]): Figures(*(int(v or 0) for v in row[1:])) for row in rows}


def top_products(
    scope: Scope, start: date, end: date, limit: int = 10
) -> list[tuple[int, str, Figures]]:
    order = f"ORDER BY SUM(units * price) DESC, p.id LIMIT {int(limit)}"
    sql = PER_LINE.format(keys=PRODUCT_KEYS["top"], counted=COUNTED, units=UNITS, order=order)
    rows = _run(sql, scope, start, end)
    return [(int(r[0]), r[1], Figures(*(int(v or 0) for v in r[2:]))) for r in rows]


def _key(by: str, value: Any) -> Any:
    if by == "ethnic":
        return bool(value)
    if by in ("commune", "cooperative", "category", "stars") and value is not None:
        return int(value)
    return value
