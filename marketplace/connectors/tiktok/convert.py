"""TikTok Shop JSON ↔ our dataclasses: strings of money in, integer đồng out."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from marketplace.connectors.types import FeeKind
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import balanced

CURRENCY = "VND"
# When several variants carry no options we still need distinct sales attributes.
FALLBACK_SALES_ATTRIBUTE = "Phân loại"

PRODUCT_STATUS = {
    "ACTIVATE": "live",
    "SELLER_DEACTIVATED": "delisted",
    "DELETED": "delisted",
    "PENDING": "pending",
    "DRAFT": "pending",
    "FAILED": "rejected",
    "PLATFORM_DEACTIVATED": "rejected",
    "FREEZE": "rejected",
}
ORDER_STATUS = {
    "UNPAID": OrderStatus.UNPAID,
    "ON_HOLD": OrderStatus.TO_SHIP,
    "AWAITING_SHIPMENT": OrderStatus.TO_SHIP,
    "PARTIALLY_SHIPPING": OrderStatus.TO_SHIP,
    "AWAITING_COLLECTION": OrderStatus.SHIPPED,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.COMPLETED,
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
}


def dong(value: Any) -> int:
    """TikTok's money string ("12000", "12000.00", "-1500") as integer đồng."""
    if value in (None, ""):
        return 0
    try:
        return int(Decimal(str(value)).quantize(Decimal(1)))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def when(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value or 0), tz=UTC)


def product_body(item: ItemPayload, attribute_ids: dict[str, str]) -> dict[str, Any]:
    """The create/edit body; ``attribute_ids`` maps attribute names to ids."""
    several = len(item.variants) > 1
    skus = []
    for variant in item.variants:
        options = variant.options or (
            {FALLBACK_SALES_ATTRIBUTE: variant.seller_sku} if several else {}
        )
        sales: list[dict[str, Any]] = [{"name": k, "value_name": v} for k, v in options.items()]
        if sales and variant.images:
            sales[0]["sku_img"] = {"uri": variant.images[0].platform_id}
        sku: dict[str, Any] = {
            "seller_sku": variant.seller_sku,
            "price": {"amount": str(variant.price), "currency": CURRENCY},
            "inventory": [{"quantity": variant.stock}],
            "sales_attributes": sales,
        }
        if variant.barcode:
            sku["identifier_code"] = {"code": variant.barcode, "type": "EAN"}
        skus.append(sku)
    body: dict[str, Any] = {
        "title": item.name,
        "description": item.description_html,
        "category_id": item.category_id,
        "main_images": [{"uri": image.platform_id} for image in item.images],
        "product_attributes": [
            {"id": attribute_ids.get(key, key), "values": [{"name": value}]}
            for key, value in item.attributes.items()
        ],
        # UNVERIFIED (tiktok.md: no parent seller SKU documented): our parent SKU
        # travels as external_product_id.
        "external_product_id": item.seller_sku,
        "skus": skus,
    }
    if item.brand:
        body["brand_id"] = item.brand
    weight = item.weight_g or next((v.weight_g for v in item.variants if v.weight_g), None)
    if weight:
        body["package_weight"] = {"value": f"{weight / 1000:.3f}", "unit": "KILOGRAM"}
    first = item.variants[0] if item.variants else None
    if first and first.length_cm and first.width_cm and first.height_cm:
        body["package_dimensions"] = {
            "length": str(first.length_cm),
            "width": str(first.width_cm),
            "height": str(first.height_cm),
            "unit": "CENTIMETER",
        }
    return body


def _sku_price(price: dict[str, Any]) -> int:
    for key in ("sale_price", "tax_exclusive_price", "amount"):
        if price.get(key) not in (None, ""):
            return dong(price[key])
    return 0


def remote_item(product: dict[str, Any]) -> RemoteItem:
    variants = [
        RemoteVariant(
            seller_sku=str(sku.get("seller_sku", "")),
            platform_variant_id=str(sku["id"]),
            price=_sku_price(sku.get("price") or {}),
            stock=sum(int(i.get("quantity", 0)) for i in sku.get("inventory") or []),
        )
        for sku in product.get("skus") or []
    ]
    parent = str(product.get("external_product_id") or "")
    return RemoteItem(
        platform_item_id=str(product["id"]),
        seller_sku=parent or (variants[0].seller_sku if variants else ""),
        name=str(product.get("title", "")),
        status=PRODUCT_STATUS.get(str(product.get("status", "")), "pending"),
        variants=variants,
    )


