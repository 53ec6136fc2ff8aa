"""What the sync keeps beside the bindings: the sync log and price/stock drift."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.listings.models import Listing


class SyncEvent(db.Model):  # type: ignore[name-defined]
    """One write to a platform and what came back; the sync log people act on."""

    __tablename__ = "sync_events"
    __table_args__ = (Index("ix_sync_events_shop_at", "shop_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # create, link, update, price_stock, delist…
    outcome: Mapped[str] = mapped_column(String(20))  # ok, rejected, failed
    field: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str | None] = mapped_column(String(60))  # the platform's error code
    detail: Mapped[str | None] = mapped_column(Text)  # the platform's own words
    sent: Mapped[str | None] = mapped_column(Text)  # JSON summary of what we sent
    received: Mapped[str | None] = mapped_column(Text)  # JSON summary of what came back

    listing: Mapped[Listing | None] = relationship()


class PriceStockDrift(db.Model):  # type: ignore[name-defined]
    """A variant whose read-back price or stock differs from what we wrote.

    One row per episode: opened by the read-back that first disagrees, updated by
    later ones that still disagree, resolved by the first that agrees again.
    """

    __tablename__ = "price_stock_drifts"
    __table_args__ = (Index("ix_price_stock_drifts_shop_resolved", "shop_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    seller_sku: Mapped[str] = mapped_column(String(60))
    wanted_price: Mapped[int] = mapped_column(Integer)
    wanted_stock: Mapped[int] = mapped_column(Integer)
    seen_price: Mapped[int | None] = mapped_column(Integer)  # None: the platform lacks it
    seen_stock: Mapped[int | None] = mapped_column(Integer)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checks: Mapped[int] = mapped_column(Integer, default=1)  # read-backs that disagreed
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()

    def __repr__(self) -> str:
        return make_repr(self, "id", "seller_sku", "seen_price", "seen_stock", "resolved_at")
