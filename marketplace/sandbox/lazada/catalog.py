"""Images, products, price and stock, categories and brands (lazada.md §3).

The handlers live in ``images``, ``products``, ``prices`` and ``categories``;
importing this module registers them all, and keeps their names importable here.
"""

from __future__ import annotations

from marketplace.sandbox.lazada.categories import brands_query
from marketplace.sandbox.lazada.categories import category_attributes
from marketplace.sandbox.lazada.categories import category_tree
from marketplace.sandbox.lazada.checks import MAX_IMAGES
from marketplace.sandbox.lazada.images import MAX_IMAGE_BYTES
from marketplace.sandbox.lazada.images import MAX_SIDE
from marketplace.sandbox.lazada.images import MIN_SIDE
from marketplace.sandbox.lazada.images import hosted
from marketplace.sandbox.lazada.images import image_upload
from marketplace.sandbox.lazada.images import images
from marketplace.sandbox.lazada.payloads import parse_payload
from marketplace.sandbox.lazada.prices import MAX_BATCH
from marketplace.sandbox.lazada.prices import price_quantity_update
from marketplace.sandbox.lazada.products import MAX_PRODUCTS_PAGE
from marketplace.sandbox.lazada.products import product_create
from marketplace.sandbox.lazada.products import product_deactivate
from marketplace.sandbox.lazada.products import product_item_get
from marketplace.sandbox.lazada.products import product_update
from marketplace.sandbox.lazada.products import products_get
from marketplace.sandbox.lazada.wire import parse_iso

__all__ = [
    "MAX_BATCH",
    "MAX_IMAGES",
    "MAX_IMAGE_BYTES",
    "MAX_PRODUCTS_PAGE",
    "MAX_SIDE",
    "MIN_SIDE",
    "brands_query",
    "category_attributes",
    "category_tree",
    "hosted",
    "image_upload",
    "images",
    "parse_iso",
    "parse_payload",
    "price_quantity_update",
    "product_create",
    "product_deactivate",
    "product_item_get",
    "product_update",
    "products_get",
]
