"""Media, categories and product endpoints (shopee.md §5)."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from flask import Blueprint
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
from marketplace.sandbox.shopee.gateway import lost_write
from marketplace.sandbox.shopee.gateway import require
from marketplace.sandbox.shopee.gateway import verify

bp = Blueprint("shopee_products", __name__)
MAX_IMAGE_BYTES = 10 * 1024 * 1024
LIVE_STATUSES = {"NORMAL", "UNLIST", "REVIEWING", "BANNED"}
ITEM_STATUSES = LIVE_STATUSES | {"SELLER_DELETE", "SHOPEE_DELETE"}
Json = dict[str, Any]


def _written(response: Response) -> Response:
    """A successful write: answer, unless the lost-response fault eats the answer."""
    return lost_write() if current_sandbox().take_lost_write() else response


# -- media -------------------------------------------------------------------
def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


@bp.post("/api/v2/media_space/upload_image")
def upload_image() -> Response:
    """Public sign (a shop sign is also accepted, §9.1); multipart ``image``, fewer than 9."""
    sandbox = current_sandbox()
    caller = verify("media")
    files = request.files.getlist("image")
    if not files:
        raise ApiError("error_param", "Wrong parameters, detail: image is required.")
    if len(files) >= 9:
        raise ApiError("error_param", "Wrong parameters, detail: upload less than 9 images.")
    results: list[Json] = []
    for index, upload in enumerate(files):
        data = upload.read()
        mime = _image_type(data)
        if mime is None or len(data) > MAX_IMAGE_BYTES:
            results.append(
                {
                    "id": index,
                    "error": "error_param",
                    "message": "Image must be JPG, JPEG or PNG and at most 10 MB.",
                }
            )
            continue
        image_id = f"vn-11134207-{secrets.token_hex(12)}"
        sandbox.store.put(
            "images",
            image_id,
            {
                "image_id": image_id,
                "partner_id": caller.partner_id,
                "mime": mime,
                "data": base64.b64encode(data).decode("ascii"),
            },
        )
        url = url_for("shopee_products.image_file", image_id=image_id, _external=True)
        info = {
            "image_id": image_id,
            "image_url_list": [{"image_url_region": "VN", "image_url": url}],
        }
        results.append({"id": index, "error": "", "message": "", "image_info": info})
    good = [r for r in results if not r["error"]]
    if not good:
        raise ApiError(str(results[0]["error"]), str(results[0]["message"]))
    return _written(envelope({"image_info": good[0]["image_info"], "image_info_list": results}))


@bp.get("/file/<image_id>")
def image_file(image_id: str) -> Response:
    """Where uploaded images are served (Shopee's CDN is cf.shopee.vn/file/<id>)."""
    image = current_sandbox().store.get("images", image_id)
    if image is None:
        return Response("not found", 404)
    return Response(base64.b64decode(image["data"]), mimetype=image["mime"])


# -- categories, attributes, brands, channels ------------------------------------------
@bp.get("/api/v2/product/get_category")
def get_category() -> Response:
    verify("shop")
    vietnamese = request.args.get("language", "en").lower().startswith("vi")
    return envelope(
        {
            "category_list": [
                {
                    "category_id": cid,
                    "parent_category_id": parent,
                    "original_category_name": name,
                    "display_category_name": vi if vietnamese else name,
                    "has_children": cid in seed.PARENTS,
                }
                for cid, parent, name, vi in seed.CATEGORIES
            ]
        }
    )


@bp.get("/api/v2/product/get_attribute_tree")
def get_attribute_tree() -> Response:
    """category_id_list ≤20, leaf categories only (§5.1); the curl sample's category_ids too."""
    verify("shop")
    raw = ",".join(request.args.getlist("category_id_list") or request.args.getlist("category_ids"))
    ids = int_list(raw)
    if not ids:
        raise ApiError("error_param", "Wrong parameters, detail: category_id_list is required.")
    if len(ids) > 20:
        raise ApiError("error_param", "Wrong parameters, detail: category_id_list max 20.")
    for cid in ids:
        if cid not in seed.LEAVES:
            raise ApiError("error_invalid_category", f"Category {cid} is invalid or not a leaf.")
    return envelope(
        {"list": [{"category_id": cid, "attribute_tree": seed.ATTRIBUTES[cid]} for cid in ids]}
    )


@bp.get("/api/v2/product/get_brand_list")
def get_brand_list() -> Response:
    verify("shop")
    offset = arg_int("offset")
    page_size = arg_int("page_size")
    category_id = arg_int("category_id")
    arg_int("status")
    if not 1 <= page_size <= 100:
        raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1-100.")
    if category_id not in seed.LEAVES:
        raise ApiError("error_invalid_category", f"Category {category_id} is invalid.")
    brands = seed.BRANDS.get(category_id, [])
    page = brands[offset : offset + page_size]
    more = offset + page_size < len(brands)
    return envelope(
        {
            "brand_list": [
                {"brand_id": b, "original_brand_name": n, "display_brand_name": n} for b, n in page
            ],
            "has_next_page": more,
            "next_offset": offset + len(page) if more else 0,
            "is_mandatory": False,
            "input_type": "DROP_DOWN",
        }
    )


@bp.get("/api/v2/product/get_item_limit")
def get_item_limit() -> Response:
    verify("shop")
    return envelope({k: v for k, v in seed.LIMITS.items() if k != "max_price_ratio"})


@bp.get("/api/v2/logistics/get_channel_list")
def get_channel_list() -> Response:
    verify("shop")
    return envelope({"logistics_channel_list": seed.CHANNELS})


# -- items ------------------------------------------------------------------------------
def _items(shop_id: int) -> list[Json]:
    return [i for i in current_sandbox().store.all("items") if i["shop_id"] == shop_id]


def _item(caller: Caller, item_id: Any) -> Json:
    item = current_sandbox().store.get("items", str(item_id))
    if item is None or item["item_status"] not in LIVE_STATUSES:
        raise ApiError("error_item_not_found", f"Item {item_id} is not found.")
    if item["shop_id"] != caller.shop_id:
        raise ApiError("error_item_not_belong_shop", f"Item {item_id} is not of this shop.")
    return item


def _skus_in_use(shop_id: int, except_item: int = 0) -> set[str]:
    skus: set[str] = set()
    for item in _items(shop_id):
        if item["item_status"] not in LIVE_STATUSES or item["item_id"] == except_item:
            continue
        skus |= {s for s in [item.get("item_sku", "")] if s}
        skus |= {m["model_sku"] for m in item.get("model", []) if m.get("model_sku")}
    return skus


def _check_sku(shop_id: int, sku: str, except_item: int = 0) -> None:
    # UNVERIFIED (shopee.md §5.2): Shopee documents no SKU uniqueness; the sandbox enforces
    # one seller SKU per shop with "product.error_item_sku_duplicate".
    if sku and sku in _skus_in_use(shop_id, except_item):
        raise ApiError(
            "product.error_item_sku_duplicate", f"item_sku {sku} already exists in this shop."
        )


def _price(value: Any, field: str = "original_price") -> float:
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


def _stock(entries: Any) -> int:
    if not isinstance(entries, list) or not entries:
        raise ApiError("error_param", "Wrong parameters, detail: seller_stock is required.")
    total = 0
    for entry in entries:
        stock = entry.get("stock") if isinstance(entry, dict) else None
        if not isinstance(stock, int) or not 0 <= stock <= seed.LIMITS["stock_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: stock is invalid.")
        total += stock
    return total


def _validate_content(caller: Caller, data: Json, *, partial: bool = False) -> None:
    """Checks shared by add_item and update_item (which sends only what changes)."""
    store = current_sandbox().store
    limits = seed.LIMITS
    if "item_name" in data or not partial:
        name = str(data.get("item_name") or "")
        if not name.strip():
            raise ApiError("error_item_name_empty", "Item name is empty.")
        lo, hi = (
            limits["item_name_length_limit"]["min_limit"],
            limits["item_name_length_limit"]["max_limit"],
        )
        if not lo <= len(name) <= hi:
            raise ApiError(
                "error_name_length_limit", f"Item name length should be between {lo} and {hi}."
            )
    if "description" in data or not partial:
        text = str(data.get("description") or "")
        lo, hi = (
            limits["item_description_length_limit"]["min_limit"],
            limits["item_description_length_limit"]["max_limit"],
        )
        if len(text) < lo:
            raise ApiError("error_desc_length_min_limit", f"Description needs ≥ {lo} characters.")
        if len(text) > hi:
            raise ApiError(
                "error_param", f"Wrong parameters, detail: description is over {hi} characters."
            )
    if "weight" in data or not partial:
        try:
            weight = float(data.get("weight") or 0)
        except (TypeError, ValueError):
            weight = 0
        if weight <= 0:
            raise ApiError("error_param", "Wrong parameters, detail: weight must be positive.")
    category_id = data.get("category_id")
    if ("category_id" in data or not partial) and category_id not in seed.LEAVES:
        raise ApiError(
            "error_invalid_category", f"Category {category_id} is invalid or not a leaf."
        )
    if "image" in data or not partial:
        ids = (data.get("image") or {}).get("image_id_list") or []
        count = limits["item_image_count_limit"]
        if len(ids) < count["min_limit"]:
            raise ApiError("error_image_num_min", "At least one image is required.")
        if len(ids) > count["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: too many images.")
        for image_id in ids:
            image = store.get("images", str(image_id))
            if image is None or image["partner_id"] != caller.partner_id:
                raise ApiError("error_image_unavailable", f"Image {image_id} is unavailable.")
    if "logistic_info" in data or not partial:
        channels = {c["logistics_channel_id"]: c for c in seed.CHANNELS}
        entries = data.get("logistic_info") or []
        for entry in entries:
            channel = channels.get(entry.get("logistic_id"))
            if channel is None or (entry.get("enabled") and not channel["enabled"]):
                raise ApiError(
                    "error_invalid_logistic_info", f"Logistic {entry.get('logistic_id')} invalid."
                )
        if not any(e.get("enabled") for e in entries):
            raise ApiError("error_invalid_logistic_info", "Enable at least one logistic channel.")
    if category_id in seed.LEAVES and ("attribute_list" in data or not partial):
        _validate_attributes(int(category_id), data.get("attribute_list") or [])
    if category_id in seed.LEAVES and data.get("brand"):
        brand = data["brand"]
        if "brand_id" not in brand or "original_brand_name" not in brand:
            raise ApiError("error_invalid_brand", "Brand ID required.")
        allowed = {b for b, _ in seed.BRANDS.get(int(category_id), [])} | {0}
        if brand["brand_id"] not in allowed:
            raise ApiError("error_invalid_brand", f"Brand {brand['brand_id']} is invalid.")


def _validate_attributes(category_id: int, given: list[Json]) -> None:
    tree = {a["attribute_id"]: a for a in seed.ATTRIBUTES[category_id]}
    seen: set[int] = set()
    for entry in given:
        spec = tree.get(entry.get("attribute_id"))
        values = entry.get("attribute_value_list") or []
        if spec is None or not values:
            raise ApiError(
                "error_invalid_attribute_value", f"Attribute {entry.get('attribute_id')} invalid."
            )
        known = {v["value_id"] for v in spec["attribute_value_list"]}
        for value in values:
            value_id = value.get("value_id", 0)
            if value_id == 0 and not value.get("original_value_name"):
                raise ApiError("error_invalid_attribute_value", "Custom value needs a name.")
            if value_id and value_id not in known:
                raise ApiError("error_invalid_attribute_value", f"Value {value_id} invalid.")
        seen.add(spec["attribute_id"])
    missing = [a["name"] for a in tree.values() if a["mandatory"] and a["attribute_id"] not in seen]
    if missing:
        raise ApiError(
            "error_less_required_attribute",
            f"Mandatory attributes missing: {', '.join(missing)}.",
        )


@bp.post("/api/v2/product/add_item")
def add_item() -> Response:
    sandbox = current_sandbox()
    caller = verify("shop")
    data = body()
    require(
        data,
        "original_price",
        "description",
        "weight",
        "item_name",
        "logistic_info",
        "category_id",
        "image",
    )
    _validate_content(caller, data)
    price = _price(data["original_price"])
    stock = _stock(data.get("seller_stock") or [{"stock": 0}])
    status = str(data.get("item_status") or "NORMAL")
    if status not in ("NORMAL", "UNLIST"):
        raise ApiError("error_param", "Wrong parameters, detail: item_status is invalid.")
    sku = str(data.get("item_sku") or "")
    _check_sku(caller.shop_id, sku)
    if len(_items(caller.shop_id)) >= seed.LIMITS["item_count_limit"]["max_limit"]:
        raise ApiError("error_reach_shop_item_limit", "The shop has reached its item limit.")
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
    sandbox.store.put("items", str(item_id), item)
    echo = {k: v for k, v in item.items() if k not in ("shop_id", "model", "tier_variation")}
    echo["price_info"] = {"original_price": price, "current_price": price}
    echo["seller_stock"] = [{"stock": stock}]
    return _written(envelope(echo))


@bp.post("/api/v2/product/update_item")
def update_item() -> Response:
    sandbox = current_sandbox()
    caller = verify("shop")
    data = body()
    require(data, "item_id")
    item = _item(caller, data["item_id"])
    for blocked in ("original_price", "seller_stock", "model", "tier_variation"):
        if blocked in data:
            raise ApiError(
                "error_param", f"Wrong parameters, detail: {blocked} cannot be updated here."
            )
    if "category_id" not in data:
        data_for_check = {**data, "category_id": item["category_id"]}
    else:
        data_for_check = data
    _validate_content(caller, data_for_check, partial=True)
    if "item_sku" in data:
        _check_sku(caller.shop_id, str(data["item_sku"]), item["item_id"])
    for key in (
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
    ):
        if key in data:
            item[key] = str(data[key]) if key == "weight" else data[key]
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)
    return _written(envelope(dict(data.items())))


