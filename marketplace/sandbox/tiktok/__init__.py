"""TikTok Shop Partner API sandbox (tiktok.md): one app serving the API host
(``/product``, ``/order``, ``/finance``, ``/authorization``), the auth host
(``/api/v2/token/...``) and the seller's authorization page (``/open/authorize``).

A demo app is registered on first use (``core.DEMO_APP``: app_key ``6dsandboxapp``,
app_secret ``tts-sandbox-secret-2026``, service_id ``7301000000000000001``); more can
be added with ``POST /_sandbox/apps``. Buyers are simulated with ``POST /_sandbox/buyers``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import request
from werkzeug.exceptions import HTTPException

from marketplace.sandbox.common import DemoApp
from marketplace.sandbox.common import make_sandbox_app
from marketplace.sandbox.tiktok import auth
from marketplace.sandbox.tiktok import catalog
from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok import orders
from marketplace.sandbox.tiktok import shops
from marketplace.sandbox.tiktok import storefront

DEMO_APP = DemoApp(
    app_key=core.DEMO_APP["app_key"],
    app_secret=core.DEMO_APP["app_secret"],
    extra=(("service_id", core.DEMO_APP["service_id"]),),
    shop_prefix="TikTok Shop",
)


def create_app(state_path: str) -> Flask:
    app = make_sandbox_app("tiktok", state_path)
    app.extensions["sandbox_shops"] = shops.SHOPS
    for blueprint in (auth.bp, auth.control, catalog.bp, orders.bp, orders.control, storefront.bp):
        app.register_blueprint(blueprint)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def _api_error(exc: HTTPException) -> Any:
        """Unknown paths and methods on the API host answer in TikTok's envelope (§4)."""
        if request.path.startswith(("/open/", "/_sandbox", "/tos/", "/storefront")):
            return exc
        if exc.code == 405:
            return core.envelope(None, core.INVALID_METHOD, "Invalid method", 405)
        return core.envelope(None, core.INVALID_PATH, "Invalid path", 404)

    return app
