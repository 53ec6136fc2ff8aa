"""Shop and listing rows made directly, for tests that call no platform."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.shops.models import Shop


def make_shop(cooperative: Any, platform: str, platform_shop_id: str) -> Shop:
    """A connected shop whose tokens name the shop id (so a test can follow them)."""
    shop = Shop(
        cooperative_id=cooperative.id,
        platform=platform,
        platform_shop_id=platform_shop_id,
        name=f"Gian hàng {cooperative.name}",
        access_token=f"access-{platform_shop_id}",
        refresh_token=f"refresh-{platform_shop_id}",
        access_expires_at=utcnow() + timedelta(hours=4),
    )
    db.session.add(shop)
    db.session.flush()
    return shop


def listing_for(shop: Shop, product: Any) -> Listing:
    """A live listing binding the product to the shop."""
    listing = Listing(
        shop_id=shop.id,
        product_id=product.id,
        seller_sku=f"OCOP-{product.id}",
        platform_item_id=f"item-{product.id}",
        status=ListingStatus.LIVE,
    )
    db.session.add(listing)
    db.session.flush()
    return listing


def listings_of(shop: Shop) -> list[Listing]:
    return list(db.session.scalars(select(Listing).where(Listing.shop_id == shop.id)))
