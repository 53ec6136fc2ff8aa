"""What the product endpoints share: the blueprint, item lookup and value checks (§5)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee import seed
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import Caller
from marketplace.sandbox.shopee.gateway import lost_write

# One blueprint for media, categories, items and models: url_for names stay "shopee_products.*".
bp = Blueprint("shopee_products", __name__)
MAX_IMAGE_BYTES = 10 * 1024 * 1024
LIVE_STATUSES = {"NORMAL", "UNLIST", "REVIEWING", "BANNED"}
ITEM_STATUSES = LIVE_STATUSES | {"SELLER_DELETE", "SHOPEE_DELETE"}
Json = dict[str, Any]


def written(response: Response) -> Response:
    """A successful write: answer, unless the lost-response fault eats the answer."""
    return lost_write() if current_sandbox().take_lost_write() else response


def shop_items(shop_id: int) -> list[Json]:
    """Every item of the shop, deleted ones included."""
    return [i for i in current_sandbox().store.all("items") if i["shop_id"] == shop_id]


def find_item(caller: Caller, item_id: Any) -> Json:
    """The caller's live item, or Shopee's not-found / not-yours error."""
    item = current_sandbox().store.get("items", str(item_id))
    if item is None or item["item_status"] not in LIVE_STATUSES:
        raise ApiError("error_item_not_found", f"Item {item_id} is not found.")
    if item["shop_id"] != caller.shop_id:
        raise ApiError("error_item_not_belong_shop", f"Item {item_id} is not of this shop.")
    return item


def save_item(item: Json) -> None:
    """Stamp update_time and store the item."""
    sandbox = current_sandbox()
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)


def skus_in_use(shop_id: int, except_item: int = 0) -> set[str]:
    """Item and model SKUs of the shop's live items, but ``except_item``'s."""
    skus: set[str] = set()
    for item in shop_items(shop_id):
        if item["item_status"] not in LIVE_STATUSES or item["item_id"] == except_item:
            continue
        skus |= {s for s in [item.get("item_sku", "")] if s}
        skus |= {m["model_sku"] for m in item.get("model", []) if m.get("model_sku")}
    return skus


def check_sku(shop_id: int, sku: str, except_item: int = 0) -> None:
    """Refuse a seller SKU another live item of the shop already uses."""
    # UNVERIFIED (shopee.md §5.2): Shopee documents no SKU uniqueness; the sandbox enforces
    # one seller SKU per shop with "product.error_item_sku_duplicate".
    if sku and sku in skus_in_use(shop_id, except_item):
        raise ApiError(
            "product.error_item_sku_duplicate", f"item_sku {sku} already exists in this shop."
        )


def check_price(value: Any, field: str = "original_price") -> float:
    """A price within get_item_limit's price_limit, rounded to whole đồng."""
    try:
        price = float(value)
    except (TypeError, ValueError):
        raise ApiError("error_invalid_price", f"Invalid {field}.") from None
    limit = seed.LIMITS["price_limit"]
    if price < limit["min_limit"]:
        raise ApiError("error_price_exceed_min_limitt", f"Price must be ≥ {limit['min_limit']}.")
    if price > limit["max_limit"]:
        raise ApiError("error_price_exceed_max_limitt", f"Price must be ≤ {limit['max_limit']}.")
    return float(round(price))  # VN: integer prices, decimals are rounded (§5.2)


def check_stock(entries: Any) -> int:
    """The total of a seller_stock list, each entry within stock_limit."""
    if not isinstance(entries, list) or not entries:
        raise ApiError("error_param", "Wrong parameters, detail: seller_stock is required.")
    total = 0
    for entry in entries:
        stock = entry.get("stock") if isinstance(entry, dict) else None
        if not isinstance(stock, int) or not 0 <= stock <= seed.LIMITS["stock_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: stock is invalid.")
        total += stock
    return total


def price_info(price: float) -> list[Json]:
    """The price_info list of base info and model views."""
    return [{"currency": "VND", "original_price": price, "current_price": price}]


def stock_info(stock: int) -> Json:
    """The stock_info_v2 object of base info and model views."""
    return {
        "summary_info": {"total_reserved_stock": 0, "total_available_stock": stock},
        "seller_stock": [{"location_id": "VNZ", "stock": stock, "if_saleable": True}],
        "shopee_stock": [],
    }


def model_view(model: Json) -> Json:
    """A stored model as get_model_list and init_tier_variation show it."""
    return {
        "model_id": model["model_id"],
        "tier_index": model["tier_index"],
        "model_sku": model["model_sku"],
        "model_status": model["model_status"],
        "price_info": price_info(model["original_price"]),
        "stock_info_v2": stock_info(model["stock"]),
    }
