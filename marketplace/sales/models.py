"""Orders seen on the shops, their lines, the money, the sales ledger and its rollups.

Orders are upserted by (shop, order id), so pulling the same window twice, or a push
and a pull of the same order, never makes two. Lines keep the platform's seller SKU
and are matched to our variants by it; unmatched lines are kept, never dropped.

What an order adds to the sales figures is booked as ``SalesEntry`` rows (``ledger.py``):
its first contribution on the day it was placed, every later change (a cancellation, a
return, a settlement revision) as a difference on the day it happened, so a closed month
is not rewritten. ``SalesDaily`` sums the entries per day, kept in the same transaction.
No buyer's name, phone or address is kept: the province or district of delivery at most.
"""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from marketplace.catalog.models import Variant
from marketplace.common.models import TimestampMixin
from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import str_enum
from marketplace.common.models import utcnow
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db

# Orders whose goods are still on our shelves but promised to a buyer.
OPEN_STATUSES = frozenset({OrderStatus.UNPAID, OrderStatus.TO_SHIP})
# Orders whose goods have left: on-hand stock is lowered once when an order gets here.
GONE_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.COMPLETED})


class OrderSource(enum.StrEnum):
    """How an order reached the ledger."""

    PULL = "pull"  # the platform's order API, on the minute's pull or the history pull
    PUSH = "push"  # fetched because the platform pushed a change
    FILE = "file"  # a file exported from a channel without an API
    MANUAL = "manual"  # entered by hand (the market stall)


