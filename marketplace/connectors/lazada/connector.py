"""The Lazada Open Platform connector (lazada.md), Vietnam gateway.

Lazada has no parent SKU. We keep ``ItemPayload.seller_sku`` in the product
attribute ``model`` (a documented product attribute, lazada.md §3.2) and the
variants' SKUs as the SKUs' ``SellerSku``. ``find_by_seller_sku`` first asks
``/products/get`` for the SKU (``sku_seller_list``), then pages through the
shop's products looking for a ``model`` equal to it.

Each capability lives in its own mixin; ``LazadaConnector`` combines them.
"""

from __future__ import annotations

from marketplace.connectors.lazada.auth import AuthMixin
from marketplace.connectors.lazada.catalogue import CatalogueMixin
from marketplace.connectors.lazada.categories import CategoriesMixin
from marketplace.connectors.lazada.orders import OrdersMixin
from marketplace.connectors.lazada.price_stock import PriceStockMixin
from marketplace.connectors.lazada.push import PushMixin
from marketplace.connectors.types import API_CAPABILITIES
from marketplace.platforms import PLATFORMS


class LazadaConnector(
    AuthMixin, CatalogueMixin, CategoriesMixin, PriceStockMixin, OrdersMixin, PushMixin
):
    """Lazada Vietnam through the LazOP API."""

    name = "lazada"
    title = PLATFORMS["lazada"].title
    capabilities = API_CAPABILITIES
    image_rule = PLATFORMS["lazada"].image
    # lazada.md §3.6: at most 50 SKUs per call, 20 recommended (error 513); we send 20.
    price_stock_batch = 20
    # UNVERIFIED (lazada.md §4.1): /orders/get documents no longest range; we use 15 days.
    order_window_days = 15
    # lazada.md §2.3: refresh 30 minutes before expiry.
    refresh_margin_seconds = 1800
