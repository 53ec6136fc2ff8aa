"""What the listings of a cooperative look like from the catalogue's side."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.listings.models import CategoryMapping
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingVariant
from marketplace.listings.readiness import Missing
from marketplace.listings.readiness import missing_for_shop
from marketplace.sales.signals import variant_pushed_as
from marketplace.shops import services as shops
from marketplace.shops.models import Shop


def mappings_by_shop(shops_: list[Shop]) -> dict[int, dict[int, CategoryMapping]]:
    """Shop id → our category id → its mapping, in one query."""
    by_shop: dict[int, dict[int, CategoryMapping]] = {shop.id: {} for shop in shops_}
    if shops_:
        rows = db.session.scalars(
            select(CategoryMapping).where(CategoryMapping.shop_id.in_(list(by_shop)))
        )
        for mapping in rows:
            by_shop[mapping.shop_id][mapping.category_id] = mapping
    return by_shop


def product_on_shops(product: Product) -> list[tuple[Shop, Listing | None, list[Missing]]]:
    """Each connected shop of the product's cooperative, the product's listing there, and
    what still keeps the product off it."""
    connected = shops.connected_shops(product.cooperative_id)
    listings = {
        listing.shop_id: listing
        for listing in db.session.scalars(select(Listing).where(Listing.product_id == product.id))
    }
    mappings = mappings_by_shop(connected)
    return [
        (
            shop,
            listings.get(shop.id),
            missing_for_shop(product, shop, mappings[shop.id].get(product.category_id or 0)),
        )
        for shop in connected
    ]


@variant_pushed_as.connect
def variant_pushed_to(shop: Shop, *, platform_variant_id: str, **_: Any) -> int | None:
    """Our variant the shop knows under ``platform_variant_id``, by what we pushed there."""
    return db.session.scalar(
        select(ListingVariant.variant_id)
        .join(Listing)
        .where(
            Listing.shop_id == shop.id, ListingVariant.platform_variant_id == platform_variant_id
        )
    )
