"""Plain data that goes into and comes out of connectors (never ORM objects).

Money is integer đồng, weights grams, sizes centimetres, times timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any
from typing import Generic
from typing import TypeVar

T = TypeVar("T")


class Capability(enum.StrEnum):
    AUTH = "auth"
    CATALOGUE_WRITE = "catalogue_write"
    CATALOGUE_READ = "catalogue_read"
    PRICE_STOCK = "price_stock"
    CATEGORIES = "categories"
    ORDERS = "orders"
    SETTLEMENT = "settlement"
    FILE_CHANNEL = "file_channel"


# What a marketplace with a full seller API offers (every capability but file exchange).
API_CAPABILITIES = frozenset(set(Capability) - {Capability.FILE_CHANNEL})


@dataclass(frozen=True)
class AppConfig:
    """What the platform knows our app by, and where to reach it (real host or sandbox)."""

    base_url: str
    app_key: str
    app_secret: str
    auth_base_url: str = ""  # the seller-facing authorization page, when on another host
    redirect_uri: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # e.g. TikTok's service_id


@dataclass
class TokenSet:
    """A shop's tokens as the platform issued them."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime | None
    shop_id: str  # the platform's id of the shop (shop_id, seller_id, shop_cipher…)
    shop_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageRef:
    """An image the platform now hosts."""

    platform_id: str  # Shopee image_id, Lazada/TikTok URL or uri
    url: str


@dataclass
class VariantPayload:
    seller_sku: str
    price: int
    stock: int
    list_price: int | None = None
    options: dict[str, str] = field(default_factory=dict)  # {"Khối lượng": "500 g"}
    weight_g: int | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    barcode: str | None = None
    images: list[ImageRef] = field(default_factory=list)
    # On an update, the platform's id of this variant when we know it: a variant whose
    # SKU differs there (a listing linked in order) is addressed by its id.
    platform_variant_id: str = ""


@dataclass
class ItemPayload:
    """What one listing should be on the platform."""

    seller_sku: str  # the parent SKU; the key that makes a create idempotent
    name: str
    description_html: str
    category_id: str
    images: list[ImageRef]
    variants: list[VariantPayload]
    attributes: dict[str, str] = field(default_factory=dict)
    brand: str = ""
    weight_g: int | None = None


@dataclass
class RemoteVariant:
    seller_sku: str
    platform_variant_id: str
    price: int
    stock: int


@dataclass
class RemoteItem:
    platform_item_id: str
    seller_sku: str
    name: str
    status: str  # "live", "delisted", "pending", "rejected" — normalised by the connector
    variants: list[RemoteVariant] = field(default_factory=list)


@dataclass(frozen=True)
class PriceStock:
    """A wanted price and stock for one variant already on the platform."""

    platform_item_id: str
    platform_variant_id: str
    seller_sku: str
    price: int
    stock: int


@dataclass(frozen=True)
class VariantRef:
    """A variant already on the platform, by the ids the platform gave it."""

    platform_item_id: str
    platform_variant_id: str
    seller_sku: str


@dataclass
class WriteResult:
    """Outcome of one variant in a batched write; a batch can partly succeed."""

    seller_sku: str
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # None: this was the last page


@dataclass(frozen=True)
class CategoryNode:
    platform_id: str
    name: str
    parent_id: str | None
    leaf: bool


@dataclass(frozen=True)
class AttributeSpec:
    platform_id: str
    name: str
    required: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Brand:
    platform_id: str
    name: str


class OrderStatus(enum.StrEnum):
    """Our normalised order states; connectors map the platform's own onto these."""

    UNPAID = "unpaid"
    TO_SHIP = "to_ship"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RETURNED = "returned"


@dataclass
class OrderLine:
    platform_line_id: str
    seller_sku: str
    name: str
    quantity: int
    unit_price: int
    platform_item_id: str = ""
    platform_variant_id: str = ""
    returned_quantity: int = 0  # units the buyer sent back (a partial return)


@dataclass
class Order:
    platform_order_id: str
    status: OrderStatus
    platform_status: str
    created_at: datetime
    updated_at: datetime
    total: int
    lines: list[OrderLine] = field(default_factory=list)
    # Where it goes, no finer than province and district: no buyer's name, phone or street.
    delivery_region: str = ""


class FeeKind(enum.StrEnum):
    """What separates an order's gross from its net, the same on every platform."""

    COMMISSION = "commission"
    SERVICE = "service"  # service and campaign programme fees
    TRANSACTION = "transaction"  # payment processing
    SHIPPING = "shipping"  # what shipping cost the seller, net of the platform's subsidy
    VOUCHER = "voucher"  # seller-funded vouchers and discounts
    TAX = "tax"  # withheld by the platform for the tax office
    REFUND = "refund"  # given back to the buyer (cancellation, return)
    OTHER = "other"  # anything else, so that net = gross − sum(fees)


@dataclass
class Settlement:
    platform_order_id: str
    gross: int
    fees: dict[str, int]  # FeeKind value -> đồng (positive numbers are costs)
    net: int  # always gross − sum(fees.values())
    # The platform's own figures for the order, as it sent them (kept beside ours).
    raw: dict[str, Any] = field(default_factory=dict)
    # The platform says these figures will not change any more (paid out, adjusted).
    final: bool = False


@dataclass(frozen=True)
class PushNotice:
    """What a verified platform push is about; the order ids it names, if any."""

    platform_shop_id: str
    kind: str  # "order" for order changes; otherwise the platform's own event code
    order_ids: tuple[str, ...] = ()
    sent_at: int | None = None  # Unix seconds, where the push carries its time


def balanced(
    order_id: str, gross: int, fees: dict[str, int], net: int, raw: dict[str, Any], final: bool
) -> Settlement:
    """A settlement whose fees add up: what no named kind explains goes to ``other``;
    kinds that come to nothing are left out."""
    kept = {kind: amount for kind, amount in fees.items() if amount}
    rest = gross - sum(kept.values()) - net
    if rest:
        kept[FeeKind.OTHER.value] = kept.get(FeeKind.OTHER.value, 0) + rest
    return Settlement(order_id, gross, kept, net, raw, final)
