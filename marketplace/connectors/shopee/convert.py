"""Shopee's JSON <-> our dataclasses: money, times and statuses, our item payload in
Shopee's shapes (plain-text description, tier variations), and items, orders and
settlements read back."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from typing import Any

from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.errors import PLATFORM
from marketplace.connectors.types import FeeKind
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import VariantPayload
from marketplace.connectors.types import balanced

# No weight in the payload: Shopee requires one (§5.2), so we send this and say so.
DEFAULT_WEIGHT_G = 500
TIER_OPTION_MAX = 20  # tier_variation_option_length_limit sample value (§5.3)
MAX_TIERS = 2  # §5.3
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6])>|<br\s*/?>", re.IGNORECASE)
Tiers = tuple[list[Json], list[list[int]]]
ITEM_STATUS = {
    "NORMAL": "live",
    "UNLIST": "delisted",
    "REVIEWING": "pending",
    "BANNED": "rejected",
    "SELLER_DELETE": "delisted",
    "SHOPEE_DELETE": "rejected",
    "DELETED": "delisted",
}
ORDER_STATUS = {
    "UNPAID": OrderStatus.UNPAID,
    "PENDING": OrderStatus.UNPAID,
    "INVOICE_PENDING": OrderStatus.UNPAID,
    "READY_TO_SHIP": OrderStatus.TO_SHIP,
    "PROCESSED": OrderStatus.TO_SHIP,
    "RETRY_SHIP": OrderStatus.TO_SHIP,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.SHIPPED,
    "COMPLETED": OrderStatus.COMPLETED,
    "IN_CANCEL": OrderStatus.CANCELLED,
    "CANCELLED": OrderStatus.CANCELLED,
    "TO_RETURN": OrderStatus.RETURNED,
}
# order_income fields (shopee.md §6.5) summed into each of our fee kinds; costs positive.
FEE_FIELDS = {
    FeeKind.COMMISSION: ("commission_fee", "order_ams_commission_fee"),
    FeeKind.SERVICE: ("service_fee", "campaign_fee"),
    FeeKind.TRANSACTION: ("seller_transaction_fee", "credit_card_transaction_fee"),
    FeeKind.VOUCHER: ("voucher_from_seller",),
    FeeKind.TAX: ("escrow_tax", "withholding_tax"),
}


def money_in(value: Any) -> int:
    """Shopee's float price -> integer đồng."""
    return round(float(value or 0))


def money_out(value: int) -> float:
    """Integer đồng -> the float Shopee expects (VN prices are whole numbers, §5.2)."""
    return float(value)


def utc(seconds: Any) -> datetime:
    """A Shopee epoch-seconds field as an aware datetime (missing means the epoch)."""
    return datetime.fromtimestamp(int(seconds or 0), tz=UTC)


def html_to_text(markup: str) -> str:
    """Shopee's normal description is plain text (§5.2): drop tags, keep line breaks."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def is_single(item: ItemPayload) -> bool:
    """One variant without options: Shopee's model-less item."""
    return len(item.variants) == 1 and not item.variants[0].options


def weight_kg(item: ItemPayload) -> float:
    """The item's weight, else its heaviest variant's, else the default (§5.2)."""
    weights = [v.weight_g for v in item.variants if v.weight_g]
    weight_g = item.weight_g or (max(weights) if weights else DEFAULT_WEIGHT_G)
    return round(weight_g / 1000, 3)


def dimension(item: ItemPayload) -> Json | None:
    """The first variant's package size, when it has all three sides."""
    first = item.variants[0]
    if not (first.length_cm and first.width_cm and first.height_cm):
        return None
    return {
        "package_length": first.length_cm,
        "package_width": first.width_cm,
        "package_height": first.height_cm,
    }


def tiers(variants: Sequence[VariantPayload]) -> Tiers:
    """tier_variation and each variant's tier_index, from the variants' options (≤2 tiers)."""
    names: list[str] = []
    for variant in variants:
        names += [k for k in variant.options if k not in names]
    if not names:
        return _sku_tier(variants)
    if len(names) > MAX_TIERS:
        raise Rejected("Shopee allows at most 2 variation tiers", field="options")
    options = _tier_options(variants, names)
    indexes = [
        [options[i].index(v.options.get(name, "")) for i, name in enumerate(names)]
        for v in variants
    ]
    tier_list = [
        {"name": name, "option_list": [{"option": o} for o in options[i]]}
        for i, name in enumerate(names)
    ]
    return tier_list, indexes


def _sku_tier(variants: Sequence[VariantPayload]) -> Tiers:
    """Variants without options: one tier named by SKU (numbered when a SKU is too long)."""
    labels = [
        v.seller_sku if len(v.seller_sku) <= TIER_OPTION_MAX else f"#{i + 1}"
        for i, v in enumerate(variants)
    ]
    tier_list = [{"name": "Variant", "option_list": [{"option": x} for x in labels]}]
    return tier_list, [[i] for i in range(len(variants))]


def _tier_options(variants: Sequence[VariantPayload], names: list[str]) -> list[list[str]]:
    """Each tier's distinct option values, in first-seen order."""
    options: list[list[str]] = [[] for _ in names]
    for variant in variants:
        for i, name in enumerate(names):
            value = variant.options.get(name, "")
            if value not in options[i]:
                options[i].append(value)
    return options


