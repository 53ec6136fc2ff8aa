"""TikTok Shop Partner API (v202309+) connector (../shared/platforms/tiktok.md)."""

from __future__ import annotations

from marketplace.connectors.tiktok.auth import AuthMixin
from marketplace.connectors.tiktok.catalogue import CatalogueMixin
from marketplace.connectors.tiktok.categories import CategoriesMixin
from marketplace.connectors.tiktok.orders import OrdersMixin
from marketplace.connectors.tiktok.price_stock import SKUS_PER_CALL
from marketplace.connectors.tiktok.price_stock import PriceStockMixin
from marketplace.connectors.tiktok.push import PushMixin
from marketplace.connectors.types import API_CAPABILITIES
from marketplace.platforms import PLATFORMS


# One mixin per capability, each on the signed calls of client.py, keeps every module short.
class TikTokConnector(
    AuthMixin, CatalogueMixin, CategoriesMixin, PriceStockMixin, OrdersMixin, PushMixin
):
    """TikTok Shop, registered as "tiktok"."""

    name = "tiktok"
    title = PLATFORMS["tiktok"].title
    capabilities = API_CAPABILITIES
    image_rule = PLATFORMS["tiktok"].image
    # Each price/inventory call takes one product (tiktok.md §5) and up to this many of
    # its SKUs; variants of different products never share a call.
    price_stock_batch = SKUS_PER_CALL
    # UNVERIFIED (tiktok.md §7): order searches over ≤15 days of update_time.
    order_window_days = 15
