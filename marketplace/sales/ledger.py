"""What each order adds to the sales figures, booked as entries and summed per day.

``book(order)`` is called in the transaction of every change to an order (pull, push,
file, hand entry, settlement). It compares what the order adds now (``contribution``)
with what its entries already add and books the difference: on the day the order was
placed the first time, later on the day the change happened (the platform's update time,
or when a revised settlement was read; Vietnam calendar), so a cancellation in December
does not rewrite November. The same difference is added to ``SalesDaily`` and
``SalesMonthly`` in the same transaction, so the rollups always equal the entries summed
(``rebuild`` makes them again).

Counted: orders to ship, shipped or completed. Cancelled and unpaid orders add nothing;
a returned order or the returned part of a line adds no units or gross, but its
settlement's net (often fees the cooperative still paid) stays.
"""

from __future__ import annotations

from dataclasses import astuple
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy import Date
from sqlalchemy import Table
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.expression import Executable

from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.sales.models import Order
from marketplace.sales.models import SalesDaily
from marketplace.sales.models import SalesEntry
from marketplace.sales.models import SalesMonthly
from marketplace.shops.models import Shop

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTED = frozenset({OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.COMPLETED})
UNMATCHED = 0  # the product id of lines whose SKU matched none of our variants
_SUMS = ("orders", "units", "gross", "net", "unsettled_gross")


