"""Products: create, update, deactivate, list and read (lazada.md §3.2, §3.3, §3.5, §3.7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.checks import check_attributes
from marketplace.sandbox.lazada.checks import check_images
from marketplace.sandbox.lazada.checks import check_sku
from marketplace.sandbox.lazada.checks import fail
from marketplace.sandbox.lazada.data import find_category
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api
from marketplace.sandbox.lazada.payloads import as_list
from marketplace.sandbox.lazada.payloads import parse_payload
from marketplace.sandbox.lazada.wire import parse_iso

MAX_PRODUCTS_PAGE = 50  # UNVERIFIED (lazada.md §3.5): the API page's 50, not the FAQ's 500
Checked = list[tuple[str, dict[str, Any]]]


def sku_key(seller_id: str, seller_sku: str) -> str:
    """The ``sku_index`` key of a seller's SKU."""
    return f"{seller_id}:{seller_sku}"


def _item_status(product: dict[str, Any]) -> str:
    """The item's status, from its SKUs'."""
    statuses = {s["Status"] for s in product["skus"]}
    if "active" in statuses:
        return "Active"
    return "Deleted" if statuses == {"deleted"} else "InActive"


def save(call: Call, doc: dict[str, Any]) -> None:
    """Store a changed product with its status and update time refreshed."""
    doc["status"] = _item_status(doc)
    doc["updated_time"] = str(int(call.now * 1000))
    current_sandbox().store.put("products", str(doc["item_id"]), doc)


# -- create ------------------------------------------------------------------------
def _check_product(product: dict[str, Any]) -> tuple[str, list[str], dict[str, Any]]:
    """A new product's leaf category, image URLs and attributes."""
    if product.get("AssociatedSku"):
        raise ApiError("500", "AssociatedSku is not supported by the sandbox")
    category = str(product.get("PrimaryCategory", ""))
    node = find_category(category) if category else None
    if node is None:
        raise fail("201", "Invalid CategoryId", "PrimaryCategory")
    if not node["leaf"]:
        raise fail("4134", "The category is not a leaf category", "PrimaryCategory")
    image_urls = check_images(as_list(product, "Images", "Image"), "Images")
    if not image_urls:
        raise fail("4139", "The main image is required", "Images")
    attributes = product.get("Attributes")
    if not isinstance(attributes, dict):
        raise fail("500", "Attributes is mandatory", "Attributes")
    check_attributes(category, attributes, creating=True)
    return category, image_urls, attributes


def _check_new_skus(call: Call, product: dict[str, Any]) -> Checked:
    """A new product's SKUs: unique SellerSkus and variant values, checked fields."""
    store = current_sandbox().store
    raw_skus = as_list(product, "Skus", "Sku")
    if not raw_skus:
        raise fail("500", "At least one Sku is required", "Skus")
    checked: Checked = []
    seen: set[str] = set()
    props: set[str] = set()
    for index, raw in enumerate(raw_skus):
        fields = check_sku(index, raw, creating=True)
        seller_sku = str(raw["SellerSku"])
        if seller_sku in seen or store.get("sku_index", sku_key(call.seller_id, seller_sku)):
            message = f"SellerSku {seller_sku} already exists"
            raise fail("4105", message, f"Skus.Sku[{index}].SellerSku", seller_sku)
        seen.add(seller_sku)
        prop = json.dumps(fields.get("saleProp", {}), sort_keys=True)
        if len(raw_skus) > 1 and prop in props:
            field = f"Skus.Sku[{index}].saleProp"
            raise fail("4112", "Duplicate variant values", field, seller_sku)
        props.add(prop)
        checked.append((seller_sku, fields))
    if any("Images" in f for _, f in checked) and not all("Images" in f for _, f in checked):
        raise fail("500", "If one SKU has images, all SKUs must", "Skus.Sku[0].Images")
    return checked


