"""An emulator of the Shopee Open Platform v2 (shopee.md §9): same paths, parameters,
envelopes and error codes as the platform for what our connector uses.

The partner app ``DEMO_PARTNER_ID`` / ``DEMO_PARTNER_KEY`` and the shop
``DEMO_SHOP_ID`` ("Shop HTX Chè Mộc Châu Xanh") exist from the first request (and
again after ``/_sandbox/reset``); ``POST /_sandbox/apps`` registers more apps and
``POST /_sandbox/buyers {skus, count, days}`` simulates buyers' orders.
"""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import request

from marketplace.sandbox.common import DemoApp
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.common import make_sandbox_app
from marketplace.sandbox.shopee import auth
from marketplace.sandbox.shopee import orders
from marketplace.sandbox.shopee import payments
from marketplace.sandbox.shopee import products
from marketplace.sandbox.shopee import shops
from marketplace.sandbox.shopee import storefront
from marketplace.sandbox.shopee.gateway import DEMO_PARTNER_ID
from marketplace.sandbox.shopee.gateway import DEMO_PARTNER_KEY
from marketplace.sandbox.shopee.gateway import DEMO_SHOP_ID
from marketplace.sandbox.shopee.gateway import DEMO_SHOP_NAME
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import ensure_seed
from marketplace.sandbox.shopee.gateway import error_response
from marketplace.sandbox.shopee.gateway import rate_limited

DEMO_APP = DemoApp(app_key=str(DEMO_PARTNER_ID), app_secret=DEMO_PARTNER_KEY)

__all__ = [
    "DEMO_APP",
    "DEMO_PARTNER_ID",
    "DEMO_PARTNER_KEY",
    "DEMO_SHOP_ID",
    "DEMO_SHOP_NAME",
    "create_app",
]


def create_app(state_path: str) -> Flask:
    app = make_sandbox_app("shopee", state_path)
    app.extensions["sandbox_shops"] = shops.SHOPS
    app.register_blueprint(auth.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(orders.bp)
    app.register_blueprint(orders.control)
    app.register_blueprint(payments.control)
    app.register_blueprint(storefront.bp)
    app.register_error_handler(ApiError, error_response)

    @app.before_request
    def _gateway() -> Response | None:
        ensure_seed()
        if request.path.startswith("/api/") and current_sandbox().take_rate_limit():
            return rate_limited()
        return None

    return app
