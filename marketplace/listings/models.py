"""Bindings of the catalogue to shops: listings, their variants, the images uploaded for them,
and the category mapping that places our categories in the shop's tree."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.common.models import TimestampMixin
from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import str_enum
from marketplace.extensions import db


class ListingStatus(enum.StrEnum):
    PENDING = "pending"  # recorded before the create call: a retry looks it up first
    LIVE = "live"
    DELISTED = "delisted"
    FAILED = "failed"  # the platform refused it; see the sync log


class Listing(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """One product on one shop. The unique keys are what make retries safe."""

    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_item_id"),
        UniqueConstraint("shop_id", "seller_sku"),
        UniqueConstraint("shop_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    seller_sku: Mapped[str] = mapped_column(String(60))
    platform_item_id: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[ListingStatus] = mapped_column(
        str_enum(ListingStatus), default=ListingStatus.PENDING
    )
    content_hash: Mapped[str | None] = mapped_column(String(64))  # of the last pushed content
    last_error: Mapped[str | None] = mapped_column(Text)
    # Per-field hashes of the last pushed content (JSON), to log which fields an update changes.
    content_fields: Mapped[str | None] = mapped_column(Text)
    # Backoff (listings/backoff.py): failed attempts in a row and the earliest next one, and
    # the hash of a payload the platform refused, which is not sent again until it changes.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_hash: Mapped[str | None] = mapped_column(String(64))

    product: Mapped[Product] = relationship()
    variants: Mapped[list[ListingVariant]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="ListingVariant.id"
    )

    def __repr__(self) -> str:
        return make_repr(self, "id", "shop_id", "seller_sku", "status")


class ListingVariant(db.Model):  # type: ignore[name-defined]
    __tablename__ = "listing_variants"
    __table_args__ = (UniqueConstraint("listing_id", "variant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    platform_variant_id: Mapped[str] = mapped_column(String(60))
    price: Mapped[int | None] = mapped_column(Integer)  # as last pushed
    stock: Mapped[int | None] = mapped_column(Integer)
    # The price and stock the platform refused: not sent again until what we want differs.
    refused_price: Mapped[int | None] = mapped_column(Integer)
    refused_stock: Mapped[int | None] = mapped_column(Integer)

    listing: Mapped[Listing] = relationship(back_populates="variants")
    variant: Mapped[Variant] = relationship()


class PlatformImage(db.Model):  # type: ignore[name-defined]
    """A rendition already uploaded to a shop's platform: upload each image once."""

    __tablename__ = "platform_images"
    __table_args__ = (UniqueConstraint("shop_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)


class CategoryMapping(db.Model):  # type: ignore[name-defined]
    """Our category → the shop's leaf category, with values for its required attributes."""

    __tablename__ = "category_mappings"
    __table_args__ = (UniqueConstraint("shop_id", "category_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    platform_category_id: Mapped[str] = mapped_column(String(40))
    attributes: Mapped[str] = mapped_column(Text, default="{}")  # JSON {attribute id: value}
    # Names of required attributes still without a value; the products wait until empty.
    missing: Mapped[str] = mapped_column(Text, default="")