def _new_skus(call: Call, item_id: int, checked: Checked) -> list[dict[str, Any]]:
    """Stored SKUs for the checked ones, indexed by SellerSku."""
    store = current_sandbox().store
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
        index = {"item_id": item_id, "sku_id": sku_id}
        store.put("sku_index", sku_key(call.seller_id, seller_sku), index)
    return skus


@api("/product/create", write=True)
def product_create(call: Call) -> dict[str, Any]:
    """Create a product after checking it as Lazada would."""
    store = current_sandbox().store
    product = parse_payload(call.need("payload"))
    category, image_urls, attributes = _check_product(product)
    checked = _check_new_skus(call, product)
    item_id = store.next_id("lazada_item", 3_069_252_000)
    now_ms = str(int(call.now * 1000))
    skus = _new_skus(call, item_id, checked)
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
    sku_list = [
        {"seller_sku": s["SellerSku"], "shop_sku": s["ShopSku"], "sku_id": s["SkuId"]} for s in skus
    ]
    return {"data": {"item_id": item_id, "sku_list": sku_list, "item_status": doc["status"]}}


# -- change ------------------------------------------------------------------------
def _own_product(call: Call, item_id: str, code: str = "E0002") -> dict[str, Any]:
    """The caller's live product, or error ``code``."""
    doc = current_sandbox().store.get("products", item_id) if item_id else None
    if doc is None or doc["seller_id"] != call.seller_id or doc["status"] == "Deleted":
        raise ApiError(code, f"Item {item_id} not found")
    return doc


def _update_skus(doc: dict[str, Any], product: dict[str, Any]) -> None:
    """Apply the payload's SKU changes; each must name one of the item's SkuIds."""
    by_id = {str(s["SkuId"]): s for s in doc["skus"]}
    for index, raw in enumerate(as_list(product, "Skus", "Sku")):
        sku = by_id.get(str(raw.get("SkuId", "")))
        if sku is None:
            raise fail(
                "501",
                "Sku.SkuId is mandatory and must belong to the item",
                f"Skus.Sku[{index}].SkuId",
                str(raw.get("SellerSku", "")),
            )
        fields = check_sku(index, raw, creating=False)
        sku.update(fields)
        if "quantity" in fields:
            sku["Available"] = fields["quantity"]


@api("/product/update", write=True)
def product_update(call: Call) -> dict[str, Any]:
    """Change the given attributes, images and SKU fields of a product."""
    product = parse_payload(call.need("payload"))
    doc = _own_product(call, str(product.get("ItemId", "")), "501")
    attributes = product.get("Attributes")
    if not isinstance(attributes, dict):
        raise fail("501", "Attributes is mandatory, even if empty", "Attributes")
    check_attributes(str(doc["primary_category"]), attributes, creating=False)
    if "Images" in product:
        doc["images"] = check_images(as_list(product, "Images", "Image"), "Images")
    _update_skus(doc, product)
    for key, value in attributes.items():
        doc["attributes"][key] = value
    save(call, doc)
    return {"data": {}}


@api("/product/deactivate", write=True)
def product_deactivate(call: Call) -> dict[str, Any]:
    """Make the given SKUs, or all of the item's, inactive."""
    product = parse_payload(call.need("apiRequestBody"))
    doc = _own_product(call, str(product.get("ItemId", "")))
    wanted = {str(s) for s in as_list(product, "Skus", "SkuId")}
    # UNVERIFIED (lazada.md §3.7): no SkuId means every SKU of the item.
    targets = [s for s in doc["skus"] if not wanted or str(s["SkuId"]) in wanted]
    if not targets:
        raise ApiError("E0002", "Sku not found")
    if all(s["Status"] == "inactive" for s in targets):
        raise ApiError("E0004", "The product is already inactive")
    for sku in targets:
        sku["Status"] = "inactive"
    save(call, doc)
    return {"data": {}}


