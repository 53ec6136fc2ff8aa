"""Areas, cooperatives, categories, products, variants and the audit trail."""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from marketplace.auth.models import User
from marketplace.common.models import TimestampMixin
from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import str_enum
from marketplace.common.models import utcnow
from marketplace.extensions import db


class AreaKind(enum.StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"


class SubjectType(enum.StrEnum):
    """The OCOP programme's kinds of producer."""

    COOPERATIVE = "cooperative"
    HOUSEHOLD = "household"
    ENTERPRISE = "enterprise"


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class Area(db.Model):  # type: ignore[name-defined]
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[AreaKind] = mapped_column(str_enum(AreaKind))
    # Official administrative code (GSO) where known; None where we could not confirm it.
    code: Mapped[str | None] = mapped_column(String(10), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))

    parent: Mapped[Area | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return make_repr(self, "id", "name", "kind")


class Cooperative(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "cooperatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    phone: Mapped[str | None] = mapped_column(String(20))
    zalo: Mapped[str | None] = mapped_column(String(20))
    ethnic_minority_led: Mapped[bool] = mapped_column(Boolean, default=False)
    subject_type: Mapped[SubjectType] = mapped_column(
        str_enum(SubjectType), default=SubjectType.COOPERATIVE
    )
    # A household business's sales are its own: officials see them only once it agrees.
    shares_sales_figures: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    area: Mapped[Area] = relationship()

    def __repr__(self) -> str:
        return make_repr(self, "id", "name")


class Category(db.Model):  # type: ignore[name-defined]
    """Our own taxonomy of OCOP product groups; platform categories map onto it later."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name_for(self, locale: str) -> str:
        """The category's name in the given UI locale."""
        return self.name_en if locale == "en" else self.name_vi

    def __repr__(self) -> str:
        return make_repr(self, "id", "slug")


class Product(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "slug"),
        CheckConstraint("ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name="ocop_stars"),
        Index("ix_products_cooperative_status", "cooperative_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    brand: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    ingredients: Mapped[str | None] = mapped_column(Text)
    storage: Mapped[str | None] = mapped_column(Text)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    origin_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    ocop_stars: Mapped[int | None] = mapped_column(Integer)
    ocop_certificate_no: Mapped[str | None] = mapped_column(String(50))
    ocop_issuer: Mapped[str | None] = mapped_column(String(200))
    ocop_issued_on: Mapped[date | None] = mapped_column(Date)
    ocop_expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ProductStatus] = mapped_column(
        str_enum(ProductStatus), default=ProductStatus.DRAFT
    )
    # Folded (no diacritics, lower case) name, brand and SKUs: what the search box matches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    cooperative: Mapped[Cooperative] = relationship()
    category: Mapped[Category | None] = relationship()
    origin_area: Mapped[Area | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="Variant.position",
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="[Photo.position, Photo.id]",
    )

    # The ORM refuses an UPDATE whose version no longer matches: the last line of
    # defence when two saves race past the form-level check in services.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return make_repr(self, "id", "name", "status")


class Variant(db.Model):  # type: ignore[name-defined]
    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "sku"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    # Copied from the product so the database itself keeps SKUs unique per cooperative.
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"))
    sku: Mapped[str] = mapped_column(String(50))
    options: Mapped[str] = mapped_column(String(200), default="")
    price: Mapped[int] = mapped_column(BigInteger)
    list_price: Mapped[int | None] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    length_cm: Mapped[int | None] = mapped_column(Integer)
    width_cm: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    barcode: Mapped[str | None] = mapped_column(String(14))
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    def __repr__(self) -> str:
        return make_repr(self, "id", "sku", "price", "stock")


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """One changed field of a product or variant: who, when, old -> new."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_product_at", "product_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The product version this change produced, so a refused save can show what came after.
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    variant_sku: Mapped[str | None] = mapped_column(String(50))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return make_repr(self, "product_id", "action", "field")


class PhotoStatus(enum.StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Photo(db.Model):  # type: ignore[name-defined]
    """A product photo as uploaded (the original, kept private) in its place in the gallery."""

    __tablename__ = "photos"
    __table_args__ = (
        UniqueConstraint("product_id", "sha256"),
        Index("ix_photos_product_position", "product_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"))
    sha256: Mapped[str] = mapped_column(String(64))  # of the original bytes, as stored
    format: Mapped[str] = mapped_column(String(10))  # JPEG, PNG, WEBP, HEIF, GIF
    width: Mapped[int] = mapped_column(Integer)  # upright, after EXIF orientation
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)  # 0 is the main photo
    status: Mapped[PhotoStatus] = mapped_column(
        str_enum(PhotoStatus), default=PhotoStatus.PROCESSING
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="photos")
    variant: Mapped[Variant | None] = relationship()
    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="photo", cascade="all, delete-orphan"
    )

    def rendition(self, name: str) -> Rendition | None:
        """The named rendition, if it was made."""
        return next((r for r in self.renditions if r.name == name and r.sha256), None)

    def __repr__(self) -> str:
        return make_repr(self, "id", "product_id", "position", "status")


class Rendition(db.Model):  # type: ignore[name-defined]
    """One derived image of a photo (thumbnail, display, one per platform), content-addressed.

    A rendition the photo cannot satisfy (too small for the platform) is kept as a
    row without ``sha256`` and with ``error`` set, so readiness can say why.
    """

    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("photo_id", "name"), Index("ix_renditions_sha256", "sha256"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str | None] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(20))

    photo: Mapped[Photo] = relationship(back_populates="renditions")

    @property
    def extension(self) -> str:
        return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[self.format]

    def __repr__(self) -> str:
        return make_repr(self, "photo_id", "name", "width", "height")
