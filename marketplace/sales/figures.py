"""What a cooperative's sales page shows: its rollups for a period, read in a fixed
number of queries whatever the number of orders.

Everything but the fees comes from ``sales_daily`` (the ledger's daily rollups), so the
page never scans orders. Fees have no rollup: they are summed from the ``fees`` of the
orders placed in the period (one query, only that column). Unmatched order lines are
read from the lines themselves, grouped by seller SKU: they are few, and they are what
the manager links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time

from sqlalchemy import ColumnElement
from sqlalchemy import desc
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.sales.ledger import VIETNAM
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.sales.models import SalesDaily
from marketplace.sales.periods import Period
from marketplace.shops.models import Shop

UNMATCHED_SHOWN = 50  # SKUs listed for linking, the largest first
_SUMS = ("orders", "units", "gross", "net", "unsettled_gross")


@dataclass(frozen=True)
class Row:
    """Sums of one group of daily rows (a product, a channel, a month, the period)."""

    key: str | int
    label: str = ""
    orders: int = 0
    units: int = 0
    gross: int = 0
    net: int = 0
    unsettled_gross: int = 0


@dataclass(frozen=True)
class Unmatched:
    """Order lines of one seller SKU that matched none of the cooperative's variants."""

    seller_sku: str
    name: str
    orders: int
    units: int
    gross: int


@dataclass
class Report:
    period: Period
    total: Row
    products: list[Row]
    channels: list[Row]
    months: list[Row]
    fees: dict[str, int] = field(default_factory=dict)  # kind → đồng, largest first
    tax_withheld: int = 0
    updated_at: datetime | None = None  # the newest change in the period's rollups

    @property
    def fees_total(self) -> int:
        return sum(self.fees.values()) + self.tax_withheld


def _sums() -> list[ColumnElement[int]]:
    return [func.coalesce(func.sum(getattr(SalesDaily, n)), 0) for n in _SUMS]


def _in(cooperative_id: int, start: date, end: date) -> list[ColumnElement[bool]]:
    return [
        SalesDaily.cooperative_id == cooperative_id,
        SalesDaily.day >= start,
        SalesDaily.day <= end,
    ]


def report(cooperative_id: int, period: Period) -> Report:
    """The period's figures of one cooperative: five queries."""
    where = _in(cooperative_id, period.start, period.end)
    *total, updated_at = db.session.execute(
        select(*_sums(), func.max(SalesDaily.updated_at)).where(*where)
    ).one()
    by_product = db.session.execute(
        select(SalesDaily.product_id, func.max(Product.name), *_sums())
        .outerjoin(Product, Product.id == SalesDaily.product_id)
        .where(*where)
        .group_by(SalesDaily.product_id)
        .order_by(desc(func.sum(SalesDaily.gross)), SalesDaily.product_id)
    )
    by_channel = db.session.execute(
        select(SalesDaily.channel, *_sums())
        .where(*where)
        .group_by(SalesDaily.channel)
        .order_by(desc(func.sum(SalesDaily.gross)), SalesDaily.channel)
    )
    fees, tax = _fees(cooperative_id, period)
    return Report(
        period=period,
        total=Row("total", "", *(int(v) for v in total)),
        products=_shown(Row(r[0], r[1] or "", *(int(v) for v in r[2:])) for r in by_product),
        channels=_shown(Row(r[0], r[0], *(int(v) for v in r[1:])) for r in by_channel),
        months=_months(cooperative_id, period),
        fees=fees,
        tax_withheld=tax,
        updated_at=updated_at,
    )


def _shown(rows: Iterable[Row]) -> list[Row]:
    """Rows with something in them: a change that cancelled out (a line linked to its
    product, an order cancelled) leaves zero rows behind."""
    return [row for row in rows if any(getattr(row, n) for n in _SUMS)]


