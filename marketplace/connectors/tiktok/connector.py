"""TikTok Shop Partner API (v202309+) connector (../shared/platforms/tiktok.md)."""

from __future__ import annotations

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.registry import register
from marketplace.connectors.tiktok.auth import AuthMixin
from marketplace.connectors.tiktok.catalogue import CatalogueMixin
from marketplace.connectors.tiktok.categories import CategoriesMixin
from marketplace.connectors.tiktok.orders import OrdersMixin
from marketplace.connectors.tiktok.price_stock import SKUS_PER_CALL
from marketplace.connectors.tiktok.price_stock import PriceStockMixin
from marketplace.connectors.tiktok.push import PushMixin
from marketplace.connectors.types import API_CAPABILITIES


# One mixin per capability, each on the signed calls of client.py, keeps every module short.
@register
class TikTokConnector(
    AuthMixin, CatalogueMixin, CategoriesMixin, PriceStockMixin, OrdersMixin, PushMixin
):
    """TikTok Shop, registered as "tiktok"."""

    name = "tiktok"
    title = "TikTok Shop"
    capabilities = API_CAPABILITIES
    image_rule = PLATFORM_RULES["tiktok"]
    # Each price/inventory call takes one product (tiktok.md §5) and up to this many of
    # its SKUs; variants of different products never share a call.
    price_stock_batch = SKUS_PER_CALL
    # UNVERIFIED (tiktok.md §7): order searches over ≤15 days of update_time.
    order_window_days = 15
