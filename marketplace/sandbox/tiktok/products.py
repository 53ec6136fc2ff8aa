"""Products: create, edit, read, search, (de)activate, and their prices and stock."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import g
from flask import request

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok.catalog_rules import DELISTED
from marketplace.sandbox.tiktok.catalog_rules import LIVE
from marketplace.sandbox.tiktok.catalog_rules import SEARCH_PAGE_MAX
from marketplace.sandbox.tiktok.catalog_rules import SKUS_PER_UPDATE
from marketplace.sandbox.tiktok.core import ApiError
from marketplace.sandbox.tiktok.core import envelope
from marketplace.sandbox.tiktok.validation import price
from marketplace.sandbox.tiktok.validation import quantity
from marketplace.sandbox.tiktok.validation import validate


def _index_skus(product_id: str, skus: list[dict[str, Any]], old_skus: set[str]) -> None:
    """Point the shop's seller_sku index at ``product_id``, dropping SKUs it lost."""
    store = current_sandbox().store
    shop_id = g.tts_shop["id"]
    for seller_sku in old_skus - {s["seller_sku"] for s in skus}:
        store.delete("sku_index", f"{shop_id}:{seller_sku}")
    for sku in skus:
        store.put("sku_index", f"{shop_id}:{sku['seller_sku']}", {"product_id": product_id})