def attribute(tree: list[Json], key: str, value: str) -> Json:
    """One attribute_list entry: ``key`` is an attribute id or name, ``value`` a value name."""
    spec = next((a for a in tree if str(a["attribute_id"]) == key or a.get("name") == key), None)
    if spec is None:
        raise Rejected(f"unknown Shopee attribute {key!r}", field="attributes")
    option = next(
        (v for v in spec.get("attribute_value_list") or [] if v.get("name") == value), None
    )
    # value_id 0 with a name is a custom value (§5.2).
    value_id = option["value_id"] if option else 0
    values = [{"value_id": value_id, "original_value_name": value}]
    return {"attribute_id": spec["attribute_id"], "attribute_value_list": values}


def image_refs(response: Json, count: int) -> list[ImageRef]:
    """One ref per uploaded file, from image_info_list (by index) or, for one file, image_info."""
    entries = sorted(response.get("image_info_list") or [], key=lambda e: int(e.get("id") or 0))
    if not entries and count == 1:
        entries = [{"image_info": response.get("image_info") or {}}]
    for entry in entries:
        if entry.get("error"):
            reason = f"{entry['error']}: {entry.get('message') or ''}"
            raise Rejected(reason, field="images", code=str(entry["error"]), platform=PLATFORM)
    if len(entries) != count:
        raise Rejected(f"{len(entries)} images in the answer for {count}", platform=PLATFORM)
    refs = []
    for entry in entries:
        info = entry.get("image_info") or {}
        urls = info.get("image_url_list") or [{}]
        refs.append(
            ImageRef(platform_id=str(info["image_id"]), url=str(urls[0].get("image_url", "")))
        )
    return refs


def remote_variant(info: Json, seller_sku: str, variant_id: str) -> RemoteVariant:
    """A model (or a model-less item) as our variant."""
    return RemoteVariant(
        seller_sku=seller_sku,
        platform_variant_id=variant_id,
        price=money_in((info.get("price_info") or [{}])[0].get("original_price")),
        stock=_stock(info),
    )


def _stock(info: Json) -> int:
    stock = info.get("stock_info_v2") or {}
    summary = stock.get("summary_info") or {}
    if "total_available_stock" in summary:
        return int(summary["total_available_stock"])
    return sum(int(s.get("stock") or 0) for s in stock.get("seller_stock") or [])


def order(data: Json) -> Order:
    """A get_order_detail entry as our order."""
    status = str(data.get("order_status") or "")
    return Order(
        platform_order_id=str(data["order_sn"]),
        status=ORDER_STATUS.get(status, OrderStatus.TO_SHIP),
        platform_status=status,
        created_at=utc(data.get("create_time")),
        updated_at=utc(data.get("update_time")),
        total=money_in(data.get("total_amount")),
        lines=[_line(line) for line in data.get("item_list") or []],
        delivery_region=region(data.get("recipient_address")),
    )


def _line(line: Json) -> OrderLine:
    # Lines without order_item_id are told apart by item and model.
    line_id = line.get("order_item_id") or f"{line.get('item_id')}:{line.get('model_id')}"
    return OrderLine(
        platform_line_id=str(line_id),
        seller_sku=str(line.get("model_sku") or line.get("item_sku") or ""),
        name=str(line.get("item_name") or ""),
        quantity=int(line.get("model_quantity_purchased") or 0),
        unit_price=money_in(line.get("model_discounted_price") or line.get("model_original_price")),
        platform_item_id=str(line.get("item_id") or ""),
        platform_variant_id=str(line.get("model_id") or "0"),
    )


def settlement(order_sn: str, income: Json) -> Settlement:
    """get_escrow_detail's order_income as our settlement.

    Final once ``escrow_amount_after_adjustment`` is there (the order completed and its
    adjustments are in); before that ``escrow_amount`` is Shopee's estimate (§6.5)."""
    final = income.get("escrow_amount_after_adjustment") is not None
    net = money_in(
        income["escrow_amount_after_adjustment"] if final else income.get("escrow_amount")
    )
    fees = {
        kind.value: sum(abs(money_in(income.get(name))) for name in names)
        for kind, names in FEE_FIELDS.items()
    }
    # What shipping cost the seller: the carrier's fee less what the buyer and Shopee paid.
    fees[FeeKind.SHIPPING.value] = (
        money_in(income.get("actual_shipping_fee"))
        + money_in(income.get("reverse_shipping_fee"))
        - money_in(income.get("shopee_shipping_rebate"))
        - money_in(income.get("buyer_paid_shipping_fee"))
    )
    fees[FeeKind.REFUND.value] = abs(money_in(income.get("seller_return_refund")))
    gross = money_in(income.get("order_selling_price"))
    return balanced(order_sn, gross, fees, net, dict(income), final)


def region(address: Json | None) -> str:
    """Province and district of recipient_address, never the name, phone or street.

    UNVERIFIED (shopee.md §6.2): in Vietnam ``state`` is the province, ``city`` the district."""
    address = address or {}
    parts = [str(address.get(key) or "").strip() for key in ("city", "state")]
    return ", ".join(part for part in parts if part)
