"""Listings found on a shop that the import could not bind to a product of the catalogue."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from marketplace.catalog.models import Product
from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import str_enum
from marketplace.common.models import utcnow
from marketplace.connectors.types import RemoteVariant
from marketplace.extensions import db


class MatchOutcome(enum.StrEnum):
    """Why a listing was not bound (``MATCHED`` ones are bound and never stored here)."""

    MATCHED = "matched"
    PARTIAL = "partial"  # one product fits, but not every variant of the listing
    SEVERAL = "several"  # the listing's variant SKUs belong to more than one product
    NONE = "none"  # no SKU of the listing is in the catalogue
    BOUND = "bound"  # it fits a product that already has another listing on the shop


class UnmatchedItem(db.Model):  # type: ignore[name-defined]
    """A listing on a shop not linked to the catalogue, kept so the manager can link or ignore it.

    Rewritten by every import (one row per shop × platform item id), and deleted
    once the listing is linked or is no longer on the shop.
    """

    __tablename__ = "unmatched_items"
    __table_args__ = (UniqueConstraint("shop_id", "platform_item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    platform_item_id: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300), default="")
    seller_sku: Mapped[str] = mapped_column(String(60), default="")  # the parent SKU, if any
    # JSON [{seller_sku, platform_variant_id, price, stock}], in the platform's order.
    variants_json: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(20))  # live, delisted, pending, rejected
    outcome: Mapped[MatchOutcome] = mapped_column(str_enum(MatchOutcome))
    # The product it nearly fits (partial, bound), offered first when linking.
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    ignored: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[Product | None] = relationship()

    @property
    def variants(self) -> list[RemoteVariant]:
        return [RemoteVariant(**row) for row in json.loads(self.variants_json or "[]")]

    @variants.setter
    def variants(self, rows: list[RemoteVariant]) -> None:
        data: list[dict[str, Any]] = [
            {
                "seller_sku": v.seller_sku,
                "platform_variant_id": v.platform_variant_id,
                "price": v.price,
                "stock": v.stock,
            }
            for v in rows
        ]
        self.variants_json = json.dumps(data, ensure_ascii=False)

    @property
    def skus(self) -> list[str]:
        """Every seller SKU the listing carries, parent first, without blanks or repeats."""
        found = [self.seller_sku, *(v.seller_sku for v in self.variants)]
        return list(dict.fromkeys(s for s in found if s))

    def __repr__(self) -> str:
        return make_repr(self, "id", "shop_id", "platform_item_id", "outcome", "ignored")
