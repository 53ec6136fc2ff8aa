"""Orders and lines in bulk, then the ledger (entries, daily rollups) with set-based SQL."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from itertools import islice

from _rollups_data import DAYS
from _rollups_data import FIRST_DAY
from _rollups_data import LINE_COLUMNS
from _rollups_data import ORDER_COLUMNS
from _rollups_data import World
from _rollups_data import _reset_sequences
from _rollups_data import generate
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.models import Order
from marketplace.sales.models import SalesEntry

CHUNK = 50_000  # orders per COPY / executemany round

# ledger.contribution in SQL, for orders booked once on the Vietnam day they were placed:
# units and gross of counted orders (none for a returned one), the net split over lines in
# proportion to their gross in whole đồng with the rest on the first line, the order counted
# on its first line; rows that add nothing are not booked.
ENTRIES = """
INSERT INTO sales_entries (order_id, day, placed_on, product_id, orders, units, gross, net,
                           unsettled_gross, restates, created_at)
WITH l AS (
  SELECT ol.id, ol.order_id, o.net AS onet, {day} AS day,
         COALESCE(v.product_id, 0) AS product_id,
         CASE WHEN o.status IN ('to_ship', 'shipped', 'completed') THEN 1 ELSE 0 END AS counted,
         CASE WHEN o.status = 'returned' THEN 0
              ELSE ol.quantity - ol.returned_quantity END AS units,
         ol.unit_price AS price
  FROM order_lines ol
  JOIN orders o ON o.id = ol.order_id
  LEFT JOIN variants v ON v.id = ol.variant_id
  WHERE o.status IN ('to_ship', 'shipped', 'completed', 'returned')
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
  SELECT s.*, part + CASE WHEN rn = 1 AND onet IS NOT NULL
                          THEN onet - SUM(part) OVER (PARTITION BY order_id) ELSE 0 END AS share
  FROM s
)
SELECT order_id, day, day, product_id,
       SUM(CASE WHEN rn = 1 THEN counted ELSE 0 END), SUM(units), SUM(units * price),
       SUM(share), SUM(CASE WHEN onet IS NULL THEN units * price ELSE 0 END), :restates, :now
FROM t
GROUP BY order_id, day, product_id
HAVING SUM(CASE WHEN rn = 1 THEN counted ELSE 0 END) <> 0 OR SUM(units) <> 0
    OR SUM(units * price) <> 0 OR SUM(share) <> 0
    OR SUM(CASE WHEN onet IS NULL THEN units * price ELSE 0 END) <> 0
"""
VIETNAM_DAY = {
    "postgresql": "CAST(o.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS DATE)",
    "sqlite": "date(o.placed_at, '+7 hours')",  # Vietnam has kept UTC+7 since 1975
}


def last_day() -> date:
    return FIRST_DAY + timedelta(days=DAYS)


def load_orders(world: World, lines: int) -> int:
    """Orders and lines in chunks (COPY on PostgreSQL); how many orders."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    rows = generate(world, lines)
    orders = 0
    while chunk := list(islice(rows, CHUNK)):
        order_rows = [order for order, _ in chunk]
        line_rows = [line for _, lines_ in chunk for line in lines_]
        if postgres:
            _copy("orders", ORDER_COLUMNS, order_rows)
            _copy("order_lines", LINE_COLUMNS, line_rows)
        else:
            _executemany("orders", ORDER_COLUMNS, order_rows)
            _executemany("order_lines", LINE_COLUMNS, line_rows)
        orders += len(order_rows)
        db.session.commit()
    _reset_sequences("orders", "order_lines")
    return orders


def _copy(table: str, columns: str, rows: list[tuple]) -> None:
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _executemany(table: str, columns: str, rows: list[tuple]) -> None:
    names = [c.strip() for c in columns.split(",")]
    raw = db.session.connection().connection.driver_connection
    marks = ", ".join("?" for _ in names)
    # SQLite keeps times as SQLAlchemy writes them: naive UTC text.
    fixed = [tuple(_sqlite_value(v) for v in row) for row in rows]
    raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", fixed)  # noqa: S608


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def make_ledger() -> tuple[int, int]:
    """Entries by set-based SQL, the daily rollups by ``ledger.rebuild``; their counts."""
    dialect = db.session.get_bind().dialect.name
    db.session.execute(
        text(ENTRIES.format(day=VIETNAM_DAY[dialect])),
        {"restates": False, "now": datetime.now(UTC)},
    )
    db.session.commit()
    daily = ledger.rebuild(FIRST_DAY - timedelta(days=1), last_day() + timedelta(days=1))
    db.session.commit()
    if dialect == "postgresql":
        # What autovacuum does to a live database after such a load: statistics, and the
        # visibility map that lets the covering indexes answer without reading the table.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    entries = db.session.scalar(select(func.count()).select_from(SalesEntry)) or 0
    return int(entries), daily


def check_sample(count: int = 300, seed: int = 5) -> list[str]:
    """Orders whose entries differ from what ``book`` would have booked: the mismatches."""
    top = db.session.scalar(select(func.max(Order.id))) or 0
    rng = random.Random(seed)
    wrong = []
    for order_id in rng.sample(range(1, top + 1), min(count, top)):
        order = db.session.get_one(Order, order_id)
        ids = [line.variant_id for line in order.lines if line.variant_id is not None]
        product_of = dict(
            db.session.execute(select(Variant.id, Variant.product_id).where(Variant.id.in_(ids)))
            .tuples()
            .all()
        )
        want, have = ledger.contribution(order, product_of), ledger.booked(order_id)
        if want != have:
            wrong.append(f"order {order_id} ({order.status}): booked {have}, book() gives {want}")
    db.session.rollback()
    return wrong
