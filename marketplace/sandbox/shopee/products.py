"""Media, categories and product endpoints (shopee.md §5), on one blueprint ``bp``."""

from __future__ import annotations

# Importing the endpoint modules registers their routes on ``bp``.
from marketplace.sandbox.shopee.categories import get_attribute_tree
from marketplace.sandbox.shopee.categories import get_brand_list
from marketplace.sandbox.shopee.categories import get_category
from marketplace.sandbox.shopee.categories import get_channel_list
from marketplace.sandbox.shopee.categories import get_item_limit
from marketplace.sandbox.shopee.items import add_item
from marketplace.sandbox.shopee.items import delete_item
from marketplace.sandbox.shopee.items import get_item_base_info
from marketplace.sandbox.shopee.items import get_item_list
from marketplace.sandbox.shopee.items import unlist_item
from marketplace.sandbox.shopee.items import update_item
from marketplace.sandbox.shopee.media import image_file
from marketplace.sandbox.shopee.media import upload_image
from marketplace.sandbox.shopee.models import get_model_list
from marketplace.sandbox.shopee.models import init_tier_variation
from marketplace.sandbox.shopee.models import update_price
from marketplace.sandbox.shopee.models import update_stock
from marketplace.sandbox.shopee.product_base import ITEM_STATUSES
from marketplace.sandbox.shopee.product_base import LIVE_STATUSES
from marketplace.sandbox.shopee.product_base import MAX_IMAGE_BYTES
from marketplace.sandbox.shopee.product_base import Json
from marketplace.sandbox.shopee.product_base import bp

__all__ = [
    "ITEM_STATUSES",
    "LIVE_STATUSES",
    "MAX_IMAGE_BYTES",
    "Json",
    "add_item",
    "bp",
    "delete_item",
    "get_attribute_tree",
    "get_brand_list",
    "get_category",
    "get_channel_list",
    "get_item_base_info",
    "get_item_limit",
    "get_item_list",
    "get_model_list",
    "image_file",
    "init_tier_variation",
    "unlist_item",
    "update_item",
    "update_price",
    "update_stock",
    "upload_image",
]
