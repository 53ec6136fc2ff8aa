"""TikTok Shop Partner API (v202309+) connector (../shared/platforms/tiktok.md)."""

from __future__ import annotations

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.registry import register
from marketplace.connectors.tiktok.auth import AuthMixin
from marketplace.connectors.tiktok.catalogue import CatalogueMixin
from marketplace.connectors.tiktok.categories import CategoriesMixin
from marketplace.connectors.tiktok.client import API_BASE
from marketplace.connectors.tiktok.client import AUTH_HOST
from marketplace.connectors.tiktok.client import AUTH_HOSTS
from marketplace.connectors.tiktok.client import AUTHORIZE_BASE
from marketplace.connectors.tiktok.client import Paging
from marketplace.connectors.tiktok.client import parse_api
from marketplace.connectors.tiktok.client import parse_token
from marketplace.connectors.tiktok.orders import OrdersMixin
from marketplace.connectors.tiktok.price_stock import PriceStockMixin
from marketplace.connectors.tiktok.push import PushMixin
from marketplace.connectors.types import API_CAPABILITIES

__all__ = [
    "API_BASE",
    "AUTHORIZE_BASE",
    "AUTH_HOST",
    "AUTH_HOSTS",
    "ORDER_IDS_PER_CALL",
    "ORDER_PAGE",
    "PRODUCT_PAGE",
    "PRODUCT_PAGE_MAX",
    "SKUS_PER_CALL",
    "WINDOW_DAYS",
    "TikTokConnector",
    "parse_api",
    "parse_token",
]

# UNVERIFIED (tiktok.md §7): ≤20 SKUs of one product per price or inventory call,
# product search pages of 50 (max 100), order search pages of 50 (max 100),
# ≤50 ids per order-detail call, order searches over ≤15 days of update_time.
SKUS_PER_CALL = 20
PRODUCT_PAGE = 50
PRODUCT_PAGE_MAX = 100
ORDER_PAGE = 50
ORDER_IDS_PER_CALL = 50
WINDOW_DAYS = 15


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
    order_window_days = WINDOW_DAYS

    def _paging(self) -> Paging:
        """This module's page and batch sizes."""
        # Read on every call, not frozen at import: tests shrink them on this module.
        return Paging(
            skus_per_call=SKUS_PER_CALL,
            product_page=PRODUCT_PAGE,
            product_page_max=PRODUCT_PAGE_MAX,
            order_page=ORDER_PAGE,
            order_ids_per_call=ORDER_IDS_PER_CALL,
        )
