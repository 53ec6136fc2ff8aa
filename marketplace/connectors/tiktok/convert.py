"""TikTok Shop JSON ↔ our dataclasses: strings of money in, integer đồng out."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement

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
    # UNVERIFIED (tiktok.md: returns are another API): lines of a returned order carry
    # a non-empty return_status.
    if status is OrderStatus.COMPLETED and any(i.get("return_status") for i in items):
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
    )


def settlement(order_id: str, transactions: list[dict[str, Any]]) -> Settlement:
    """Sum an order's statement transactions; fees are positive costs."""
    gross = net = 0
    fees: dict[str, int] = defaultdict(int)
    for row in transactions:
        gross += dong(row.get("revenue_amount"))
        net += dong(row.get("settlement_amount"))
        breakdown = row.get("fee_tax_breakdown") or {}
        for part in ("fee", "tax"):
            for key, value in (breakdown.get(part) or {}).items():
                fees[key.removesuffix("_amount")] -= dong(value)
        fees["shipping_cost"] -= dong(row.get("shipping_cost_amount"))
    other = gross - sum(fees.values()) - net
    if other:
        fees["other"] += other
    return Settlement(
        platform_order_id=order_id,
        gross=gross,
        fees={k: v for k, v in fees.items() if v},
        net=net,
    )