class Order(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """One order of one shop, as the platform last described it."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id"),
        Index("ix_orders_cooperative_status", "cooperative_id", "status"),
        Index("ix_orders_cooperative_placed", "cooperative_id", "placed_at"),
        # The settlement pull looks for orders whose money is not final yet.
        Index("ix_orders_settlement_final", "shop_id", "settlement_final"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus))
    platform_status: Mapped[str] = mapped_column(String(40))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    platform_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    total: Mapped[int] = mapped_column(Integer)
    # Set once on-hand stock was lowered for this order, so it is never lowered twice.
    stock_deducted: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[OrderSource] = mapped_column(
        str_enum(OrderSource), default=OrderSource.PULL, server_default=OrderSource.PULL.value
    )
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last read from its channel
    delivery_region: Mapped[str] = mapped_column(String(120), default="", server_default=text("''"))

    # The money, as the platform's settlement last reported it (None: not reported yet).
    gross: Mapped[int | None] = mapped_column(BigInteger)
    # Kind → đồng, costs positive.
    fees: Mapped[dict[str, int]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    tax_withheld: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    net: Mapped[int | None] = mapped_column(BigInteger)
    # The platform's own figures, as it sent them, beside ours.
    platform_settlement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    settlement_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Settled for good (the order completed, cancelled or returned and paid out): not pulled again.
    settlement_final: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )

    def __repr__(self) -> str:
        return make_repr(self, "id", "shop_id", "platform_order_id", "status")


class OrderLine(db.Model):  # type: ignore[name-defined]
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "platform_line_id"),
        Index("ix_order_lines_variant", "variant_id"),
        # The sales page groups unmatched lines by SKU, and linking one finds them by it.
        Index("ix_order_lines_seller_sku", "seller_sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    platform_line_id: Mapped[str] = mapped_column(String(64))
    seller_sku: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    returned_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unit_price: Mapped[int] = mapped_column(Integer)
    # None when no variant of the cooperative has this SKU: kept and shown, not dropped.
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="lines")
    variant: Mapped[Variant | None] = relationship()


class OrderPull(db.Model):  # type: ignore[name-defined]
    """How far a shop's orders have been pulled: the next pull starts a little before this."""

    __tablename__ = "order_pulls"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    pulled_to: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class OrderHistory(db.Model):  # type: ignore[name-defined]
    """A shop's past orders pulled window by window, newest first (``sales/history``).

    The windows done cover [``reached``, ``anchor``); a rerun continues from ``reached``
    down to ``oldest``, so a job that died or failed resumes instead of starting again."""

    __tablename__ = "order_histories"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    anchor: Mapped[datetime] = mapped_column(UTCDateTime)  # the walk's newest end
    oldest: Mapped[datetime] = mapped_column(UTCDateTime)  # how far back it goes
    reached: Mapped[datetime] = mapped_column(UTCDateTime)  # done down to here
    windows_total: Mapped[int] = mapped_column(Integer, default=0)
    windows_done: Mapped[int] = mapped_column(Integer, default=0)
    orders_seen: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PushEvent(db.Model):  # type: ignore[name-defined]
    """A platform push we accepted; its digest makes a repeated push a no-op."""

    __tablename__ = "push_events"
    __table_args__ = (
        UniqueConstraint("platform", "digest"),
        # The pull after a push looks up the orders the shop's recent pushes named.
        Index("ix_push_events_shop_received", "platform", "platform_shop_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the raw body
    platform_shop_id: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    # The orders the push named: the pull that follows marks them as reached by a push.
    order_ids: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SalesEntry(db.Model):  # type: ignore[name-defined]
    """A change in what one order adds to one product's sales, booked on one day.

    The entries of an order sum to what it adds now (``ledger.contribution``); the
    first is booked on the day it was placed, later ones on the day they happened.
    ``product_id`` 0 holds lines whose SKU matched none of our variants."""

    __tablename__ = "sales_entries"
    __table_args__ = (
        Index("ix_sales_entries_order", "order_id"),
        Index("ix_sales_entries_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # booked on (Vietnam calendar date)
    placed_on: Mapped[date] = mapped_column(Date)  # the order's own day
    product_id: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger, default=0)
    unsettled_gross: Mapped[int] = mapped_column(BigInteger, default=0)
    # Booked in a later month than the order was placed in: a change to a closed month.
    restates: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RollupRow:
    """The columns the daily and the monthly rollups share: whose sales, and their sums."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(Integer)
    area_id: Mapped[int] = mapped_column(Integer)
    shop_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(Integer, default=0)
    gross: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger, default=0)
    unsettled_gross: Mapped[int] = mapped_column(BigInteger, default=0)
    adjusted_gross: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SalesDaily(RollupRow, db.Model):  # type: ignore[name-defined]
    """Sales per Vietnam calendar day × cooperative × shop × product: the entries summed.

    Derived data (``flask sales rebuild`` makes it again from the entries), so no foreign
    keys; the cooperative's commune and the shop's channel are copied for the dashboards.
    ``orders`` counts each order once, on the product of its first line; ``adjusted_gross``
    is the part of ``gross`` that changes orders placed in an earlier month."""

    __tablename__ = "sales_daily"
    __table_args__ = (
        UniqueConstraint("day", "cooperative_id", "shop_id", "product_id"),
        Index("ix_sales_daily_area_day", "area_id", "day"),
        Index("ix_sales_daily_cooperative_day", "cooperative_id", "day"),
    )

    day: Mapped[date] = mapped_column(Date)


class SkuAlias(db.Model):  # type: ignore[name-defined]
    """A seller SKU a cooperative's manager linked by hand to one of its variants.

    Order lines carry the platform's seller SKU; when it is none of ours (a listing made
    on the platform by hand, an old code), the manager links it once on the sales page
    and every later pull matches it here (``services._variant_id``)."""

    __tablename__ = "sku_aliases"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "seller_sku"),
        Index("ix_sku_aliases_variant", "variant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id", ondelete="CASCADE"))
    seller_sku: Mapped[str] = mapped_column(String(60))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SalesMonthly(RollupRow, db.Model):  # type: ignore[name-defined]
    """``SalesDaily`` summed per calendar month (``month`` is its first day), kept by the
    same upserts: a province's year is ~12× fewer rows to read than its days.

    The dashboards read it for whole months; ``ix_sales_monthly_area_month`` covers
    their queries on PostgreSQL (an index-only scan: the sums are in the index)."""

    __tablename__ = "sales_monthly"
    __table_args__ = (
        UniqueConstraint("month", "cooperative_id", "shop_id", "product_id"),
        Index(
            "ix_sales_monthly_area_month",
            "area_id",
            "month",
            postgresql_include=[
                "cooperative_id",
                "channel",
                "product_id",
                "orders",
                "units",
                "gross",
                "net",
                "unsettled_gross",
                "adjusted_gross",
            ],
        ),
        Index("ix_sales_monthly_cooperative_month", "cooperative_id", "month"),
    )

    month: Mapped[date] = mapped_column(Date)


def reserved_by_variant(cooperative_id: int) -> dict[int, int]:
    """Variant id → units promised to buyers by open orders, across every shop."""
    rows = db.session.execute(
        select(OrderLine.variant_id, func.sum(OrderLine.quantity))
        .join(Order)
        .where(
            Order.cooperative_id == cooperative_id,
            Order.status.in_(OPEN_STATUSES),
            OrderLine.variant_id.is_not(None),
        )
        .group_by(OrderLine.variant_id)
    )
    return {int(variant_id or 0): int(total) for variant_id, total in rows}