@dataclass(frozen=True)
class Figures:
    """What an order adds to one product's sales."""

    orders: int = 0
    units: int = 0
    gross: int = 0
    net: int = 0
    unsettled_gross: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def __sub__(self, other: Figures) -> Figures:
        return Figures(*(a - b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def __bool__(self) -> bool:
        return any(astuple(self))


def vietnam_day(moment: datetime) -> date:
    """The Vietnam calendar date of a UTC moment."""
    return moment.astimezone(VIETNAM).date()


def contribution(order: Order, product_of: dict[int, int]) -> dict[int, Figures]:
    """Product id → what the order adds now; ``product_of`` maps its variants to products."""
    if order.status not in COUNTED and order.status != OrderStatus.RETURNED:
        return {}
    kept = [
        (
            product_of.get(line.variant_id or -1, UNMATCHED),
            0 if order.status == OrderStatus.RETURNED else line.quantity - line.returned_quantity,
            line.unit_price,
        )
        for line in order.lines
    ]
    if not kept:
        return {}
    nets = _share(order.net or 0, [units * price for _, units, price in kept])
    found: dict[int, Figures] = {}
    for index, (product_id, units, price) in enumerate(kept):
        counted = index == 0 and order.status in COUNTED
        line = Figures(
            orders=1 if counted else 0,
            units=units,
            gross=units * price,
            net=nets[index] if order.net is not None else 0,
            unsettled_gross=units * price if order.net is None else 0,
        )
        found[product_id] = found.get(product_id, Figures()) + line
    return {product_id: figures for product_id, figures in found.items() if figures}


def _share(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` in whole đồng, the rest on the first."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * weight // whole for weight in weights]
    parts[0] += total - sum(parts)
    return parts


def booked(order_id: int) -> dict[int, Figures]:
    """Product id → what the order's entries add up to."""
    rows = db.session.execute(
        select(SalesEntry.product_id, *(func.sum(getattr(SalesEntry, n)) for n in _SUMS))
        .where(SalesEntry.order_id == order_id)
        .group_by(SalesEntry.product_id)
    )
    found = {row[0]: Figures(*(int(v or 0) for v in row[1:])) for row in rows}
    return {product_id: figures for product_id, figures in found.items() if figures}


def book(order: Order) -> list[SalesEntry]:
    """Book the difference between what ``order`` adds now and what it added; the entries."""
    db.session.flush()  # the order and its lines have their ids and current rows
    variant_ids = [line.variant_id for line in order.lines if line.variant_id is not None]
    product_of = _products_of(variant_ids)
    before = booked(order.id)
    now = contribution(order, product_of)
    placed = vietnam_day(order.placed_at)
    day = placed if not before else max(placed, vietnam_day(_changed_at(order)))
    restates = (day.year, day.month) != (placed.year, placed.month)
    entries = []
    for product_id in sorted(now.keys() | before.keys()):
        change = now.get(product_id, Figures()) - before.get(product_id, Figures())
        if change:
            entries.append(_entry(order, product_id, change, day, placed, restates))
    if entries:
        db.session.add_all(entries)
        _add_to_daily(order, entries)
    return entries


def _changed_at(order: Order) -> datetime:
    """When the latest change to the order happened: the platform's update of the order,
    or our reading of a revised settlement, whichever is later."""
    moments = [order.platform_updated_at, order.settlement_fetched_at]
    return max(moment for moment in moments if moment is not None)


def _products_of(variant_ids: list[int]) -> dict[int, int]:
    if not variant_ids:
        return {}
    rows = db.session.execute(
        select(Variant.id, Variant.product_id).where(Variant.id.in_(variant_ids))
    )
    return {int(variant_id): int(product_id) for variant_id, product_id in rows}


def _entry(
    order: Order, product_id: int, change: Figures, day: date, placed: date, restates: bool
) -> SalesEntry:
    return SalesEntry(
        order_id=order.id,
        day=day,
        placed_on=placed,
        product_id=product_id,
        restates=restates,
        **{name: getattr(change, name) for name in _SUMS},
    )


def _add_to_daily(order: Order, entries: list[SalesEntry]) -> None:
    """Add the entries to their days' and months' rows: two upserts per entry, in this
    transaction."""
    shop = db.session.get_one(Shop, order.shop_id)
    area_id = db.session.scalar(
        select(Cooperative.area_id).where(Cooperative.id == order.cooperative_id)
    )
    daily: Table = SalesDaily.__table__
    monthly: Table = SalesMonthly.__table__
    for entry in entries:
        values = {
            "cooperative_id": order.cooperative_id,
            "area_id": area_id,
            "shop_id": order.shop_id,
            "channel": shop.platform,
            "product_id": entry.product_id,
            "adjusted_gross": entry.gross if entry.restates else 0,
            "updated_at": utcnow(),
            **{name: getattr(entry, name) for name in _SUMS},
        }
        db.session.execute(_upsert(daily, "day", {"day": entry.day, **values}))
        month = {"month": entry.day.replace(day=1), **values}
        db.session.execute(_upsert(monthly, "month", month))


def _upsert(table: Table, period: str, values: dict[str, object]) -> Executable:
    """INSERT … ON CONFLICT (period, cooperative, shop, product) DO UPDATE: add the sums."""
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = statement.values(**values)
    added = {name: table.c[name] + statement.excluded[name] for name in (*_SUMS, "adjusted_gross")}
    return statement.on_conflict_do_update(
        index_elements=[period, "cooperative_id", "shop_id", "product_id"],
        set_={**added, "updated_at": statement.excluded.updated_at},
    )


def rebuild(start: date, end: date) -> int:
    """Make the daily rows of [start, end] again from the entries, and the monthly rows
    of the months it touches from the daily rows; how many daily rows now."""
    table: Table = SalesDaily.__table__
    in_range = and_(SalesEntry.day >= start, SalesEntry.day <= end)
    db.session.execute(delete(table).where(table.c.day >= start, table.c.day <= end))
    sums = [func.sum(getattr(SalesEntry, name)) for name in _SUMS]
    adjusted = func.sum(case((SalesEntry.restates, SalesEntry.gross), else_=0))
    grouped = (
        select(
            SalesEntry.day,
            Order.cooperative_id,
            Cooperative.area_id,
            Order.shop_id,
            Shop.platform,
            SalesEntry.product_id,
            *sums,
            adjusted,
            func.max(SalesEntry.created_at),
        )
        .join(Order, Order.id == SalesEntry.order_id)
        .join(Shop, Shop.id == Order.shop_id)
        .join(Cooperative, Cooperative.id == Order.cooperative_id)
        .where(in_range)
        .group_by(
            SalesEntry.day,
            Order.cooperative_id,
            Cooperative.area_id,
            Order.shop_id,
            Shop.platform,
            SalesEntry.product_id,
        )
    )
    columns = ["day", "cooperative_id", "area_id", "shop_id", "channel", "product_id"]
    columns += [*_SUMS, "adjusted_gross", "updated_at"]
    db.session.execute(insert(table).from_select(columns, grouped))
    rebuild_months(start.replace(day=1), end)
    return int(
        db.session.scalar(
            select(func.count()).select_from(table).where(table.c.day.between(start, end))
        )
        or 0
    )


def rebuild_months(first: date, end: date) -> None:
    """The monthly rows of the months from ``first`` to ``end`` as their days summed."""
    daily: Table = SalesDaily.__table__
    monthly: Table = SalesMonthly.__table__
    db.session.execute(delete(monthly).where(monthly.c.month >= first, monthly.c.month <= end))
    month: ColumnElement[Any]
    if db.session.get_bind().dialect.name == "postgresql":
        month = cast(func.date_trunc("month", daily.c.day), Date)
    else:
        month = func.date(daily.c.day, "start of month")
    keys = [month, daily.c.cooperative_id, daily.c.area_id, daily.c.shop_id, daily.c.channel]
    keys.append(daily.c.product_id)
    sums = [func.sum(daily.c[name]) for name in (*_SUMS, "adjusted_gross")]
    grouped = (
        select(*keys, *sums, func.max(daily.c.updated_at))
        .where(daily.c.day >= first, daily.c.day < _next_month(end))
        .group_by(*keys)
    )
    columns = ["month", "cooperative_id", "area_id", "shop_id", "channel", "product_id"]
    columns += [*_SUMS, "adjusted_gross", "updated_at"]
    db.session.execute(insert(monthly).from_select(columns, grouped))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def book_all(batch: int = 500) -> int:
    """Book every order's difference (orders from before the ledger, or a fixed rule);
    commits per batch; how many entries were written."""
    written, after = 0, 0
    while True:
        orders = db.session.scalars(
            select(Order).where(Order.id > after).order_by(Order.id).limit(batch)
        ).all()
        if not orders:
            return written
        for order in orders:
            written += len(book(order))
        after = orders[-1].id
        db.session.commit()
