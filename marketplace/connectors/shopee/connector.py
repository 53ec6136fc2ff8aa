"""The Shopee Open Platform v2 connector (shopee.md), assembled from its capabilities."""

from __future__ import annotations

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.registry import register
from marketplace.connectors.shopee.auth import ACCESS_TOKEN_SECONDS
from marketplace.connectors.shopee.auth import REFRESH_TOKEN_DAYS
from marketplace.connectors.shopee.auth import AuthMixin
from marketplace.connectors.shopee.catalogue_read import BASE_INFO_BATCH
from marketplace.connectors.shopee.catalogue_read import ITEM_PAGE
from marketplace.connectors.shopee.catalogue_read import ITEM_STATUS
from marketplace.connectors.shopee.catalogue_read import LISTED_STATUSES
from marketplace.connectors.shopee.catalogue_write import IMAGE_BATCH
from marketplace.connectors.shopee.catalogue_write import CatalogueWriteMixin
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.orders import DETAIL_FIELDS
from marketplace.connectors.shopee.orders import FEE_FIELDS
from marketplace.connectors.shopee.orders import ORDER_DETAIL_BATCH
from marketplace.connectors.shopee.orders import ORDER_PAGE
from marketplace.connectors.shopee.orders import ORDER_STATUS
from marketplace.connectors.shopee.orders import OrdersMixin
from marketplace.connectors.shopee.payload import DEFAULT_WEIGHT_G
from marketplace.connectors.shopee.payload import TIER_OPTION_MAX
from marketplace.connectors.shopee.payload import html_to_text
from marketplace.connectors.shopee.price_stock import MODEL_BATCH
from marketplace.connectors.shopee.price_stock import PriceStockMixin
from marketplace.connectors.shopee.push import PushMixin
from marketplace.connectors.types import API_CAPABILITIES


@register
class ShopeeConnector(AuthMixin, CatalogueWriteMixin, PriceStockMixin, OrdersMixin, PushMixin):
    name = "shopee"
    title = "Shopee"
    capabilities = API_CAPABILITIES
    image_rule = PLATFORM_RULES["shopee"]
    price_stock_batch = MODEL_BATCH
    image_upload_batch = IMAGE_BATCH
    order_window_days = 15


# The constants and html_to_text lived here before the split; callers may still import them.
__all__ = [
    "ACCESS_TOKEN_SECONDS",
    "BASE_INFO_BATCH",
    "DEFAULT_WEIGHT_G",
    "DETAIL_FIELDS",
    "FEE_FIELDS",
    "ITEM_PAGE",
    "ITEM_STATUS",
    "LISTED_STATUSES",
    "MODEL_BATCH",
    "ORDER_DETAIL_BATCH",
    "ORDER_PAGE",
    "ORDER_STATUS",
    "REFRESH_TOKEN_DAYS",
    "TIER_OPTION_MAX",
    "Json",
    "ShopeeConnector",
    "html_to_text",
]
