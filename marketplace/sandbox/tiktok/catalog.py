"""Categories, brands, images and products (tiktok.md §5)."""

from __future__ import annotations

import base64
import io
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import g
from flask import request
from flask import url_for

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok import seed
from marketplace.sandbox.tiktok.core import ApiError
from marketplace.sandbox.tiktok.core import envelope

bp = Blueprint("tiktok_catalog", __name__)

# UNVERIFIED (tiktok.md: validation codes not documented): our own numbers, mirrored in
# marketplace/connectors/tiktok/errors.py.
TITLE = 12052010
DESCRIPTION = 12052011
CATEGORY = 12052012
ATTRIBUTE = 12052013
IMAGE = 12052014
DUPLICATE_SKU = 12052015
PRICE = 12052016
SKU_INVALID = 12052017
BRAND = 12052018
STOCK = 12052019
WEIGHT = 12052020
IMAGE_UPLOAD = 12019001

# UNVERIFIED (tiktok.md §7, image_rules.py): JPEG/PNG, 300–4000 px, ≤5 MB, ≤9 main images.
IMAGE_MIN_SIDE = 300
IMAGE_MAX_SIDE = 4000
IMAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 9
# UNVERIFIED: title 1–255 characters, description ≤10 000, 1–100 SKUs, stock ≤ 999 999.
TITLE_MAX = 255
DESCRIPTION_MAX = 10_000
MAX_SKUS = 100
MAX_STOCK = 999_999
# UNVERIFIED (tiktok.md §7): product search page_size 1–100; ≤20 SKUs per price or
# inventory update call; brands page_size 1–100.
SEARCH_PAGE_MAX = 100
SKUS_PER_UPDATE = 20
BRAND_PAGE_MAX = 100
LIVE = "ACTIVATE"
DELISTED = "SELLER_DEACTIVATED"


@bp.get("/product/202309/categories")
@core.api()
def categories() -> Response:
    rows = [{**c, "permission_statuses": ["AVAILABLE"]} for c in seed.CATEGORIES]
    return envelope({"categories": rows})


def _category(category_id: str) -> dict[str, Any] | None:
    return next((c for c in seed.CATEGORIES if c["id"] == category_id), None)


@bp.get("/product/202309/categories/<category_id>/attributes")
@core.api()
def attributes(category_id: str) -> Response:
    if _category(category_id) is None:
        raise_or = envelope(None, CATEGORY, f"category {category_id} does not exist")
        return raise_or
    rows = [
        {
            "id": a["id"],
            "name": a["name"],
            "type": "PRODUCT_PROPERTY",
            # UNVERIFIED spelling: the 202309 docs spell this flag "is_requried".
            "is_requried": a["required"],
            "values": [{"id": f"{a['id']}{i:03d}", "name": v} for i, v in enumerate(a["values"])],
        }
        for a in seed.ATTRIBUTES.get(category_id, [])
    ]
    return envelope({"attributes": rows})


@bp.get("/product/202309/brands")
@core.api()
def brands() -> Response:
    try:
        size, offset = core.page_args(BRAND_PAGE_MAX)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    rows = [{**b, "authorized_status": "AUTHORIZED", "is_t1_brand": False} for b in seed.BRANDS]
    page = rows[offset : offset + size]
    nxt = core.encode_page_token(offset + size) if offset + size < len(rows) else ""
    return envelope({"brands": page, "next_page_token": nxt, "total_count": len(rows)})


@bp.post("/product/202309/images/upload")
@core.api(shop=False)
def upload_image() -> Response:
    from PIL import Image
    from PIL import UnidentifiedImageError

    upload = request.files.get("data")
    if upload is None:
        return envelope(None, core.INVALID_PARAM, "data (the image file) is required")
    raw = upload.read()
    if len(raw) > IMAGE_MAX_BYTES:
        return envelope(None, IMAGE_UPLOAD, "Image must not exceed 5 MB")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            fmt, (width, height) = img.format, img.size
    except (UnidentifiedImageError, OSError):
        return envelope(None, IMAGE_UPLOAD, "Image format must be JPG or PNG")
    if fmt not in {"JPEG", "PNG"}:
        return envelope(None, IMAGE_UPLOAD, "Image format must be JPG or PNG")
    if not (min(width, height) >= IMAGE_MIN_SIDE and max(width, height) <= IMAGE_MAX_SIDE):
        return envelope(None, IMAGE_UPLOAD, "Image sides must be between 300 and 4000 px")
    sandbox = current_sandbox()
    uri = f"tos-alisg-i-sandbox/{sandbox.store.next_id('image')}"
    url = url_for("tiktok_catalog.image_file", uri=uri, _external=True)
    use_case = request.form.get("use_case", "MAIN_IMAGE")
    doc = {"uri": uri, "url": url, "width": width, "height": height, "use_case": use_case}
    sandbox.store.put("images", uri, {**doc, "data": base64.b64encode(raw).decode()})
    if sandbox.take_lost_write():
        return core.lost_response()
    return envelope(doc)