def created_item(item: ItemPayload, data: dict[str, Any]) -> RemoteItem:
    ids = {str(s.get("seller_sku")): str(s["id"]) for s in data.get("skus") or []}
    return RemoteItem(
        platform_item_id=str(data["product_id"]),
        seller_sku=item.seller_sku,
        name=item.name,
        status="live",
        variants=[
            RemoteVariant(v.seller_sku, ids.get(v.seller_sku, ""), v.price, v.stock)
            for v in item.variants
        ],
    )


def order(doc: dict[str, Any]) -> Order:
    platform_status = str(doc.get("status", ""))
    status = ORDER_STATUS.get(platform_status, OrderStatus.TO_SHIP)
    items = doc.get("line_items") or []
    # UNVERIFIED (tiktok.md: returns are another API): returned units' line items carry a
    # non-empty return_status; the order is returned when all of them are.
    if status is OrderStatus.COMPLETED and items and all(i.get("return_status") for i in items):
        status = OrderStatus.RETURNED
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in items:  # TikTok lists one line item per unit
        grouped[str(line.get("sku_id") or line.get("seller_sku") or line["id"])].append(line)
    lines = [
        OrderLine(
            platform_line_id=str(group[0]["id"]),
            seller_sku=str(group[0].get("seller_sku", "")),
            name=str(group[0].get("product_name", "")),
            quantity=len(group),
            unit_price=dong(group[0].get("sale_price")),
            platform_item_id=str(group[0].get("product_id", "")),
            platform_variant_id=str(group[0].get("sku_id", "")),
            returned_quantity=sum(1 for unit in group if unit.get("return_status")),
        )
        for group in grouped.values()
    ]
    payment = doc.get("payment") or {}
    return Order(
        platform_order_id=str(doc["id"]),
        status=status,
        platform_status=platform_status,
        created_at=when(doc.get("create_time")),
        updated_at=when(doc.get("update_time") or doc.get("create_time")),
        total=dong(payment.get("total_amount")),
        lines=lines,
        delivery_region=region(doc.get("recipient_address")),
    )


def region(address: dict[str, Any] | None) -> str:
    """District and province (district_info levels L2 and L1); never names, phones or
    streets. UNVERIFIED (tiktok.md §5): the level numbering of Vietnam's addresses."""
    levels = {
        str(part.get("address_level", "")): str(part.get("address_name") or "").strip()
        for part in (address or {}).get("district_info") or []
        if isinstance(part, dict)
    }
    return ", ".join(name for name in (levels.get("L2"), levels.get("L1")) if name)


# UNVERIFIED (tiktok.md §5): fee_tax_breakdown's keys are told apart by their words.
FEE_WORDS = (
    ("commission", FeeKind.COMMISSION),
    ("transaction", FeeKind.TRANSACTION),
    ("payment", FeeKind.TRANSACTION),
    ("shipping", FeeKind.SHIPPING),
    ("voucher", FeeKind.VOUCHER),
    ("service", FeeKind.SERVICE),
)


def fee_kind(key: str) -> FeeKind:
    return next((kind for word, kind in FEE_WORDS if word in key), FeeKind.OTHER)


def settlement(order_id: str, transactions: list[dict[str, Any]]) -> Settlement:
    """Sum an order's statement transactions; fees are positive costs.

    The gross is the goods' subtotal before refunds (``revenue_breakdown``), a refund
    its own kind. UNVERIFIED (tiktok.md §5): final when every row's ``status`` is PAID."""
    gross = net = 0
    fees: dict[FeeKind, int] = defaultdict(int)
    for row in transactions:
        revenue = row.get("revenue_breakdown") or {}
        subtotal = revenue.get("subtotal_after_seller_discounts_amount")
        gross += dong(row.get("revenue_amount") if subtotal is None else subtotal)
        fees[FeeKind.REFUND] -= dong(revenue.get("refund_subtotal_after_seller_discounts_amount"))
        net += dong(row.get("settlement_amount"))
        breakdown = row.get("fee_tax_breakdown") or {}
        for key, value in (breakdown.get("fee") or {}).items():
            fees[fee_kind(key)] -= dong(value)
        for value in (breakdown.get("tax") or {}).values():
            fees[FeeKind.TAX] -= dong(value)
        fees[FeeKind.SHIPPING] -= dong(row.get("shipping_cost_amount"))
    final = bool(transactions) and all(str(r.get("status", "")) == "PAID" for r in transactions)
    raw = {"statement_transactions": transactions}
    return balanced(order_id, gross, {k.value: v for k, v in fees.items()}, net, raw, final)
