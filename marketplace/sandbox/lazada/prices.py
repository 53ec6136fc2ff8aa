"""Price and stock updates (lazada.md §3.6)."""

from __future__ import annotations

from typing import Any

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api
from marketplace.sandbox.lazada.payloads import as_list
from marketplace.sandbox.lazada.payloads import parse_payload
from marketplace.sandbox.lazada.products import save
from marketplace.sandbox.lazada.products import sku_key

MAX_BATCH = 50
Doc = dict[str, Any]


def _failure(seller_sku: str, field: str, message: str) -> dict[str, str]:
    """A detail entry of error 501."""
    return {"seller_sku": seller_sku, "field": field, "message": message}


def _index_by_sku_id(call: Call, sku_id: str) -> Doc | None:
    """The ``sku_index`` entry of the seller's SKU with this SkuId."""
    return next(
        (
            {"item_id": p["item_id"], "sku_id": s["SkuId"]}
            for p in current_sandbox().store.all("products")
            if p["seller_id"] == call.seller_id
            for s in p["skus"]
            if str(s["SkuId"]) == sku_id
        ),
        None,
    )


def _locate(call: Call, raw: Doc, touched: dict[str, Doc]) -> tuple[str, Doc, Doc] | None:
    """The SKU's product key, product and SKU, found by SellerSku then SkuId."""
    store = current_sandbox().store
    seller_sku = str(raw.get("SellerSku", ""))
    index = store.get("sku_index", sku_key(call.seller_id, seller_sku)) if seller_sku else None
    if index is None and raw.get("SkuId"):
        index = _index_by_sku_id(call, str(raw["SkuId"]))
    if index is None:
        return None
    item_key = str(index["item_id"])
    # A product already changed by this call must be changed further, not reloaded.
    doc = touched.get(item_key) or store.get("products", item_key)
    sku = next((s for s in doc["skus"] if s["SkuId"] == index["sku_id"]), None) if doc else None
    if doc is None or sku is None:
        return None
    return item_key, doc, sku


def _values(raw: Doc, seller_sku: str) -> tuple[float | None, int | None] | dict[str, str]:
    """The SKU's new price and quantity (None: unchanged), or its failure entry."""
    try:
        price = float(raw["Price"]) if "Price" in raw else None
        quantity = int(raw["Quantity"]) if "Quantity" in raw else None
    except (TypeError, ValueError):
        return _failure(seller_sku, "Price", "Price and Quantity must be numbers")
    if price is not None and price <= 0:
        return _failure(seller_sku, "Price", "Price must be greater than 0")
    if quantity is not None and quantity < 0:
        return _failure(seller_sku, "Quantity", "Quantity must be at least 0")
    return price, quantity


def _apply(call: Call, raw: Doc, touched: dict[str, Doc]) -> dict[str, str] | None:
    """Write one SKU's price and quantity into its product, or say why not."""
    seller_sku = str(raw.get("SellerSku", ""))
    found = _locate(call, raw, touched)
    if found is None:
        return _failure(seller_sku, "SellerSku", "SKU not found")
    item_key, doc, sku = found
    values = _values(raw, seller_sku)
    if isinstance(values, dict):
        return values
    price, quantity = values
    if price is not None:
        sku["price"] = price
    if quantity is not None:
        sku["quantity"] = sku["Available"] = quantity
    touched[item_key] = doc
    return None


@api("/product/price_quantity/update", write=True)
def price_quantity_update(call: Call) -> dict[str, Any]:
    """Set the SKUs' prices and quantities, writing those that are valid."""
    product = parse_payload(call.need("payload"))
    skus = as_list(product, "Skus", "Sku")
    if len(skus) > MAX_BATCH:
        raise ApiError("204", "Too many SKUs in one request: at most 50, 20 recommended")
    failed: list[dict[str, str]] = []
    touched: dict[str, Doc] = {}
    for raw in skus:
        problem = _apply(call, raw, touched)
        if problem is not None:
            failed.append(problem)
    for doc in touched.values():
        save(call, doc)
    if failed:
        # UNVERIFIED (lazada.md §3.6): the valid SKUs are written; 501 lists the others.
        raise ApiError("501", "Update price and quantity failed for some SKUs", detail=failed)
    return {"data": {}}