# -- read --------------------------------------------------------------------------
def _public_sku(item_id: int, sku: dict[str, Any]) -> dict[str, Any]:
    """A stored SKU as the API shows it."""
    return {
        "SkuId": sku["SkuId"],
        "SellerSku": sku["SellerSku"],
        "ShopSku": sku["ShopSku"],
        "Status": sku["Status"],
        "quantity": sku["quantity"],
        "Available": sku["Available"],
        "price": sku["price"],
        "special_price": sku["special_price"],
        "package_weight": str(sku["package_weight"]),
        "package_length": str(sku["package_length"]),
        "package_width": str(sku["package_width"]),
        "package_height": str(sku["package_height"]),
        "Images": sku["Images"],
        "saleProp": sku["saleProp"],
        "Url": f"https://www.lazada.vn/-i{item_id}-s{sku['SkuId']}.html",
    }


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored product as the API shows it."""
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
        "skus": [_public_sku(doc["item_id"], s) for s in doc["skus"]],
        "suspendedSkus": [],
        "trialProduct": False,
        "rejectReason": [],
        "hiddenStatus": "",
        "hiddenReason": "",
    }


_FILTERS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "all": lambda d: d["status"] != "Deleted",
    "live": lambda d: d["status"] == "Active",
    "inactive": lambda d: d["status"] == "InActive",
    "deleted": lambda d: d["status"] == "Deleted",
    "pending": lambda d: False,
    "rejected": lambda d: False,
    "sold-out": lambda d: d["status"] == "Active" and all(s["quantity"] == 0 for s in d["skus"]),
}


def _page(call: Call) -> tuple[int, int]:
    """The valid ``offset`` and ``limit``."""
    # UNVERIFIED (lazada.md §3.5): the code for a bad offset or limit.
    try:
        offset, limit = int(call.get("offset", "0")), int(call.get("limit", "20"))
    except ValueError as exc:
        raise ApiError("InvalidParameter", "offset and limit must be numbers") from exc
    if not 0 <= offset <= 10_000:
        raise ApiError("InvalidParameter", "offset must be between 0 and 10000")
    if not 1 <= limit <= MAX_PRODUCTS_PAGE:
        raise ApiError("InvalidParameter", "limit must be between 1 and 50")
    return offset, limit


def _wanted(call: Call) -> set[str] | None:
    """The SellerSkus of ``sku_seller_list``, or None for any."""
    if not call.get("sku_seller_list"):
        return None
    try:
        wanted = {str(s) for s in json.loads(call.get("sku_seller_list"))}
    except (ValueError, TypeError) as exc:
        raise ApiError("InvalidParameter", "sku_seller_list must be a JSON array") from exc
    if len(wanted) > 100:
        raise ApiError("InvalidParameter", "sku_seller_list holds at most 100 SKUs")
    return wanted


def _in_times(call: Call, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The products within the create and update bounds given."""
    for name, key, after in (
        ("create_after", "created_time", True),
        ("create_before", "created_time", False),
        ("update_after", "updated_time", True),
        ("update_before", "updated_time", False),
    ):
        if call.get(name):
            bound = parse_iso(call.get(name)) * 1000
            found = [d for d in found if (int(d[key]) >= bound) == after]
    return found


@api("/products/get")
def products_get(call: Call) -> dict[str, Any]:
    """One page of the seller's products, by filter, SKUs and times."""
    chosen = _FILTERS.get(call.get("filter", "all"))
    # UNVERIFIED (lazada.md §3.5): the code for a bad filter.
    if chosen is None:
        raise ApiError("InvalidParameter", "Invalid filter")
    offset, limit = _page(call)
    wanted = _wanted(call)
    found = [
        d
        for d in current_sandbox().store.all("products")
        if d["seller_id"] == call.seller_id
        and chosen(d)
        and (wanted is None or any(s["SellerSku"] in wanted for s in d["skus"]))
    ]
    found = _in_times(call, found)
    found.sort(key=lambda d: int(d["item_id"]))
    page = found[offset : offset + limit]
    return {"data": {"total_products": len(found), "products": [_public(d) for d in page]}}


@api("/product/item/get")
def product_item_get(call: Call) -> dict[str, Any]:
    """One of the seller's products."""
    doc = _own_product(call, call.need("item_id"), "E0002")
    return {"data": _public(doc)}