@bp.get("/tos/images/<path:uri>")
def image_file(uri: str) -> Response:
    doc = current_sandbox().store.get("images", uri)
    if doc is None:
        abort(404)
    return Response(base64.b64decode(doc["data"]), mimetype="image/jpeg")


def _sku_owner(seller_sku: str) -> str | None:
    doc = current_sandbox().store.get("sku_index", f"{g.tts_shop['id']}:{seller_sku}")
    return None if doc is None else str(doc["product_id"])


def _validate(doc: dict[str, Any], product_id: str | None) -> dict[str, Any]:
    """The product as stored, or ApiError naming the first problem."""
    store = current_sandbox().store
    title = doc.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise ApiError(TITLE, f"Invalid title: product name must be 1-{TITLE_MAX} characters")
    description = doc.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ApiError(DESCRIPTION, "Invalid description: description is required")
    if len(description) > DESCRIPTION_MAX:
        raise ApiError(DESCRIPTION, f"Invalid description: at most {DESCRIPTION_MAX} characters")
    category = _category(str(doc.get("category_id", "")))
    if category is None or not category["is_leaf"]:
        raise ApiError(CATEGORY, "Invalid category_id: the category must be a leaf category")
    brand_id = str(doc.get("brand_id") or "")
    if brand_id and all(b["id"] != brand_id for b in seed.BRANDS):
        raise ApiError(BRAND, f"Invalid brand_id: brand {brand_id} does not exist")
    images = doc.get("main_images") or []
    if not isinstance(images, list) or not 1 <= len(images) <= MAX_IMAGES:
        raise ApiError(IMAGE, f"Invalid main_images: 1-{MAX_IMAGES} images are required")
    for image in images:
        uri = str((image or {}).get("uri", ""))
        if store.get("images", uri) is None:
            raise ApiError(IMAGE, f"Invalid main_images: image {uri} does not exist")
    given = {str(a.get("id")): a.get("values") or [] for a in doc.get("product_attributes") or []}
    for spec in seed.ATTRIBUTES.get(category["id"], []):
        values = given.get(spec["id"], [])
        names = [str(v.get("name", "")) for v in values if isinstance(v, dict)]
        if spec["required"] and not any(names):
            raise ApiError(
                ATTRIBUTE,
                f"Missing required attribute: {spec['name']} (id {spec['id']})",
            )
        if spec["values"] and any(n not in spec["values"] for n in names):
            raise ApiError(ATTRIBUTE, f"Invalid value for attribute {spec['name']}")
    weight = doc.get("package_weight")
    # UNVERIFIED: package_weight is optional here (the docs mark it required); if given
    # it must be a positive number.
    if weight is not None:
        try:
            if float(weight.get("value")) <= 0:
                raise ValueError
        except (AttributeError, TypeError, ValueError):
            raise ApiError(WEIGHT, "Invalid package_weight") from None
    skus = doc.get("skus") or []
    if not isinstance(skus, list) or not 1 <= len(skus) <= MAX_SKUS:
        raise ApiError(SKU_INVALID, f"Invalid skus: 1-{MAX_SKUS} SKUs are required")
    seen: set[str] = set()
    combos: set[tuple[tuple[str, str], ...]] = set()
    out_skus = []
    for sku in skus:
        seller_sku = str(sku.get("seller_sku") or "")
        if not seller_sku:
            raise ApiError(SKU_INVALID, "Invalid seller_sku: seller_sku is required")
        owner = _sku_owner(seller_sku)
        if seller_sku in seen or (owner is not None and owner != product_id):
            raise ApiError(DUPLICATE_SKU, f"Duplicate seller_sku: {seller_sku}")
        seen.add(seller_sku)
        price = _price(sku.get("price"))
        quantity = _quantity(sku.get("inventory"))
        attrs = tuple(
            (str(a.get("name", "")), str(a.get("value_name", "")))
            for a in sku.get("sales_attributes") or []
        )
        if len(skus) > 1 and (not attrs or attrs in combos):
            raise ApiError(
                SKU_INVALID, "Invalid sales_attributes: each SKU needs a distinct combination"
            )
        combos.add(attrs)
        out_skus.append(
            {
                "seller_sku": seller_sku,
                "price": price,
                "quantity": quantity,
                "sales_attributes": [{"name": n, "value_name": v} for n, v in attrs],
            }
        )
    return {
        "title": title.strip(),
        "description": description,
        "category_id": category["id"],
        "brand_id": brand_id,
        "main_images": [{"uri": str(i["uri"])} for i in images],
        "product_attributes": doc.get("product_attributes") or [],
        "package_weight": weight,
        "external_product_id": str(doc.get("external_product_id") or ""),
        "skus": out_skus,
    }


