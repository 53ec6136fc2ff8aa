"""Item endpoints: add, update, list, read, unlist, delete (shopee.md §5.1, §5.4)."""

from __future__ import annotations

from flask import Response
from flask import request
from flask import url_for

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee import seed
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import Caller
from marketplace.sandbox.shopee.gateway import arg_int
from marketplace.sandbox.shopee.gateway import body
from marketplace.sandbox.shopee.gateway import envelope
from marketplace.sandbox.shopee.gateway import int_list
from marketplace.sandbox.shopee.gateway import require
from marketplace.sandbox.shopee.gateway import verify
from marketplace.sandbox.shopee.product_base import ITEM_STATUSES
from marketplace.sandbox.shopee.product_base import Json
from marketplace.sandbox.shopee.product_base import bp
from marketplace.sandbox.shopee.product_base import check_price
from marketplace.sandbox.shopee.product_base import check_sku
from marketplace.sandbox.shopee.product_base import check_stock
from marketplace.sandbox.shopee.product_base import find_item
from marketplace.sandbox.shopee.product_base import item_count
from marketplace.sandbox.shopee.product_base import price_info
from marketplace.sandbox.shopee.product_base import save_item
from marketplace.sandbox.shopee.product_base import shop_items
from marketplace.sandbox.shopee.product_base import stock_info
from marketplace.sandbox.shopee.product_base import written
from marketplace.sandbox.shopee.validation import validate_content

MAX_PAGE = 100  # get_item_list page_size (§5.1)
MAX_BATCH = 50  # ids per get_item_base_info / unlist_item call (§5.1)
ADD_REQUIRED = (
    "original_price",
    "description",
    "weight",
    "item_name",
    "logistic_info",
    "category_id",
    "image",
)
# Price, stock and models have their own endpoints; update_item refuses them.
UPDATE_BLOCKED = ("original_price", "seller_stock", "model", "tier_variation")
UPDATABLE = (
    "item_name",
    "description",
    "item_sku",
    "category_id",
    "attribute_list",
    "image",
    "weight",
    "dimension",
    "logistic_info",
    "brand",
    "condition",
    "item_status",
)
BASE_INFO_FIELDS = (
    "item_id",
    "category_id",
    "item_name",
    "description",
    "item_sku",
    "create_time",
    "update_time",
    "attribute_list",
    "weight",
    "dimension",
    "logistic_info",
    "brand",
    "condition",
    "item_status",
)


@bp.post("/api/v2/product/add_item")
def add_item() -> Response:
    caller = verify("shop")
    data = body()
    require(data, *ADD_REQUIRED)
    validate_content(caller, data)
    price = check_price(data["original_price"])
    stock = check_stock(data.get("seller_stock") or [{"stock": 0}])
    status = str(data.get("item_status") or "NORMAL")
    if status not in ("NORMAL", "UNLIST"):
        raise ApiError("error_param", "Wrong parameters, detail: item_status is invalid.")
    sku = str(data.get("item_sku") or "")
    check_sku(caller.shop_id, sku)
    if item_count(caller.shop_id) >= seed.LIMITS["item_count_limit"]["max_limit"]:
        raise ApiError("error_reach_shop_item_limit", "The shop has reached its item limit.")
    item = _new_item(caller, data, price, stock, status, sku)
    echo = {k: v for k, v in item.items() if k not in ("shop_id", "model", "tier_variation")}
    echo["price_info"] = {"original_price": price, "current_price": price}
    echo["seller_stock"] = [{"stock": stock}]
    return written(envelope(echo))


def _new_item(caller: Caller, data: Json, price: float, stock: int, status: str, sku: str) -> Json:
    """Store a validated add_item body as a new item, without models."""
    sandbox = current_sandbox()
    now = int(sandbox.clock.now())
    item_id = sandbox.store.next_id("shopee_item", 800_000_001)
    item = {
        "item_id": item_id,
        "shop_id": caller.shop_id,
        "category_id": data["category_id"],
        "item_name": data["item_name"],
        "description": data["description"],
        "item_sku": sku,
        "create_time": now,
        "update_time": now,
        "attribute_list": data.get("attribute_list") or [],
        "image": {"image_id_list": list(data["image"]["image_id_list"])},
        "weight": str(data["weight"]),
        "dimension": data.get("dimension") or {},
        "logistic_info": data["logistic_info"],
        "brand": data.get("brand") or {"brand_id": 0, "original_brand_name": "NoBrand"},
        "condition": data.get("condition") or "NEW",
        "item_status": status,
        "original_price": price,
        "stock": stock,
        "tier_variation": [],
        "model": [],
    }
    save_item(item, new=True)
    return item


