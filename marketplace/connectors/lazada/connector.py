"""The Lazada Open Platform connector (lazada.md), Vietnam gateway.

Lazada has no parent SKU. We keep ``ItemPayload.seller_sku`` in the product
attribute ``model`` (a documented product attribute, lazada.md §3.2) and the
variants' SKUs as the SKUs' ``SellerSku``. ``find_by_seller_sku`` first asks
``/products/get`` for the SKU (``sku_seller_list``), then pages through the
shop's products looking for a ``model`` equal to it.

Each capability lives in its own mixin; ``LazadaConnector`` combines them.
"""

from __future__ import annotations

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.lazada.auth import AuthMixin
from marketplace.connectors.lazada.catalogue import DEFAULT_SIDE_CM as DEFAULT_SIDE_CM
from marketplace.connectors.lazada.catalogue import DUPLICATE_SKU as DUPLICATE_SKU
from marketplace.connectors.lazada.catalogue import NO_BRAND as NO_BRAND
from marketplace.connectors.lazada.catalogue import PRODUCTS_PAGE as PRODUCTS_PAGE
from marketplace.connectors.lazada.catalogue import CatalogueMixin
from marketplace.connectors.lazada.categories import OWN_ATTRIBUTES as OWN_ATTRIBUTES
from marketplace.connectors.lazada.categories import CategoriesMixin
from marketplace.connectors.lazada.client import API_GATEWAY as API_GATEWAY
from marketplace.connectors.lazada.client import AUTH_HOST as AUTH_HOST
from marketplace.connectors.lazada.client import Params as Params
from marketplace.connectors.lazada.errors import error_from
from marketplace.connectors.lazada.orders import FINANCE_PAGE as FINANCE_PAGE
from marketplace.connectors.lazada.orders import ORDER_ITEMS_BATCH as ORDER_ITEMS_BATCH
from marketplace.connectors.lazada.orders import ORDERS_PAGE as ORDERS_PAGE
from marketplace.connectors.lazada.orders import OrdersMixin
from marketplace.connectors.lazada.price_stock import PriceStockMixin
from marketplace.connectors.lazada.push import PushMixin
from marketplace.connectors.lazada.signing import sign
from marketplace.connectors.registry import register
from marketplace.connectors.types import API_CAPABILITIES


@register
class LazadaConnector(
    AuthMixin, CatalogueMixin, PriceStockMixin, CategoriesMixin, OrdersMixin, PushMixin
):
    """Lazada Vietnam through the LazOP API."""

    name = "lazada"
    title = "Lazada"
    capabilities = API_CAPABILITIES
    image_rule = PLATFORM_RULES["lazada"]
    # lazada.md §3.6: at most 50 SKUs per call, 20 recommended (error 513); we send 20.
    price_stock_batch = 20
    # UNVERIFIED (lazada.md §4.1): /orders/get documents no longest range; we use 15 days.
    order_window_days = 15
    # lazada.md §2.3: refresh 30 minutes before expiry.
    refresh_margin_seconds = 1800


__all__ = ["LazadaConnector", "error_from", "sign"]
