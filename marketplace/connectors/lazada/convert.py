"""Lazada JSON <-> our dataclasses: amounts, times and statuses, our item as a product
payload, and products, orders and settlements read back (lazada.md §3, §4).

Lazada has no parent SKU: ``ItemPayload.seller_sku`` lives in the product
attribute ``model`` and the variants' SKUs are the SKUs' ``SellerSku``.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from marketplace.connectors.errors import Rejected
from marketplace.connectors.lazada.errors import PLATFORM
from marketplace.connectors.types import FeeKind
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import VariantPayload
from marketplace.connectors.types import balanced

VN = timezone(timedelta(hours=7))
DEFAULT_SIDE_CM = 10  # package sides are mandatory on Lazada; used when the catalogue has none
NO_BRAND = "No Brand"
# fee_type ids (lazada.md §4.6) → our fee kinds; 13 (Item Price Credit) is the gross.
ITEM_PRICE = "13"
FEE_TYPES = {
    "16": FeeKind.COMMISSION,
    "15": FeeKind.COMMISSION,  # reversal commission: negative cost
    "3": FeeKind.TRANSACTION,
    "7": FeeKind.SHIPPING,
    "8": FeeKind.SHIPPING,
    "14": FeeKind.REFUND,
}
# UNVERIFIED (lazada.md §4.6): other rows are told apart by words in their fee_name.
FEE_WORDS = (
    ("tax", FeeKind.TAX),
    ("vat", FeeKind.TAX),
    ("wht", FeeKind.TAX),
    ("voucher", FeeKind.VOUCHER),
    ("shipping", FeeKind.SHIPPING),
    ("commission", FeeKind.COMMISSION),
    ("payment", FeeKind.TRANSACTION),
    ("service", FeeKind.SERVICE),
)
RETURNED_ITEM = {"returned", "shipped_back", "shipped_back_success"}


def money(value: Any) -> int:
    """Lazada amounts (strings or floats) as integer đồng."""
    if value in (None, ""):
        return 0
    return round(float(value))


def lz_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:mm:ss+07:00`` (lazada.md §4.1)."""
    return moment.astimezone(VN).replace(microsecond=0).isoformat()


def parse_time(value: Any) -> datetime:
    """Order times: ``2026-01-02 10:00:00 +0700``, ISO 8601 or epoch milliseconds."""
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, fmt).astimezone(UTC)
        except ValueError:
            continue
    return datetime.fromisoformat(text).astimezone(UTC)


def item_status(status: str) -> str:
    """Lazada product status → live / delisted / pending / rejected."""
    lowered = status.lower().replace(" ", "").replace("_", "")
    if lowered == "active":
        return "live"
    if lowered.startswith("pending"):
        return "pending"
    if lowered in ("rejected", "suspended"):
        return "rejected"
    return "delisted"


_ORDER_STATUS = {
    "unpaid": OrderStatus.UNPAID,
    "canceled": OrderStatus.CANCELLED,
    "returned": OrderStatus.RETURNED,
    "shipped_back": OrderStatus.RETURNED,
    "shipped_back_success": OrderStatus.RETURNED,
    "delivered": OrderStatus.COMPLETED,
    "shipped": OrderStatus.SHIPPED,
    "shipping": OrderStatus.SHIPPED,
    "failed_delivery": OrderStatus.SHIPPED,
}


def order_status(statuses: list[str]) -> OrderStatus:
    """An order's state from its items' distinct statuses (lazada.md §4.1)."""
    found = [_ORDER_STATUS.get(s, OrderStatus.TO_SHIP) for s in statuses] or [OrderStatus.TO_SHIP]
    for wanted in (
        OrderStatus.UNPAID,
        OrderStatus.TO_SHIP,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
        OrderStatus.RETURNED,
    ):
        if wanted in found:
            return wanted
    return OrderStatus.CANCELLED


def _attributes(item: ItemPayload) -> dict[str, Any]:
    """The product's ``Attributes``, with name, description, parent SKU and brand."""
    attributes: dict[str, Any] = dict(item.attributes)
    attributes.update(name=item.name, description=item.description_html, model=item.seller_sku)
    if item.brand.isdigit():
        attributes["brand_id"] = item.brand
    else:
        # UNVERIFIED (lazada.md §3.2): the deprecated ``brand`` name is accepted
        # in place of ``brand_id``; an empty brand becomes "No Brand".
        attributes["brand"] = item.brand or NO_BRAND
    return attributes


