"""The Shopee demo shop's items as buyers see them (``GET /storefront``).

Items keep their price and stock on the item when they have no models, on each model
otherwise (``original_price`` as a float, ``stock`` the total of ``seller_stock``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.sandbox import storefront
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee.gateway import DEMO_SHOP_ID
from marketplace.sandbox.shopee.product_base import LIVE_STATUSES
from marketplace.sandbox.shopee.product_base import Json
from marketplace.sandbox.shopee.product_base import shop_items
from marketplace.sandbox.storefront import Listing
from marketplace.sandbox.storefront import Variant

# Seller Centre's words for the item statuses (deleted items are not shown).
STATUSES: storefront.Statuses = {
    "NORMAL": (storefront.LIVE, _l("Active")),
    "UNLIST": (storefront.HIDDEN, _l("Unlisted")),
    "REVIEWING": (storefront.REVIEW, _l("Under review")),
    "BANNED": (storefront.REFUSED, _l("Banned")),
}


def _option(item: Json, tier_index: list[int]) -> str:
    """The model's options by their tier names, e.g. ``Khối lượng: 250 g``."""
    pairs = []
    for tier, index in zip(item.get("tier_variation") or [], tier_index, strict=False):
        options = tier.get("option_list") or []
        if 0 <= index < len(options):
            pairs.append((str(tier.get("name", "")), str(options[index].get("option", ""))))
    return storefront.options_text(pairs)


def _variants(item: Json) -> list[Variant]:
    if not item.get("model"):  # a model-less item is its own single variant
        price = storefront.whole_dong(item.get("original_price"))
        return [Variant(str(item.get("item_sku") or ""), "", price, int(item.get("stock") or 0))]
    return [
        Variant(
            seller_sku=str(model.get("model_sku") or ""),
            option=_option(item, list(model.get("tier_index") or [])),
            price=storefront.whole_dong(model.get("original_price")),
            stock=int(model.get("stock") or 0),
        )
        for model in item["model"]
    ]


def read(shop_id: str | None) -> tuple[str, list[Listing]] | None:
    """The shop's name (the demo shop's without an id) and its items that are not deleted."""
    wanted = shop_id or str(DEMO_SHOP_ID)
    shop = current_sandbox().store.get("shops", wanted) or {}
    if not shop and wanted != str(DEMO_SHOP_ID):
        return None
    listings = [
        Listing(
            seller_sku=str(item.get("item_sku") or ""),
            name=str(item.get("item_name") or ""),
            status=storefront.status_of(item["item_status"], STATUSES),
            created=float(item.get("create_time") or 0),
            platform_id=int(item["item_id"]),
            variants=_variants(item),
        )
        for item in shop_items(int(wanted))
        if item.get("item_status") in LIVE_STATUSES
    ]
    return str(shop.get("shop_name") or ""), listings


bp = storefront.blueprint("shopee", read)
