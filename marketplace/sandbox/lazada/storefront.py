"""The Lazada demo seller's products as buyers see them (``GET /storefront``).

Lazada has no parent SKU: our connector keeps it in the ``model`` attribute, and the
product's name in ``name``. Each SKU holds its ``price`` (a float) and ``quantity``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.sandbox import storefront
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.data import SELLER
from marketplace.sandbox.storefront import Listing
from marketplace.sandbox.storefront import Variant

# Seller Center's words for the product statuses, by their lower-cased code.
STATUSES: storefront.Statuses = {
    "active": (storefront.LIVE, _l("Active")),
    "inactive": (storefront.HIDDEN, _l("Inactive")),
    "pending qc": (storefront.REVIEW, _l("Pending QC")),
    "rejected": (storefront.REFUSED, _l("Rejected")),
    "suspended": (storefront.REFUSED, _l("Suspended")),
}


def _variant(sku: dict[str, Any]) -> Variant:
    props = sku.get("saleProp") or {}
    return Variant(
        seller_sku=str(sku.get("SellerSku", "")),
        option=storefront.options_text([(str(k), str(v)) for k, v in props.items()]),
        price=storefront.whole_dong(sku.get("price")),
        stock=int(sku.get("quantity") or 0),
    )


def _listing(product: dict[str, Any]) -> Listing:
    skus = product.get("skus") or []
    attributes = product.get("attributes") or {}
    parent = attributes.get("model") or (skus[0].get("SellerSku", "") if skus else "")
    return Listing(
        seller_sku=str(parent),
        name=str(attributes.get("name", "")),
        status=storefront.status_of(str(product.get("status", "")).lower(), STATUSES),
        created=int(product.get("created_time") or 0) / 1000,  # milliseconds
        platform_id=int(product["item_id"]),
        variants=[_variant(s) for s in skus if s.get("Status") != "deleted"],
    )


def read(seller_id: str | None) -> tuple[str, list[Listing]] | None:
    """The seller's name (the demo seller's without an id) and products that are not deleted."""
    wanted = seller_id or str(SELLER["seller_id"])
    seller = current_sandbox().store.get("sellers", wanted)
    if seller is None and wanted != str(SELLER["seller_id"]):
        return None
    products = current_sandbox().store.all("products")
    return str((seller or SELLER)["name"]), [
        _listing(p)
        for p in products
        if str(p.get("seller_id")) == wanted and p.get("status") != "Deleted"
    ]


bp = storefront.blueprint("lazada", read)
