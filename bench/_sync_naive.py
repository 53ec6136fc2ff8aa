"""The naive way to list a catalogue, for bench/sync.py to measure beside ours.

Per product: upload each of its photos (no dedupe: the label shared by every product
goes up again each time), create the listing, then one price/stock write per variant
(the "per SKU" loop people write first). Same connector, same HTTP layer, same shared
rate limiter as the real sync, so the calls and seconds compare like for like.
"""

from __future__ import annotations

from dataclasses import replace

from marketplace.catalog.models import Product
from marketplace.catalog.storage import RENDITIONS
from marketplace.catalog.storage import get_storage
from marketplace.connectors.types import PriceStock
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync.mapping import mappings
from marketplace.shops import services
from marketplace.shops.models import Shop

PREFIX = "NAIVE-"  # its own SKUs, so it never collides with the listings the sync made


def list_naively(shop: Shop, products: list[Product]) -> int:
    """List every product the naive way; returns how many were listed."""
    connector = services.build_connector(shop.platform, shop)
    mapping = mappings(shop)
    storage = get_storage()
    for product in products:
        wanted = planning.listing_payload(product, shop, mapping[product.category_id], {})  # type: ignore[index]
        images = [
            connector.upload_image(
                storage.get(RENDITIONS, ref.platform_id), f"{ref.platform_id[:16]}.jpg"
            )
            for ref in wanted.images
        ]
        item = connector.create_item(
            replace(
                wanted,
                seller_sku=PREFIX + wanted.seller_sku,
                images=images,
                brand="",
                variants=[replace(v, seller_sku=PREFIX + v.seller_sku) for v in wanted.variants],
            )
        )
        for remote in item.variants:  # one write per SKU
            variant = next(v for v in product.variants if PREFIX + v.sku == remote.seller_sku)
            update = PriceStock(
                item.platform_item_id,
                remote.platform_variant_id,
                remote.seller_sku,
                planning.shop_price(shop, variant.price),
                planning.available_stock(shop, variant),
            )
            connector.update_price_stock([update])
    return len(products)
