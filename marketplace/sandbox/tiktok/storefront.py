"""The TikTok Shop demo shop's products as buyers see them (``GET /storefront``).

Our parent SKU is the product's ``external_product_id``; each SKU holds its ``price``
in đồng and the ``quantity`` of its (single) inventory entry.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.sandbox import storefront
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.storefront import Listing
from marketplace.sandbox.storefront import Variant
from marketplace.sandbox.tiktok.core import DEMO_SHOP

# Seller Center's words for the product statuses (drafts and deleted ones are not shown).
STATUSES: storefront.Statuses = {
    "ACTIVATE": (storefront.LIVE, _l("Active")),
    "SELLER_DEACTIVATED": (storefront.HIDDEN, _l("Deactivated")),
    "PENDING": (storefront.REVIEW, _l("Reviewing")),
    "FAILED": (storefront.REFUSED, _l("Failed review")),
    "PLATFORM_DEACTIVATED": (storefront.REFUSED, _l("Suspended")),
    "FREEZE": (storefront.REFUSED, _l("Frozen")),
}
NOT_SHOWN = {"DRAFT", "DELETED"}


def _variant(sku: dict[str, Any]) -> Variant:
    attributes = sku.get("sales_attributes") or []
    pairs = [(str(a.get("name", "")), str(a.get("value_name", ""))) for a in attributes]
    return Variant(
        seller_sku=str(sku.get("seller_sku", "")),
        option=storefront.options_text(pairs),
        price=storefront.whole_dong(sku.get("price")),
        stock=int(sku.get("quantity") or 0),
    )


def _listing(product: dict[str, Any]) -> Listing:
    skus = product.get("skus") or []
    parent = product.get("external_product_id") or (skus[0].get("seller_sku") if skus else "")
    return Listing(
        seller_sku=str(parent or ""),
        name=str(product.get("title", "")),
        status=storefront.status_of(str(product.get("status", "")), STATUSES),
        created=float(product.get("create_time") or 0),
        platform_id=int(product["id"]),
        variants=[_variant(s) for s in skus],
    )


def _shop(key: str) -> dict[str, Any] | None:
    """A shop by its id or by its cipher (apps keep the cipher: API calls name the shop by it)."""
    store = current_sandbox().store
    found = store.get("shops", key)
    return found or next((s for s in store.all("shops") if s.get("cipher") == key), None)


def read(shop_id: str | None) -> tuple[str, list[Listing]] | None:
    """The shop's name (the demo shop's without an id) and products that are neither drafts
    nor deleted."""
    wanted = shop_id or str(DEMO_SHOP["id"])
    shop = _shop(wanted)
    if shop is None and wanted != str(DEMO_SHOP["id"]):
        return None
    wanted = str((shop or DEMO_SHOP)["id"])
    products = current_sandbox().store.all("products")
    return str((shop or DEMO_SHOP)["name"]), [
        _listing(p)
        for p in products
        if str(p.get("shop_id")) == wanted and p.get("status") not in NOT_SHOWN
    ]


bp = storefront.blueprint("tiktok", read)
