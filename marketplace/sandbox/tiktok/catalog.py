"""Categories, brands, images and products (tiktok.md §5): the routes of one blueprint."""

from __future__ import annotations

from flask import Blueprint

from marketplace.sandbox.tiktok.catalog_rules import ATTRIBUTE
from marketplace.sandbox.tiktok.catalog_rules import BRAND
from marketplace.sandbox.tiktok.catalog_rules import BRAND_PAGE_MAX
from marketplace.sandbox.tiktok.catalog_rules import CATEGORY
from marketplace.sandbox.tiktok.catalog_rules import DELISTED
from marketplace.sandbox.tiktok.catalog_rules import DESCRIPTION
from marketplace.sandbox.tiktok.catalog_rules import DESCRIPTION_MAX
from marketplace.sandbox.tiktok.catalog_rules import DUPLICATE_SKU
from marketplace.sandbox.tiktok.catalog_rules import IMAGE
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_MAX_BYTES
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_MAX_SIDE
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_MIN_SIDE
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_UPLOAD
from marketplace.sandbox.tiktok.catalog_rules import LIVE
from marketplace.sandbox.tiktok.catalog_rules import MAX_IMAGES
from marketplace.sandbox.tiktok.catalog_rules import MAX_SKUS
from marketplace.sandbox.tiktok.catalog_rules import MAX_STOCK
from marketplace.sandbox.tiktok.catalog_rules import PRICE
from marketplace.sandbox.tiktok.catalog_rules import SEARCH_PAGE_MAX
from marketplace.sandbox.tiktok.catalog_rules import SKU_INVALID
from marketplace.sandbox.tiktok.catalog_rules import SKUS_PER_UPDATE
from marketplace.sandbox.tiktok.catalog_rules import STOCK
from marketplace.sandbox.tiktok.catalog_rules import TITLE
from marketplace.sandbox.tiktok.catalog_rules import TITLE_MAX
from marketplace.sandbox.tiktok.catalog_rules import WEIGHT
from marketplace.sandbox.tiktok.categories import attributes
from marketplace.sandbox.tiktok.categories import brands
from marketplace.sandbox.tiktok.categories import categories
from marketplace.sandbox.tiktok.images import image_file
from marketplace.sandbox.tiktok.images import upload_image
from marketplace.sandbox.tiktok.products import activate
from marketplace.sandbox.tiktok.products import create_product
from marketplace.sandbox.tiktok.products import deactivate
from marketplace.sandbox.tiktok.products import edit_product
from marketplace.sandbox.tiktok.products import product_detail
from marketplace.sandbox.tiktok.products import search_products
from marketplace.sandbox.tiktok.products import update_inventory
from marketplace.sandbox.tiktok.products import update_prices

__all__ = [
    "ATTRIBUTE",
    "BRAND",
    "BRAND_PAGE_MAX",
    "CATEGORY",
    "DELISTED",
    "DESCRIPTION",
    "DESCRIPTION_MAX",
    "DUPLICATE_SKU",
    "IMAGE",
    "IMAGE_MAX_BYTES",
    "IMAGE_MAX_SIDE",
    "IMAGE_MIN_SIDE",
    "IMAGE_UPLOAD",
    "LIVE",
    "MAX_IMAGES",
    "MAX_SKUS",
    "MAX_STOCK",
    "PRICE",
    "SEARCH_PAGE_MAX",
    "SKUS_PER_UPDATE",
    "SKU_INVALID",
    "STOCK",
    "TITLE",
    "TITLE_MAX",
    "WEIGHT",
    "activate",
    "attributes",
    "bp",
    "brands",
    "categories",
    "create_product",
    "deactivate",
    "edit_product",
    "image_file",
    "product_detail",
    "search_products",
    "update_inventory",
    "update_prices",
    "upload_image",
]

bp = Blueprint("tiktok_catalog", __name__)

# The views live in categories.py, images.py and products.py; one table here keeps the
# blueprint (and so the "tiktok_catalog." endpoint names) what it was before the split.
ROUTES = (
    ("GET", "/product/202309/categories", categories),
    ("GET", "/product/202309/categories/<category_id>/attributes", attributes),
    ("GET", "/product/202309/brands", brands),
    ("POST", "/product/202309/images/upload", upload_image),
    ("GET", "/tos/images/<path:uri>", image_file),
    ("POST", "/product/202309/products", create_product),
    ("PUT", "/product/202509/products/<product_id>", edit_product),
    ("GET", "/product/202309/products/<product_id>", product_detail),
    ("POST", "/product/202502/products/search", search_products),
    ("POST", "/product/202309/products/deactivate", deactivate),
    ("POST", "/product/202309/products/activate", activate),
    ("POST", "/product/202309/products/<product_id>/prices/update", update_prices),
    ("POST", "/product/202309/products/<product_id>/inventory/update", update_inventory),
)


def _add_routes(blueprint: Blueprint) -> None:
    """Attach every endpoint of ``ROUTES`` to ``blueprint``."""
    for method, rule, view in ROUTES:
        blueprint.add_url_rule(rule, view_func=view, methods=[method])


_add_routes(bp)