def _save(product_id: str, clean: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """Store a validated product; SKUs it had before keep their ids."""
    sandbox = current_sandbox()
    now = int(sandbox.clock.now())
    old_ids = {s["seller_sku"]: s["id"] for s in (old or {}).get("skus", [])}
    skus = []
    for sku in clean["skus"]:
        sku_id = old_ids.get(sku["seller_sku"]) or str(sandbox.store.next_id("sku", 1_729_000_000))
        skus.append({**sku, "id": sku_id})
    _index_skus(product_id, skus, set(old_ids))
    product = {
        **clean,
        "id": product_id,
        "shop_id": g.tts_shop["id"],
        "skus": skus,
        # UNVERIFIED: the sandbox skips the audit, a product is live at once.
        "status": (old or {}).get("status", LIVE),
        "create_time": (old or {}).get("create_time", now),
        "update_time": now,
    }
    sandbox.store.put("products", product_id, product)
    return product


def _created(product: dict[str, Any]) -> dict[str, Any]:
    """The answer of Create and Edit Product."""
    skus = [
        {"id": s["id"], "seller_sku": s["seller_sku"], "sales_attributes": s["sales_attributes"]}
        for s in product["skus"]
    ]
    return {"product_id": product["id"], "skus": skus, "warnings": []}


@core.api(json_body=True)
def create_product() -> Response:
    """Create Product."""
    try:
        clean = validate(core.body(), None)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    sandbox = current_sandbox()
    product = _save(str(sandbox.store.next_id("product", 1_729_500_000_000)), clean, None)
    if sandbox.take_lost_write():
        return core.lost_response()
    return envelope(_created(product))


def _owned(product_id: str) -> dict[str, Any]:
    """The shop's product with this id, or ApiError NOT_FOUND."""
    product = current_sandbox().store.get("products", product_id)
    if product is None or product["shop_id"] != g.tts_shop["id"]:
        raise ApiError(core.NOT_FOUND, f"Product {product_id} does not exist")
    return product


@core.api(json_body=True)
def edit_product(product_id: str) -> Response:
    """Edit Product: replace the whole product."""
    try:
        old = _owned(product_id)
        clean = validate(core.body(), product_id)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    product = _save(product_id, clean, old)
    if current_sandbox().take_lost_write():
        return core.lost_response()
    return envelope(_created(product))


def _public_sku(sku: dict[str, Any]) -> dict[str, Any]:
    """One SKU as search and detail show it."""
    return {
        "id": sku["id"],
        "seller_sku": sku["seller_sku"],
        "price": {
            "currency": "VND",
            "sale_price": core.money(sku["price"]),
            "tax_exclusive_price": core.money(sku["price"]),
        },
        "inventory": [{"warehouse_id": "7000714532876273415", "quantity": sku["quantity"]}],
        "sales_attributes": sku["sales_attributes"],
    }


def _public(product: dict[str, Any]) -> dict[str, Any]:
    """A product as search shows it."""
    return {
        "id": product["id"],
        "title": product["title"],
        "status": product["status"],
        "category_id": product["category_id"],
        # UNVERIFIED: external_product_id (our parent SKU) is echoed in search and detail.
        "external_product_id": product["external_product_id"],
        "skus": [_public_sku(s) for s in product["skus"]],
        "create_time": product["create_time"],
        "update_time": product["update_time"],
    }


@core.api()
def product_detail(product_id: str) -> Response:
    """Get Product Detail."""
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


def _matching(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The shop's products that pass the search filters, by id."""
    shop_id = g.tts_shop["id"]
    rows = [p for p in current_sandbox().store.all("products") if p["shop_id"] == shop_id]
    status = query.get("status")
    if status and status != "ALL":
        rows = [p for p in rows if p["status"] == status]
    wanted = set(query.get("seller_skus") or [])
    if wanted:
        rows = [p for p in rows if wanted & {s["seller_sku"] for s in p["skus"]}]
    rows.sort(key=lambda p: int(p["id"]))
    return rows


@core.api(json_body=True)
def search_products() -> Response:
    """Search Products, one page."""
    try:
        size, offset = core.page_args(SEARCH_PAGE_MAX)
        query = core.body() if request.get_data() else {}
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    rows = _matching(query)
    page = rows[offset : offset + size]
    nxt = core.encode_page_token(offset + size) if offset + size < len(rows) else ""
    return envelope(
        {"products": [_public(p) for p in page], "next_page_token": nxt, "total_count": len(rows)}
    )


def _not_found(product_id: str) -> dict[str, Any]:
    """The per-product error of (de)activate for an unknown product."""
    return {
        "code": core.NOT_FOUND,
        "message": "Product does not exist",
        "detail": {"product_id": product_id},
    }


def _set_status(status: str) -> Response:
    """Give every listed product ``status``; unknown ones are reported, not fatal."""
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
            errors.append(_not_found(product_id))
            continue
        product["status"] = status
        product["update_time"] = int(current_sandbox().clock.now())
        store.put("products", product_id, product)
    if current_sandbox().take_lost_write():
        return core.lost_response()
    return envelope({"errors": errors})


@core.api(json_body=True)
def deactivate() -> Response:
    """Deactivate Products."""
    return _set_status(DELISTED)


@core.api(json_body=True)
def activate() -> Response:
    """Activate Products."""
    return _set_status(LIVE)


def _apply_skus(product: dict[str, Any], field: str) -> None:
    """Write the body's prices or quantities onto the product's SKUs, or ApiError."""
    skus = core.body().get("skus") or []
    if not isinstance(skus, list) or not 1 <= len(skus) <= SKUS_PER_UPDATE:
        raise ApiError(core.INVALID_PARAM, f"skus must hold 1-{SKUS_PER_UPDATE} entries")
    by_id = {s["id"]: s for s in product["skus"]}
    for entry in skus:
        sku = by_id.get(str(entry.get("id", "")))
        if sku is None:
            raise ApiError(core.NOT_FOUND, f"SKU {entry.get('id')} does not exist")
        if field == "price":
            sku["price"] = price(entry.get("price"))
        else:
            sku["quantity"] = quantity(entry.get("inventory"))


def _update_skus(product_id: str, field: str) -> Response:
    """Update Price or Update Inventory of some of a product's SKUs."""
    try:
        product = _owned(product_id)
        _apply_skus(product, field)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    product["update_time"] = int(current_sandbox().clock.now())
    current_sandbox().store.put("products", product_id, product)
    if current_sandbox().take_lost_write():
        return core.lost_response()
    return envelope({})


@core.api(json_body=True)
def update_prices(product_id: str) -> Response:
    """Update Price."""
    return _update_skus(product_id, "price")


@core.api(json_body=True)
def update_inventory(product_id: str) -> Response:
    """Update Inventory."""
    return _update_skus(product_id, "inventory")
