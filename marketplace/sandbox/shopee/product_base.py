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


def save_item(item: Json, *, new: bool = False) -> None:
    """Stamp update_time, store the item, and point the shop's SKU index at it."""
    sandbox = current_sandbox()
    shop_id = item["shop_id"]
    if new:
        count = item_count(shop_id)  # the index is built before the new item is stored
        sandbox.store.put("shop_catalogue", str(shop_id), {"items": count + 1})
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)
    for sku in item_skus(item):
        sandbox.store.put("sku_index", f"{shop_id}:{sku}", {"item_id": item["item_id"]})


def item_skus(item: Json) -> set[str]:
    """The item's own SKU and its models'."""
    skus = {str(item.get("item_sku") or "")} | {m.get("model_sku") or "" for m in item["model"]}
    return skus - {""}


def item_count(shop_id: int) -> int:
    """How many items the shop has, deleted ones included.

    The count and the SKU index are built from the shop's items the first time (a store
    from before them); checking a SKU then reads one document, not the whole shop.
    """
    store = current_sandbox().store
    doc = store.get("shop_catalogue", str(shop_id))
    if doc is None:
        items = shop_items(shop_id)
        for item in items:
            for sku in item_skus(item):
                store.put("sku_index", f"{shop_id}:{sku}", {"item_id": item["item_id"]})
        doc = {"items": len(items)}
        store.put("shop_catalogue", str(shop_id), doc)
    return int(doc["items"])


def sku_owner(shop_id: int, sku: str) -> int | None:
    """The live item of the shop that carries ``sku``, if any."""
    item_count(shop_id)  # builds the index of an older store
    store = current_sandbox().store
    entry = store.get("sku_index", f"{shop_id}:{sku}")
    item = store.get("items", str(entry["item_id"])) if entry else None
    if item is None or item["item_status"] not in LIVE_STATUSES or sku not in item_skus(item):
        return None  # gone, deleted, or the SKU moved on
    return int(item["item_id"])


def check_sku(shop_id: int, sku: str, except_item: int = 0) -> None:
    """Refuse a seller SKU another live item of the shop already uses."""
    # UNVERIFIED (shopee.md §5.2): Shopee documents no SKU uniqueness; the sandbox enforces
    # one seller SKU per shop with "product.error_item_sku_duplicate".
    if sku and sku_owner(shop_id, sku) not in (None, except_item):
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