def _price(price: Any) -> int:
    try:
        amount = int(str(price["amount"]))
        currency = price.get("currency", "VND")
    except (KeyError, TypeError, ValueError):
        raise ApiError(PRICE, "Invalid price: amount must be an integer string") from None
    if amount <= 0 or currency != "VND":
        raise ApiError(PRICE, "Invalid price: amount must be positive, currency VND")
    return amount


def _quantity(inventory: Any) -> int:
    try:
        quantity = int(inventory[0]["quantity"])
    except (IndexError, KeyError, TypeError, ValueError):
        raise ApiError(STOCK, "Invalid inventory: quantity is required") from None
    if not 0 <= quantity <= MAX_STOCK:
        raise ApiError(STOCK, f"Invalid inventory: quantity must be 0-{MAX_STOCK}")
    return quantity


def _save(product_id: str, clean: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    sandbox = current_sandbox()
    now = int(sandbox.clock.now())
    shop_id = g.tts_shop["id"]
    old_ids = {s["seller_sku"]: s["id"] for s in (old or {}).get("skus", [])}
    skus = []
    for sku in clean["skus"]:
        sku_id = old_ids.get(sku["seller_sku"]) or str(sandbox.store.next_id("sku", 1_729_000_000))
        skus.append({**sku, "id": sku_id})
    for seller_sku in set(old_ids) - {s["seller_sku"] for s in skus}:
        sandbox.store.delete("sku_index", f"{shop_id}:{seller_sku}")
    for sku in skus:
        sandbox.store.put("sku_index", f"{shop_id}:{sku['seller_sku']}", {"product_id": product_id})
    product = {
        **clean,
        "id": product_id,
        "shop_id": shop_id,
        "skus": skus,
        # UNVERIFIED: the sandbox skips the audit, a product is live at once.
        "status": (old or {}).get("status", LIVE),
        "create_time": (old or {}).get("create_time", now),
        "update_time": now,
    }
    sandbox.store.put("products", product_id, product)
    return product


def _created(product: dict[str, Any]) -> dict[str, Any]:
    skus = [
        {"id": s["id"], "seller_sku": s["seller_sku"], "sales_attributes": s["sales_attributes"]}
        for s in product["skus"]
    ]
    return {"product_id": product["id"], "skus": skus, "warnings": []}


@bp.post("/product/202309/products")
@core.api(json_body=True)
def create_product() -> Response:
    try:
        clean = _validate(core.body(), None)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    sandbox = current_sandbox()
    product = _save(str(sandbox.store.next_id("product", 1_729_500_000_000)), clean, None)
    if sandbox.take_lost_write():
        return core.lost_response()
    return envelope(_created(product))


def _owned(product_id: str) -> dict[str, Any]:
    product = current_sandbox().store.get("products", product_id)
    if product is None or product["shop_id"] != g.tts_shop["id"]:
        raise ApiError(core.NOT_FOUND, f"Product {product_id} does not exist")
    return product


@bp.put("/product/202509/products/<product_id>")
@core.api(json_body=True)
def edit_product(product_id: str) -> Response:
    try:
        old = _owned(product_id)
        clean = _validate(core.body(), product_id)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    product = _save(product_id, clean, old)
    if current_sandbox().take_lost_write():
        return core.lost_response()
    return envelope(_created(product))


def _public(product: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": product["id"],
        "title": product["title"],
        "status": product["status"],
        "category_id": product["category_id"],
        # UNVERIFIED: external_product_id (our parent SKU) is echoed in search and detail.
        "external_product_id": product["external_product_id"],
        "skus": [
            {
                "id": s["id"],
                "seller_sku": s["seller_sku"],
                "price": {
                    "currency": "VND",
                    "sale_price": core.money(s["price"]),
                    "tax_exclusive_price": core.money(s["price"]),
                },
                "inventory": [{"warehouse_id": "7000714532876273415", "quantity": s["quantity"]}],
                "sales_attributes": s["sales_attributes"],
            }
            for s in product["skus"]
        ],
        "create_time": product["create_time"],
        "update_time": product["update_time"],
    }


@bp.get("/product/202309/products/<product_id>")
@core.api()
def product_detail(product_id: str) -> Response:
    try:
        product = _owned(product_id)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    detail = _public(product)
    detail.update(
        description=product["description"],
        brand_id=product["brand_id"],
        main_images=product["main_images"],
        product_attributes=product["product_attributes"],
    )
    return envelope(detail)


@bp.post("/product/202502/products/search")
@core.api(json_body=True)
def search_products() -> Response:
    try:
        size, offset = core.page_args(SEARCH_PAGE_MAX)
        query = core.body() if request.get_data() else {}
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    shop_id = g.tts_shop["id"]
    rows = [p for p in current_sandbox().store.all("products") if p["shop_id"] == shop_id]
    status = query.get("status")
    if status and status != "ALL":
        rows = [p for p in rows if p["status"] == status]
    wanted = set(query.get("seller_skus") or [])
    if wanted:
        rows = [p for p in rows if wanted & {s["seller_sku"] for s in p["skus"]}]
    rows.sort(key=lambda p: int(p["id"]))
    page = rows[offset : offset + size]
    nxt = core.encode_page_token(offset + size) if offset + size < len(rows) else ""
    return envelope(
        {"products": [_public(p) for p in page], "next_page_token": nxt, "total_count": len(rows)}
    )


def _set_status(status: str) -> Response:
    try:
        ids = [str(i) for i in core.body().get("product_ids") or []]
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    if not ids:
        return envelope(None, core.INVALID_PARAM, "product_ids is required")
    store = current_sandbox().store
    errors = []
    for product_id in ids:
        product = store.get("products", product_id)
        if product is None or product["shop_id"] != g.tts_shop["id"]:
            errors.append(
                {
                    "code": core.NOT_FOUND,
                    "message": "Product does not exist",
                    "detail": {"product_id": product_id},
                }
            )
            continue
        product["status"] = status
        product["update_time"] = int(current_sandbox().clock.now())
        store.put("products", product_id, product)
    if current_sandbox().take_lost_write():
        return core.lost_response()
    return envelope({"errors": errors})


@bp.post("/product/202309/products/deactivate")
@core.api(json_body=True)
def deactivate() -> Response:
    return _set_status(DELISTED)


@bp.post("/product/202309/products/activate")
@core.api(json_body=True)
def activate() -> Response:
    return _set_status(LIVE)


def _update_skus(product_id: str, field: str) -> Response:
    try:
        product = _owned(product_id)
        skus = core.body().get("skus") or []
        if not isinstance(skus, list) or not 1 <= len(skus) <= SKUS_PER_UPDATE:
            raise ApiError(core.INVALID_PARAM, f"skus must hold 1-{SKUS_PER_UPDATE} entries")
        by_id = {s["id"]: s for s in product["skus"]}
        for entry in skus:
            sku = by_id.get(str(entry.get("id", "")))
            if sku is None:
                raise ApiError(core.NOT_FOUND, f"SKU {entry.get('id')} does not exist")
            if field == "price":
                sku["price"] = _price(entry.get("price"))
            else:
                sku["quantity"] = _quantity(entry.get("inventory"))
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    product["update_time"] = int(current_sandbox().clock.now())
    current_sandbox().store.put("products", product_id, product)
    if current_sandbox().take_lost_write():
        return core.lost_response()
    return envelope({})


@bp.post("/product/202309/products/<product_id>/prices/update")
@core.api(json_body=True)
def update_prices(product_id: str) -> Response:
    return _update_skus(product_id, "price")


@bp.post("/product/202309/products/<product_id>/inventory/update")
@core.api(json_body=True)
def update_inventory(product_id: str) -> Response:
    return _update_skus(product_id, "inventory")