@bp.post("/api/v2/product/init_tier_variation")
def init_tier_variation() -> Response:
    """Models for an item created without them (§5.3: ≤2 tiers, tier_index from 0)."""
    sandbox = current_sandbox()
    caller = verify("shop")
    data = body()
    require(data, "item_id", "tier_variation", "model")
    item = _item(caller, data["item_id"])
    if item["model"]:
        # UNVERIFIED (shopee.md §5.3): the code for "models exist already" is our choice.
        raise ApiError("product.error_tier_variation_exists", "Tier variation already exists.")
    tiers = data["tier_variation"]
    limits = seed.LIMITS
    if not 1 <= len(tiers) <= 2:
        raise ApiError("error_param", "Wrong parameters, detail: tier_variation must be 1-2 tiers.")
    for tier in tiers:
        name = str(tier.get("name") or "")
        if not 1 <= len(name) <= limits["tier_variation_name_length_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: tier_variation name length.")
        options = [str(o.get("option") or "") for o in tier.get("option_list") or []]
        if not options or len(set(options)) != len(options):
            raise ApiError("error_param", "Wrong parameters, detail: tier_variation option_list.")
        for option in options:
            if not 1 <= len(option) <= limits["tier_variation_option_length_limit"]["max_limit"]:
                raise ApiError("error_param", "Wrong parameters, detail: option length.")
    used = _skus_in_use(caller.shop_id, item["item_id"]) | {item.get("item_sku", "")}
    seen_index: set[tuple[int, ...]] = set()
    models: list[Json] = []
    for entry in data["model"]:
        index = tuple(entry.get("tier_index") or [])
        if len(index) != len(tiers) or any(
            not 0 <= i < len(tiers[t]["option_list"]) for t, i in enumerate(index)
        ):
            raise ApiError("error_param", "Wrong parameters, detail: tier_index is invalid.")
        if index in seen_index:
            raise ApiError("error_param", "Wrong parameters, detail: tier_index is duplicated.")
        seen_index.add(index)
        sku = str(entry.get("model_sku") or "")
        if sku and sku in used:
            raise ApiError(
                "product.error_item_sku_duplicate", f"model_sku {sku} already exists in this shop."
            )
        used.add(sku)
        models.append(
            {
                "model_id": sandbox.store.next_id("shopee_model", 9_000_000_001),
                "tier_index": list(index),
                "model_sku": sku,
                "model_status": "MODEL_NORMAL",
                "original_price": _price(entry.get("original_price")),
                "stock": _stock(entry.get("seller_stock")),
            }
        )
    prices = [m["original_price"] for m in models]
    if max(prices) > min(prices) * limits["max_price_ratio"]:
        raise ApiError("error_invalid_price", "Max/min model price ratio is over 5.")
    item["tier_variation"] = tiers
    item["model"] = models
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)
    answer = {
        "item_id": item["item_id"],
        "tier_variation": tiers,
        "model": [_model_view(m) for m in models],
    }
    return _written(envelope(answer))