def _sku(
    item: ItemPayload, variant: VariantPayload, sku_ids: dict[str, str] | None
) -> dict[str, Any]:
    """One ``Sku`` entry; ``sku_ids`` maps SellerSku to SkuId on updates."""
    weight = variant.weight_g or item.weight_g
    if not weight:
        raise Rejected("package weight is required", field="weight_g", platform=PLATFORM)
    sku: dict[str, Any] = {
        "SellerSku": variant.seller_sku,
        "price": str(variant.price),
        "quantity": str(variant.stock),
        "package_weight": f"{weight / 1000:.2f}",
        "package_length": str(variant.length_cm or DEFAULT_SIDE_CM),
        "package_width": str(variant.width_cm or DEFAULT_SIDE_CM),
        "package_height": str(variant.height_cm or DEFAULT_SIDE_CM),
    }
    if variant.options:
        sku["saleProp"] = dict(variant.options)
    if variant.images:
        sku["Images"] = {"Image": [image.url for image in variant.images]}
    if sku_ids is not None:
        # By SellerSku, else by the id we know (SellerSku may be changed since 2023-11-15).
        known = (
            variant.platform_variant_id if variant.platform_variant_id in sku_ids.values() else ""
        )
        sku_id = sku_ids.get(variant.seller_sku) or known
        if sku_id:
            sku["SkuId"] = sku_id
    return sku


def product_body(item: ItemPayload, sku_ids: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``Product`` of a create or update payload."""
    return {
        "PrimaryCategory": item.category_id,
        "Images": {"Image": [image.url for image in item.images]},
        "Attributes": _attributes(item),
        "Skus": {"Sku": [_sku(item, variant, sku_ids) for variant in item.variants]},
    }


def remote_item(product: dict[str, Any]) -> RemoteItem:
    """Our view of a ``/products/get`` or ``/product/item/get`` product."""
    skus = product.get("skus") or []
    attributes = product.get("attributes") or {}
    parent = str(attributes.get("model") or (skus[0].get("SellerSku", "") if skus else ""))
    return RemoteItem(
        platform_item_id=str(product["item_id"]),
        seller_sku=parent,
        name=str(attributes.get("name", "")),
        status=item_status(str(product.get("status", ""))),
        variants=[
            RemoteVariant(
                seller_sku=str(s.get("SellerSku", "")),
                platform_variant_id=str(s.get("SkuId", "")),
                price=money(s.get("price")),
                stock=int(s.get("quantity") or 0),
            )
            for s in skus
        ],
    )


def order_line(entry: dict[str, Any]) -> OrderLine:
    """One ``order_items`` entry."""
    return OrderLine(
        platform_line_id=str(entry["order_item_id"]),
        seller_sku=str(entry.get("sku", "")),
        name=str(entry.get("name", "")),
        quantity=1,  # lazada.md §4.3: one entry per unit
        unit_price=money(entry.get("item_price")),
        platform_item_id=str(entry.get("product_id", "")),
        platform_variant_id=str(entry.get("sku_id", "")),
        returned_quantity=1 if str(entry.get("status", "")) in RETURNED_ITEM else 0,
    )


def order(order_id: str, data: dict[str, Any], lines: list[OrderLine]) -> Order:
    """Our order from ``/order/get``'s data and its lines."""
    statuses = [str(s) for s in data.get("statuses") or []]
    return Order(
        platform_order_id=str(data.get("order_id", order_id)),
        status=order_status(statuses),
        platform_status=",".join(statuses),
        created_at=parse_time(data["created_at"]),
        updated_at=parse_time(data["updated_at"]),
        # lazada.md §4.1: the buyer paid price - voucher + shipping_fee.
        total=money(data.get("price"))
        - money(data.get("voucher"))
        + money(data.get("shipping_fee")),
        lines=lines,
        delivery_region=region(data.get("address_shipping")),
    )


def region(address: dict[str, Any] | None) -> str:
    """District and province of the shipping address; never names, phones or streets.

    UNVERIFIED (lazada.md §4.1): in Vietnam ``addressDsitrict`` is the district and
    ``city`` the province."""
    address = address or {}
    parts = [str(address.get(key) or "").strip() for key in ("addressDsitrict", "city")]
    return ", ".join(dict.fromkeys(part for part in parts if part))


def fee_kind(row: dict[str, Any]) -> FeeKind:
    """Our kind of a finance row that is not the item price."""
    known = FEE_TYPES.get(str(row.get("fee_type", "")))
    if known is not None:
        return known
    name = str(row.get("fee_name") or row.get("transaction_type") or "").lower()
    return next((kind for word, kind in FEE_WORDS if word in name), FeeKind.OTHER)


def settlement(order_id: str, rows: list[dict[str, Any]]) -> Settlement:
    """The order's money from its finance rows: item price credits, costs by kind, net.

    Final once there are rows and every one is paid out (``paid_status``); a withholding
    the row says is not included in its amount (``WHT_included_in_amount``) is taxed too."""
    gross = 0
    fees: dict[str, int] = {}
    net = 0
    for row in rows:
        amount = money(row.get("amount"))
        net += amount
        if str(row.get("fee_type", "")) == ITEM_PRICE:
            gross += amount
        else:
            kind = fee_kind(row).value
            fees[kind] = fees.get(kind, 0) - amount
        if str(row.get("WHT_included_in_amount", "")).lower() == "false":
            withheld = abs(money(row.get("WHT_amount")))
            fees[FeeKind.TAX.value] = fees.get(FeeKind.TAX.value, 0) + withheld
            net -= withheld
    final = bool(rows) and all(str(r.get("paid_status", "")).lower() == "paid" for r in rows)
    return balanced(order_id, gross, fees, net, {"transactions": rows}, final)
