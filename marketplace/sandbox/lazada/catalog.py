"""Images, products, price and stock, categories and brands (lazada.md §3)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import url_for
from PIL import Image
from PIL import UnidentifiedImageError

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.data import ATTRIBUTES
from marketplace.sandbox.lazada.data import BRANDS
from marketplace.sandbox.lazada.data import TREE
from marketplace.sandbox.lazada.data import find_category
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api
from marketplace.sandbox.lazada.orders import parse_iso

images = Blueprint("lazada_images", __name__)

MAX_IMAGE_BYTES = 1024 * 1024  # lazada.md §3.4: the emulator keeps the API pages' 1 MB
MIN_SIDE, MAX_SIDE = 330, 5000
MAX_IMAGES = 8
MAX_BATCH = 50
MAX_PRODUCTS_PAGE = 50  # UNVERIFIED (lazada.md §3.5): the API page's 50, not the FAQ's 500
_LIST_TAGS = {"Image", "Sku", "Url", "SkuId", "MultiWarehouseInventory"}
_HOSTED = re.compile(r"/lazada-img/([0-9a-f]{32})\.(jpg|png)$")


# -- payloads ------------------------------------------------------------------
def _xml(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        value = _xml(child)
        if child.tag in _LIST_TAGS:
            out.setdefault(child.tag, []).append(value)
        else:
            out[child.tag] = value
    return out


def parse_payload(text: str) -> dict[str, Any]:
    """``Request > Product`` from an XML or JSON payload (lazada.md §3.1)."""
    if text.lstrip().startswith("<"):
        try:
            root = ET.fromstring(text)  # noqa: S314 - expat refuses entity expansion bombs
        except ET.ParseError as exc:
            raise ApiError("5", "Invalid Request Format") from exc
        request = _xml(root)
    else:
        try:
            request = json.loads(text).get("Request")
        except (ValueError, AttributeError) as exc:
            raise ApiError("1001", "The input parameter is not JSON format as required") from exc
    product = request.get("Product") if isinstance(request, dict) else None
    if not isinstance(product, dict):
        raise ApiError("1001", "The input parameter is not JSON format as required")
    for group, tag in (("Images", "Image"), ("Skus", "Sku")):
        section = product.get(group)
        if isinstance(section, dict) and tag in section and not isinstance(section[tag], list):
            raise ApiError("1001", f"{group}.{tag} must be an array")
    return product


def _list(product: dict[str, Any], group: str, tag: str) -> list[Any]:
    section = product.get(group)
    if not isinstance(section, dict):
        return []
    value = section.get(tag, [])
    return list(value) if isinstance(value, list) else [value]


# -- images ----------------------------------------------------------------------
@api("/image/upload", write=True)
def image_upload(call: Call) -> dict[str, Any]:
    upload = call.files.get("image")
    if upload is None:
        raise ApiError("MissingParameter", "The input parameter 'image' that is mandatory")
    data = upload.read()
    if len(data) > MAX_IMAGE_BYTES:
        raise ApiError("303", "Image size exceeds the 1 MB limit")
    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind, (width, height) = picture.format, picture.size
    except (UnidentifiedImageError, OSError) as exc:
        raise ApiError("300", "Upload image failed: not a JPG or PNG image") from exc
    if kind not in ("JPEG", "PNG"):
        raise ApiError("300", "Upload image failed: only JPG and PNG are supported")
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ApiError(
            "300", f"Upload image failed: each side must be 330-5000 px, got {width}x{height}"
        )
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    ext = "jpg" if kind == "JPEG" else "png"
    url = url_for("lazada_images.hosted", digest=digest, ext=ext, _external=True)
    store = current_sandbox().store
    store.put(
        "images",
        digest,
        {
            "hash_code": digest,
            "ext": ext,
            "width": width,
            "height": height,
            "data": base64.b64encode(data).decode(),
        },
    )
    return {"data": {"image": {"url": url, "hash_code": digest}}}


@images.get("/lazada-img/<digest>.<ext>")
def hosted(digest: str, ext: str) -> Response:
    doc = current_sandbox().store.get("images", digest)
    if doc is None or doc["ext"] != ext:
        abort(404)
    mimetype = "image/jpeg" if ext == "jpg" else "image/png"
    return Response(base64.b64decode(doc["data"]), mimetype=mimetype)


def _hosted(url: str) -> bool:
    match = _HOSTED.search(url)
    return match is not None and current_sandbox().store.get("images", match.group(1)) is not None


# -- products ---------------------------------------------------------------------
def _fail(code: str, message: str, field: str, seller_sku: str = "") -> ApiError:
    # UNVERIFIED (lazada.md §5.1, §7): detail entries are {field, seller_sku, message}.
    entry = {"field": field, "message": message}
    if seller_sku:
        entry["seller_sku"] = seller_sku
    return ApiError(code, message, detail=[entry])


def _number(value: Any, field: str, sku: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise _fail("500", f"{field} is mandatory and must be a number", field, sku) from exc


def _sku_key(seller_id: str, seller_sku: str) -> str:
    return f"{seller_id}:{seller_sku}"


def _check_images(urls: list[Any], field: str) -> list[str]:
    if len(urls) > MAX_IMAGES:
        raise _fail("4169", "At most 8 images are allowed", field)
    for url in urls:
        if not isinstance(url, str) or not _hosted(url):
            raise _fail("500", f"Only Lazada-hosted image URLs are allowed: {url}", field)
    return [str(u) for u in urls]


def _check_attributes(category: str, attributes: dict[str, Any], creating: bool) -> None:
    name = str(attributes.get("name", ""))
    if creating and not name.strip():
        raise _fail("500", "Attribute name is mandatory", "Attributes.name")
    if len(name) > 255:
        raise _fail("500", "Attribute name must be at most 255 characters", "Attributes.name")
    if len(str(attributes.get("description", ""))) > 25_000:
        raise _fail("500", "Description must be at most 25000 characters", "Attributes.description")
    brand_id, brand = str(attributes.get("brand_id", "")), str(attributes.get("brand", ""))
    if creating or brand_id or brand:
        known = {str(b["brand_id"]) for b in BRANDS}
        names = {str(b["name"]) for b in BRANDS}
        if brand_id and brand_id not in known:
            raise _fail("4142", "The brand is not valid in this category", "Attributes.brand_id")
        if not brand_id:
            if not brand:
                raise _fail("500", "Attribute brand_id is mandatory", "Attributes.brand_id")
            # UNVERIFIED (lazada.md §3.2): the deprecated brand name stands in for brand_id.
            if brand not in names:
                raise _fail("4142", "The brand is not valid in this category", "Attributes.brand")
    for spec in ATTRIBUTES.get(int(category), []):
        if spec["name"] in ("name", "brand_id") or spec["is_sale_prop"]:
            continue
        value = str(attributes.get(spec["name"], ""))
        if creating and spec["is_mandatory"] and not value.strip():
            raise _fail(
                "500", f"Attribute {spec['name']} is mandatory", f"Attributes.{spec['name']}"
            )
        options = [o["name"] for o in spec["options"]]
        if value and spec["input_type"] == "singleSelect" and options and value not in options:
            raise _fail(
                "500", f"Invalid value for {spec['name']}: {value}", f"Attributes.{spec['name']}"
            )
        if value and spec["input_type"] == "numeric":
            _number(value, f"Attributes.{spec['name']}", "")


def _check_sku(index: int, sku: dict[str, Any], creating: bool) -> dict[str, Any]:
    seller_sku = str(sku.get("SellerSku", ""))
    prefix = f"Skus.Sku[{index}]"
    if creating and not seller_sku:
        raise _fail("500", "SellerSku is mandatory", f"{prefix}.SellerSku")
    out: dict[str, Any] = {}
    if creating or "price" in sku:
        price = _number(sku.get("price"), f"{prefix}.price", seller_sku)
        if price <= 0:
            raise _fail("500", "price must be greater than 0", f"{prefix}.price", seller_sku)
        out["price"] = price
    if "quantity" in sku or creating:
        quantity = int(_number(sku.get("quantity", 0), f"{prefix}.quantity", seller_sku))
        if quantity < 0:
            raise _fail("500", "quantity must be at least 0", f"{prefix}.quantity", seller_sku)
        out["quantity"] = quantity
    if creating or "package_weight" in sku:
        weight = _number(sku.get("package_weight"), f"{prefix}.package_weight", seller_sku)
        if weight <= 0 or weight > 40:
            raise _fail(
                "4164",
                "Package weight must be over 0 and at most 40 kg",
                f"{prefix}.package_weight",
                seller_sku,
            )
        out["package_weight"] = round(weight, 2)
    sides = ("package_length", "package_width", "package_height")
    if creating or any(s in sku for s in sides):
        total = 0.0
        for side in sides:
            value = _number(sku.get(side), f"{prefix}.{side}", seller_sku)
            if value <= 0:
                raise _fail("500", f"{side} must be over 0", f"{prefix}.{side}", seller_sku)
            out[side] = round(value, 2)
            total += value
        if total > 300:
            raise _fail(
                "4165",
                "Length + width + height must be at most 300 cm",
                f"{prefix}.package_length",
                seller_sku,
            )
    if "saleProp" in sku:
        out["saleProp"] = dict(sku["saleProp"] or {})
    if "Images" in sku:
        out["Images"] = _check_images(_list(sku, "Images", "Image"), f"{prefix}.Images")
    if "Status" in sku:
        status = str(sku["Status"])
        if status not in ("active", "inactive", "deleted"):
            raise _fail("500", f"Invalid Status {status}", f"{prefix}.Status", seller_sku)
        out["Status"] = status
    return out


def _item_status(product: dict[str, Any]) -> str:
    statuses = {s["Status"] for s in product["skus"]}
    if "active" in statuses:
        return "Active"
    return "Deleted" if statuses == {"deleted"} else "InActive"


@api("/product/create", write=True)
def product_create(call: Call) -> dict[str, Any]:
    store = current_sandbox().store
    product = parse_payload(call.need("payload"))
    if product.get("AssociatedSku"):
        raise ApiError("500", "AssociatedSku is not supported by the sandbox")
    category = str(product.get("PrimaryCategory", ""))
    node = find_category(category) if category else None
    if node is None:
        raise _fail("201", "Invalid CategoryId", "PrimaryCategory")
    if not node["leaf"]:
        raise _fail("4134", "The category is not a leaf category", "PrimaryCategory")
    image_urls = _check_images(_list(product, "Images", "Image"), "Images")
    if not image_urls:
        raise _fail("4139", "The main image is required", "Images")
    attributes = product.get("Attributes")
    if not isinstance(attributes, dict):
        raise _fail("500", "Attributes is mandatory", "Attributes")
    _check_attributes(category, attributes, creating=True)
    raw_skus = _list(product, "Skus", "Sku")
    if not raw_skus:
        raise _fail("500", "At least one Sku is required", "Skus")
    checked, seen, props = [], set(), set()
    for index, raw in enumerate(raw_skus):
        fields = _check_sku(index, raw, creating=True)
        seller_sku = str(raw["SellerSku"])
        if seller_sku in seen or store.get("sku_index", _sku_key(call.seller_id, seller_sku)):
            raise _fail(
                "4105",
                f"SellerSku {seller_sku} already exists",
                f"Skus.Sku[{index}].SellerSku",
                seller_sku,
            )
        seen.add(seller_sku)
        prop = json.dumps(fields.get("saleProp", {}), sort_keys=True)
        if len(raw_skus) > 1 and prop in props:
            raise _fail(
                "4112", "Duplicate variant values", f"Skus.Sku[{index}].saleProp", seller_sku
            )
        props.add(prop)
        checked.append((seller_sku, fields))
    if any("Images" in f for _, f in checked) and not all("Images" in f for _, f in checked):
        raise _fail("500", "If one SKU has images, all SKUs must", "Skus.Sku[0].Images")
    item_id = store.next_id("lazada_item", 3_069_252_000)
    now_ms = str(int(call.now * 1000))
    skus = []
    for seller_sku, fields in checked:
        sku_id = store.next_id("lazada_sku", 15_298_395_000)
        skus.append(
            {
                "SkuId": sku_id,
                "SellerSku": seller_sku,
                "ShopSku": f"{item_id}_VNAMZ-{sku_id}",
                "Status": "active",
                "quantity": fields["quantity"],
                "Available": fields["quantity"],
                "special_price": 0,
                "Images": fields.get("Images", []),
                "saleProp": fields.get("saleProp", {}),
                **{k: v for k, v in fields.items() if k not in ("Images", "saleProp")},
            }
        )
        store.put(
            "sku_index",
            _sku_key(call.seller_id, seller_sku),
            {"item_id": item_id, "sku_id": sku_id},
        )
    doc = {
        "item_id": item_id,
        "seller_id": call.seller_id,
        "primary_category": int(category),
        "created_time": now_ms,
        "updated_time": now_ms,
        "images": image_urls,
        "attributes": {k: v for k, v in attributes.items() if v not in (None, "")},
        "skus": skus,
    }
    doc["status"] = _item_status(doc)
    store.put("products", str(item_id), doc)
    return {
        "data": {
            "item_id": item_id,
            "sku_list": [
                {"seller_sku": s["SellerSku"], "shop_sku": s["ShopSku"], "sku_id": s["SkuId"]}
                for s in skus
            ],
            "item_status": doc["status"],
        }
    }


def _own_product(call: Call, item_id: str, code: str = "E0002") -> dict[str, Any]:
    doc = current_sandbox().store.get("products", item_id) if item_id else None
    if doc is None or doc["seller_id"] != call.seller_id or doc["status"] == "Deleted":
        raise ApiError(code, f"Item {item_id} not found")
    return doc


def _save(call: Call, doc: dict[str, Any]) -> None:
    doc["status"] = _item_status(doc)
    doc["updated_time"] = str(int(call.now * 1000))
    current_sandbox().store.put("products", str(doc["item_id"]), doc)


@api("/product/update", write=True)
def product_update(call: Call) -> dict[str, Any]:
    product = parse_payload(call.need("payload"))
    doc = _own_product(call, str(product.get("ItemId", "")), "501")
    attributes = product.get("Attributes")
    if not isinstance(attributes, dict):
        raise _fail("501", "Attributes is mandatory, even if empty", "Attributes")
    _check_attributes(str(doc["primary_category"]), attributes, creating=False)
    if "Images" in product:
        doc["images"] = _check_images(_list(product, "Images", "Image"), "Images")
    by_id = {str(s["SkuId"]): s for s in doc["skus"]}
    for index, raw in enumerate(_list(product, "Skus", "Sku")):
        sku = by_id.get(str(raw.get("SkuId", "")))
        if sku is None:
            raise _fail(
                "501",
                "Sku.SkuId is mandatory and must belong to the item",
                f"Skus.Sku[{index}].SkuId",
                str(raw.get("SellerSku", "")),
            )
        fields = _check_sku(index, raw, creating=False)
        sku.update(fields)
        if "quantity" in fields:
            sku["Available"] = fields["quantity"]
    for key, value in attributes.items():
        doc["attributes"][key] = value
    _save(call, doc)
    return {"data": {}}


@api("/product/deactivate", write=True)
def product_deactivate(call: Call) -> dict[str, Any]:
    product = parse_payload(call.need("apiRequestBody"))
    doc = _own_product(call, str(product.get("ItemId", "")))
    wanted = {str(s) for s in _list(product, "Skus", "SkuId")}
    # UNVERIFIED (lazada.md §3.7): no SkuId means every SKU of the item.
    targets = [s for s in doc["skus"] if not wanted or str(s["SkuId"]) in wanted]
    if not targets:
        raise ApiError("E0002", "Sku not found")
    if all(s["Status"] == "inactive" for s in targets):
        raise ApiError("E0004", "The product is already inactive")
    for sku in targets:
        sku["Status"] = "inactive"
    _save(call, doc)
    return {"data": {}}


@api("/product/price_quantity/update", write=True)
def price_quantity_update(call: Call) -> dict[str, Any]:
    store = current_sandbox().store
    product = parse_payload(call.need("payload"))
    skus = _list(product, "Skus", "Sku")
    if len(skus) > MAX_BATCH:
        raise ApiError("204", "Too many SKUs in one request: at most 50, 20 recommended")
    failed: list[dict[str, str]] = []
    touched: dict[str, dict[str, Any]] = {}
    for raw in skus:
        seller_sku = str(raw.get("SellerSku", ""))
        index = store.get("sku_index", _sku_key(call.seller_id, seller_sku)) if seller_sku else None
        if index is None and raw.get("SkuId"):
            index = next(
                (
                    {"item_id": p["item_id"], "sku_id": s["SkuId"]}
                    for p in store.all("products")
                    if p["seller_id"] == call.seller_id
                    for s in p["skus"]
                    if str(s["SkuId"]) == str(raw["SkuId"])
                ),
                None,
            )
        if index is None:
            failed.append(
                {"seller_sku": seller_sku, "field": "SellerSku", "message": "SKU not found"}
            )
            continue
        item_key = str(index["item_id"])
        doc = touched.get(item_key) or store.get("products", item_key)
        sku = next((s for s in doc["skus"] if s["SkuId"] == index["sku_id"]), None) if doc else None
        if doc is None or sku is None:
            failed.append(
                {"seller_sku": seller_sku, "field": "SellerSku", "message": "SKU not found"}
            )
            continue
        try:
            price = float(raw["Price"]) if "Price" in raw else None
            quantity = int(raw["Quantity"]) if "Quantity" in raw else None
        except (TypeError, ValueError):
            failed.append(
                {
                    "seller_sku": seller_sku,
                    "field": "Price",
                    "message": "Price and Quantity must be numbers",
                }
            )
            continue
        if price is not None and price <= 0:
            failed.append(
                {
                    "seller_sku": seller_sku,
                    "field": "Price",
                    "message": "Price must be greater than 0",
                }
            )
            continue
        if quantity is not None and quantity < 0:
            failed.append(
                {
                    "seller_sku": seller_sku,
                    "field": "Quantity",
                    "message": "Quantity must be at least 0",
                }
            )
            continue
        if price is not None:
            sku["price"] = price
        if quantity is not None:
            sku["quantity"] = sku["Available"] = quantity
        touched[item_key] = doc
    for doc in touched.values():
        _save(call, doc)
    if failed:
        # UNVERIFIED (lazada.md §3.6): the valid SKUs are written; 501 lists the others.
        raise ApiError("501", "Update price and quantity failed for some SKUs", detail=failed)
    return {"data": {}}


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "item_id": doc["item_id"],
        "primary_category": doc["primary_category"],
        "created_time": doc["created_time"],
        "updated_time": doc["updated_time"],
        "status": doc["status"],
        "subStatus": "",
        "images": doc["images"],
        "marketImages": [],
        "attributes": doc["attributes"],
        "skus": [
            {
                "SkuId": s["SkuId"],
                "SellerSku": s["SellerSku"],
                "ShopSku": s["ShopSku"],
                "Status": s["Status"],
                "quantity": s["quantity"],
                "Available": s["Available"],
                "price": s["price"],
                "special_price": s["special_price"],
                "package_weight": str(s["package_weight"]),
                "package_length": str(s["package_length"]),
                "package_width": str(s["package_width"]),
                "package_height": str(s["package_height"]),
                "Images": s["Images"],
                "saleProp": s["saleProp"],
                "Url": f"https://www.lazada.vn/-i{doc['item_id']}-s{s['SkuId']}.html",
            }
            for s in doc["skus"]
        ],
        "suspendedSkus": [],
        "trialProduct": False,
        "rejectReason": [],
        "hiddenStatus": "",
        "hiddenReason": "",
    }


_FILTERS = {
    "all": lambda d: d["status"] != "Deleted",
    "live": lambda d: d["status"] == "Active",
    "inactive": lambda d: d["status"] == "InActive",
    "deleted": lambda d: d["status"] == "Deleted",
    "pending": lambda d: False,
    "rejected": lambda d: False,
    "sold-out": lambda d: d["status"] == "Active" and all(s["quantity"] == 0 for s in d["skus"]),
}


@api("/products/get")
def products_get(call: Call) -> dict[str, Any]:
    chosen = _FILTERS.get(call.get("filter", "all"))
    # UNVERIFIED (lazada.md §3.5): the code for a bad filter, offset or limit.
    if chosen is None:
        raise ApiError("InvalidParameter", "Invalid filter")
    try:
        offset, limit = int(call.get("offset", "0")), int(call.get("limit", "20"))
    except ValueError as exc:
        raise ApiError("InvalidParameter", "offset and limit must be numbers") from exc
    if not 0 <= offset <= 10_000:
        raise ApiError("InvalidParameter", "offset must be between 0 and 10000")
    if not 1 <= limit <= MAX_PRODUCTS_PAGE:
        raise ApiError("InvalidParameter", "limit must be between 1 and 50")
    wanted: set[str] | None = None
    if call.get("sku_seller_list"):
        try:
            wanted = {str(s) for s in json.loads(call.get("sku_seller_list"))}
        except (ValueError, TypeError) as exc:
            raise ApiError("InvalidParameter", "sku_seller_list must be a JSON array") from exc
        if len(wanted) > 100:
            raise ApiError("InvalidParameter", "sku_seller_list holds at most 100 SKUs")
    found = [
        d
        for d in current_sandbox().store.all("products")
        if d["seller_id"] == call.seller_id
        and chosen(d)
        and (wanted is None or any(s["SellerSku"] in wanted for s in d["skus"]))
    ]
    for name, key, after in (
        ("create_after", "created_time", True),
        ("create_before", "created_time", False),
        ("update_after", "updated_time", True),
        ("update_before", "updated_time", False),
    ):
        if call.get(name):
            bound = parse_iso(call.get(name)) * 1000
            found = [d for d in found if (int(d[key]) >= bound) == after]
    found.sort(key=lambda d: int(d["item_id"]))
    page = found[offset : offset + limit]
    return {"data": {"total_products": len(found), "products": [_public(d) for d in page]}}


@api("/product/item/get")
def product_item_get(call: Call) -> dict[str, Any]:
    doc = _own_product(call, call.need("item_id"), "E0002")
    return {"data": _public(doc)}


# -- categories and brands -------------------------------------------------------------
@api("/category/tree/get", token=False)
def category_tree(call: Call) -> dict[str, Any]:
    return {"data": TREE}


@api("/category/attributes/get")
def category_attributes(call: Call) -> dict[str, Any]:
    category = call.need("primary_category_id")
    node = find_category(category)
    if node is None:
        raise ApiError("201", "Invalid CategoryId")
    if not node["leaf"]:
        raise ApiError("57", "The category has no attribute set")
    return {"data": ATTRIBUTES.get(int(category), [])}


@api("/category/brands/query")
def brands_query(call: Call) -> dict[str, Any]:
    try:
        start, size = int(call.need("startRow")), int(call.need("pageSize"))
    except ValueError as exc:
        raise ApiError("InvalidParameter", "startRow and pageSize must be numbers") from exc
    if not 1 <= size <= 200 or start < 0:
        raise ApiError("InvalidParameter", "pageSize must be between 1 and 200")
    return {
        "data": {
            "module": BRANDS[start : start + size],
            "total_record": len(BRANDS),
            "start_row": start,
            "page_size": size,
            "total_page": -(-len(BRANDS) // size),
        },
        "success": True,
        "error_code": None,
        "error_msg": None,
    }