def _model_view(model: Json) -> Json:
    price = model["original_price"]
    return {
        "model_id": model["model_id"],
        "tier_index": model["tier_index"],
        "model_sku": model["model_sku"],
        "model_status": model["model_status"],
        "price_info": [{"currency": "VND", "original_price": price, "current_price": price}],
        "stock_info_v2": _stock_info(model["stock"]),
    }


def _stock_info(stock: int) -> Json:
    return {
        "summary_info": {"total_reserved_stock": 0, "total_available_stock": stock},
        "seller_stock": [{"location_id": "VNZ", "stock": stock, "if_saleable": True}],
        "shopee_stock": [],
    }


@bp.get("/api/v2/product/get_item_list")
def get_item_list() -> Response:
    caller = verify("shop")
    offset = arg_int("offset")
    page_size = arg_int("page_size")
    statuses = request.args.getlist("item_status")
    if not 1 <= page_size <= 100:
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
            for i in _items(caller.shop_id)
            if i["item_status"] in statuses and time_from <= i["update_time"] <= time_to
        ),
        key=lambda i: int(i["item_id"]),
    )
    page = items[offset : offset + page_size]
    more = offset + page_size < len(items)
    return envelope(
        {
            "item": [
                {
                    "item_id": i["item_id"],
                    "item_status": i["item_status"],
                    "update_time": i["update_time"],
                }
                for i in page
            ],
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
    if not 1 <= len(ids) <= 50:
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
    info = {
        k: item[k]
        for k in (
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
    }
    info["image"] = {
        "image_id_list": images,
        "image_url_list": [
            url_for("shopee_products.image_file", image_id=i, _external=True) for i in images
        ],
    }
    info["has_model"] = bool(item["model"])
    info["description_type"] = "normal"
    if not item["model"]:  # price_info is omitted for items with models (§5.4)
        price = item["original_price"]
        info["price_info"] = [{"currency": "VND", "original_price": price, "current_price": price}]
        info["stock_info_v2"] = _stock_info(item["stock"])
    return info


@bp.get("/api/v2/product/get_model_list")
def get_model_list() -> Response:
    caller = verify("shop")
    item = _item(caller, arg_int("item_id"))
    return envelope(
        {
            "tier_variation": item["tier_variation"],
            "model": [_model_view(m) for m in item["model"]],
            "standardise_tier_variation": [],
        }
    )


def _per_model(caller: Caller, data: Json, list_name: str) -> tuple[Json, list[Json]]:
    require(data, "item_id", list_name)
    item = _item(caller, data["item_id"])
    entries = data[list_name]
    if not isinstance(entries, list) or not 1 <= len(entries) <= 50:
        raise ApiError("error_param", f"Wrong parameters, detail: {list_name} must be 1-50.")
    return item, entries


def _target(item: Json, model_id: int) -> Json | None:
    if not item["model"]:
        return item if model_id == 0 else None
    return next((m for m in item["model"] if m["model_id"] == model_id), None)


@bp.post("/api/v2/product/update_price")
def update_price() -> Response:
    sandbox = current_sandbox()
    caller = verify("shop")
    item, entries = _per_model(caller, body(), "price_list")
    success, failure = [], []
    for entry in entries:
        model_id = int(entry.get("model_id") or 0)
        target = _target(item, model_id)
        if target is None:
            failure.append({"model_id": model_id, "failed_reason": "model_id is not found"})
            continue
        try:
            target["original_price"] = _price(entry.get("original_price"))
        except ApiError as exc:
            failure.append({"model_id": model_id, "failed_reason": exc.message})
            continue
        success.append({"model_id": model_id, "original_price": target["original_price"]})
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)
    return _written(envelope({"failure_list": failure, "success_list": success}))


@bp.post("/api/v2/product/update_stock")
def update_stock() -> Response:
    sandbox = current_sandbox()
    caller = verify("shop")
    item, entries = _per_model(caller, body(), "stock_list")
    success, failure = [], []
    for entry in entries:
        model_id = int(entry.get("model_id") or 0)
        target = _target(item, model_id)
        if target is None:
            failure.append({"model_id": model_id, "failed_reason": "model_id is not found"})
            continue
        try:
            target["stock"] = _stock(entry.get("seller_stock"))
        except ApiError as exc:
            failure.append({"model_id": model_id, "failed_reason": exc.message})
            continue
        success.append({"model_id": model_id, "location_id": "VNZ", "stock": target["stock"]})
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)
    return _written(envelope({"failure_list": failure, "success_list": success}))


@bp.post("/api/v2/product/unlist_item")
def unlist_item() -> Response:
    sandbox = current_sandbox()
    caller = verify("shop")
    data = body()
    require(data, "item_list")
    entries = data["item_list"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= 50:
        raise ApiError("error_param", "Wrong parameters, detail: item_list must be 1-50 items.")
    success, failure = [], []
    for entry in entries:
        item_id = entry.get("item_id")
        try:
            item = _item(caller, item_id)
        except ApiError as exc:
            failure.append({"item_id": item_id, "failed_reason": exc.message})
            continue
        if item["item_status"] not in ("NORMAL", "UNLIST"):
            failure.append({"item_id": item_id, "failed_reason": "item status cannot change"})
            continue
        unlist = bool(entry.get("unlist"))
        item["item_status"] = "UNLIST" if unlist else "NORMAL"
        item["update_time"] = int(sandbox.clock.now())
        sandbox.store.put("items", str(item_id), item)
        success.append({"item_id": item_id, "unlist": unlist})
    return _written(envelope({"failure_list": failure, "success_list": success}))


@bp.post("/api/v2/product/delete_item")
def delete_item() -> Response:
    sandbox = current_sandbox()
    caller = verify("shop")
    data = body()
    require(data, "item_id")
    item = _item(caller, data["item_id"])
    item["item_status"] = "SELLER_DELETE"
    item["update_time"] = int(sandbox.clock.now())
    sandbox.store.put("items", str(item["item_id"]), item)
    return _written(envelope())
