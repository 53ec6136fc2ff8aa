"""The Shopee Open Platform v2 connector (shopee.md), assembled from its capabilities."""

from __future__ import annotations

from marketplace.connectors.shopee.auth import AuthMixin
from marketplace.connectors.shopee.catalogue import IMAGE_BATCH
from marketplace.connectors.shopee.catalogue import CatalogueMixin
from marketplace.connectors.shopee.categories import CategoriesMixin
from marketplace.connectors.shopee.orders import OrdersMixin
from marketplace.connectors.shopee.price_stock import MODEL_BATCH
from marketplace.connectors.shopee.price_stock import PriceStockMixin
from marketplace.connectors.shopee.push import PushMixin
from marketplace.connectors.types import API_CAPABILITIES
from marketplace.platforms import PLATFORMS


class ShopeeConnector(
    AuthMixin, CatalogueMixin, CategoriesMixin, PriceStockMixin, OrdersMixin, PushMixin
):
    name = "shopee"
    title = PLATFORMS["shopee"].title
    capabilities = API_CAPABILITIES
    image_rule = PLATFORMS["shopee"].image
    price_stock_batch = MODEL_BATCH
    image_upload_batch = IMAGE_BATCH
    order_window_days = 15
