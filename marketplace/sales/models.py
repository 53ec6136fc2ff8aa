"""Orders seen on the shops, their lines, and the platform pushes we received.

Orders are upserted by (shop, order id), so pulling the same window twice, or a push
and a pull of the same order, never makes two. Lines keep the platform's seller SKU
and are matched to our variants by it; unmatched lines are kept, never dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy import select
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


class Order(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """One order of one shop, as the platform last described it."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id"),
        Index("ix_orders_cooperative_status", "cooperative_id", "status"),
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
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    platform_line_id: Mapped[str] = mapped_column(String(64))
    seller_sku: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[int] = mapped_column(Integer)
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


class PushEvent(db.Model):  # type: ignore[name-defined]
    """A platform push we accepted; its digest makes a repeated push a no-op."""

    __tablename__ = "push_events"
    __table_args__ = (UniqueConstraint("platform", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the raw body
    platform_shop_id: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