def _months(cooperative_id: int, period: Period) -> list[Row]:
    """The twelve months up to the period's last, oldest first, empty months included."""
    months = period.last_months(12)
    year, month = extract("year", SalesDaily.day), extract("month", SalesDaily.day)
    rows = db.session.execute(
        select(year, month, *_sums())
        .where(*_in(cooperative_id, months[0], period.end))
        .group_by(year, month)
    )
    found = {(int(r[0]), int(r[1])): [int(v) for v in r[2:]] for r in rows}
    return [
        Row(f"{first:%Y-%m}", "", *found.get((first.year, first.month), [0] * len(_SUMS)))
        for first in months
    ]


def _fees(cooperative_id: int, period: Period) -> tuple[dict[str, int], int]:
    """Fees by kind and tax withheld, of the orders placed in the period (Vietnam days)."""
    start = datetime.combine(period.start, time(), VIETNAM)
    end = datetime.combine(period.end_exclusive, time(), VIETNAM)
    rows = db.session.execute(
        select(Order.fees, Order.tax_withheld).where(
            Order.cooperative_id == cooperative_id, Order.placed_at >= start, Order.placed_at < end
        )
    )
    fees: dict[str, int] = {}
    tax = 0
    for kinds, withheld in rows:
        tax += int(withheld or 0)
        for kind, amount in (kinds or {}).items():
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                fees[str(kind)] = fees.get(str(kind), 0) + int(amount)
    ordered = sorted(fees.items(), key=lambda item: (-item[1], item[0]))
    return {kind: amount for kind, amount in ordered if amount}, tax


def unmatched(cooperative_id: int) -> list[Unmatched]:
    """The cooperative's order lines with no variant, by seller SKU, the largest first."""
    gross = func.sum(OrderLine.quantity * OrderLine.unit_price)
    rows = db.session.execute(
        select(
            OrderLine.seller_sku,
            func.max(OrderLine.name),
            func.count(func.distinct(OrderLine.order_id)),
            func.sum(OrderLine.quantity),
            gross,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.cooperative_id == cooperative_id, OrderLine.variant_id.is_(None))
        .group_by(OrderLine.seller_sku)
        .order_by(desc(gross), OrderLine.seller_sku)
        .limit(UNMATCHED_SHOWN)
    )
    return [Unmatched(r[0], r[1] or "", int(r[2]), int(r[3] or 0), int(r[4] or 0)) for r in rows]


def variant_choices(cooperative_id: int) -> list[tuple[int, str]]:
    """(variant id, "product — options (SKU)") of the cooperative, to link a SKU to."""
    rows = db.session.execute(
        select(Variant.id, Variant.sku, Variant.options, Product.name)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.cooperative_id == cooperative_id)
        .order_by(Product.name, Variant.position, Variant.id)
    )
    return [
        (variant_id, f"{name} — {options} ({sku})" if options else f"{name} ({sku})")
        for variant_id, sku, options, name in rows
    ]


@dataclass(frozen=True)
class RecentOrder:
    """One order as the page lists it: where it came from and when we last read it."""

    platform_order_id: str
    channel: str
    status: str
    placed_at: datetime
    gross: int
    net: int | None
    source: str
    fetched_at: datetime | None


def recent_orders(cooperative_id: int, limit: int = 20) -> list[RecentOrder]:
    """The cooperative's latest orders, newest placed first: one query."""
    rows = db.session.execute(
        select(
            Order.platform_order_id,
            Shop.platform,
            Order.status,
            Order.placed_at,
            Order.total,
            Order.net,
            Order.source,
            Order.fetched_at,
        )
        .join(Shop, Shop.id == Order.shop_id)
        .where(Order.cooperative_id == cooperative_id)
        .order_by(desc(Order.placed_at), desc(Order.id))
        .limit(limit)
    )
    return [
        RecentOrder(r[0], r[1], r[2].value, r[3], int(r[4]), r[5], r[6].value, r[7]) for r in rows
    ]
