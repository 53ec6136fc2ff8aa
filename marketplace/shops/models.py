"""Connected shops (a cooperative's account on a platform) and our app keys per platform."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from marketplace.catalog.models import Cooperative
from marketplace.common.crypto import EncryptedText
from marketplace.common.models import TimestampMixin
from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import str_enum
from marketplace.extensions import db


class PlatformApp(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """Our app's registration on one platform (one per platform), set by an admin."""

    __tablename__ = "platform_apps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), unique=True)
    base_url: Mapped[str] = mapped_column(String(300))
    auth_base_url: Mapped[str] = mapped_column(String(300), default="")
    app_key: Mapped[str] = mapped_column(String(100))
    app_secret: Mapped[str] = mapped_column(EncryptedText)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    requests_per_second: Mapped[int] = mapped_column(Integer, default=10)
    # Platform-specific registration values, JSON (e.g. TikTok's service_id).
    extra: Mapped[str] = mapped_column(Text, default="{}")

    def __repr__(self) -> str:
        return make_repr(self, "platform", "base_url", "sandbox")


class ShopStatus(enum.StrEnum):
    CONNECTED = "connected"
    NEEDS_REAUTH = "needs_reauth"  # the refresh token is gone: the seller must authorize again
    DISCONNECTED = "disconnected"


class Shop(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A cooperative's shop on a platform, with its tokens (encrypted) and its health."""

    __tablename__ = "shops"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "platform", "platform_shop_id"),
        # A platform shop belongs to one cooperative at a time: only among the rows that
        # are not disconnected (a disconnected row keeps its former holder's history).
        Index(
            "uq_shops_held_platform_shop",
            "platform",
            "platform_shop_id",
            unique=True,
            sqlite_where=text("status != 'disconnected'"),
            postgresql_where=text("status != 'disconnected'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_shop_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ShopStatus] = mapped_column(str_enum(ShopStatus), default=ShopStatus.CONNECTED)
    access_token: Mapped[str] = mapped_column(EncryptedText)
    refresh_token: Mapped[str] = mapped_column(EncryptedText)
    # Platform-specific token data (e.g. TikTok's shop_cipher), JSON, encrypted.
    token_extra: Mapped[str] = mapped_column(EncryptedText, default="{}")
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # When an order pull last completed: a stale one means stock no longer follows orders.
    last_orders_pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sync settings: price rule, stock buffer, what to do at zero stock.
    price_markup_percent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    price_markup_fixed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stock_buffer: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delist_at_zero: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    cooperative: Mapped[Cooperative] = relationship()

    def __repr__(self) -> str:
        return make_repr(self, "id", "platform", "platform_shop_id", "status")