@bp.post("/api/v2/product/update_item")
def update_item() -> Response:
    caller = verify("shop")
    data = body()
    require(data, "item_id")
    item = find_item(caller, data["item_id"])
    for blocked in UPDATE_BLOCKED:
        if blocked in data:
            raise ApiError(
                "error_param", f"Wrong parameters, detail: {blocked} cannot be updated here."
            )
    # Attribute and brand checks need the category, which an update may leave out.
    validate_content(caller, {"category_id": item["category_id"], **data}, partial=True)
    if "item_sku" in data:
        check_sku(caller.shop_id, str(data["item_sku"]), item["item_id"])
    for key in UPDATABLE:
        if key in data:
            item[key] = str(data[key]) if key == "weight" else data[key]
    save_item(item)
    return written(envelope(dict(data.items())))


@bp.get("/api/v2/product/get_item_list")
def get_item_list() -> Response:
    caller = verify("shop")
    offset = arg_int("offset")
    page_size = arg_int("page_size")
    statuses = request.args.getlist("item_status")
    if not 1 <= page_size <= MAX_PAGE:
        raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1-100.")
    if offset < 0:
        raise ApiError("error_param", "Wrong parameters, detail: offset is invalid.")
    if not statuses or any(s not in ITEM_STATUSES for s in statuses):
        raise ApiError("error_param", "Wrong parameters, detail: item_status is invalid.")
    time_from = arg_int("update_time_from", required=False)
    time_to = arg_int("update_time_to", required=False, default=2**62)
    items = sorted(
        (
            i
            for i in shop_items(caller.shop_id)
            if i["item_status"] in statuses and time_from <= i["update_time"] <= time_to
        ),
        key=lambda i: int(i["item_id"]),
    )
    page = items[offset : offset + page_size]
    more = offset + page_size < len(items)
    return envelope(
        {
            "item": [{k: i[k] for k in ("item_id", "item_status", "update_time")} for i in page],
            "total_count": len(items),
            "has_next_page": more,
            "next_offset": offset + len(page) if more else 0,
        }
    )


@bp.get("/api/v2/product/get_item_base_info")
def get_item_base_info() -> Response:
    caller = verify("shop")
    store = current_sandbox().store
    ids = int_list(",".join(request.args.getlist("item_id_list")))
    if not 1 <= len(ids) <= MAX_BATCH:
        raise ApiError("error_param", "Wrong parameters, detail: item_id_list must be 1-50 ids.")
    found = []
    for item_id in ids:
        item = store.get("items", str(item_id))
        if item is None or item["shop_id"] != caller.shop_id:
            continue
        found.append(_base_info(item))
    return envelope({"item_list": found})


def _base_info(item: Json) -> Json:
    images = item["image"]["image_id_list"]
    info = {k: item[k] for k in BASE_INFO_FIELDS}
    info["image"] = {
        "image_id_list": images,
        "image_url_list": [
            url_for("shopee_products.image_file", image_id=i, _external=True) for i in images
        ],
    }
    info["has_model"] = bool(item["model"])
    info["description_type"] = "normal"
    if not item["model"]:  # price_info is omitted for items with models (§5.4)
        info["price_info"] = price_info(item["original_price"])
        info["stock_info_v2"] = stock_info(item["stock"])
    return info


@bp.post("/api/v2/product/unlist_item")
def unlist_item() -> Response:
    caller = verify("shop")
    data = body()
    require(data, "item_list")
    entries = data["item_list"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH:
        raise ApiError("error_param", "Wrong parameters, detail: item_list must be 1-50 items.")
    success, failure = [], []
    for entry in entries:
        item_id = entry.get("item_id")
        try:
            item = find_item(caller, item_id)
        except ApiError as exc:
            failure.append({"item_id": item_id, "failed_reason": exc.message})
            continue
        if item["item_status"] not in ("NORMAL", "UNLIST"):
            failure.append({"item_id": item_id, "failed_reason": "item status cannot change"})
            continue
        unlist = bool(entry.get("unlist"))
        item["item_status"] = "UNLIST" if unlist else "NORMAL"
        save_item(item)
        success.append({"item_id": item_id, "unlist": unlist})
    return written(envelope({"failure_list": failure, "success_list": success}))


@bp.post("/api/v2/product/delete_item")
def delete_item() -> Response:
    caller = verify("shop")
    data = body()
    require(data, "item_id")
    item = find_item(caller, data["item_id"])
    item["item_status"] = "SELLER_DELETE"
    save_item(item)
    return written(envelope())
