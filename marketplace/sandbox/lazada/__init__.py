"""The Lazada Open Platform sandbox (lazada.md §6).

Routes, all in one app:

* ``/rest/<api>``: the country gateway and the auth gateway's ``/auth/token/*``;
* ``/oauth/authorize``: the seller's consent page (GET shows it, POST decides);
* ``/lazada-img/<hash>.jpg``: "Lazada-hosted" images uploaded through ``/image/upload``;
* control: ``POST /_sandbox/apps`` registers an app ``{app_key, app_secret, callback}``
  (a demo app ``100132`` with secret ``lazada-sandbox-demo-secret-100132`` and no
  registered callback, so any redirect is accepted, exists from the first start);
  ``POST /_sandbox/buyers {skus, count, days}`` creates orders with finance rows.
"""

from __future__ import annotations

from flask import Flask

from marketplace.sandbox.common import DemoApp
from marketplace.sandbox.common import make_sandbox_app
from marketplace.sandbox.lazada import auth
from marketplace.sandbox.lazada import catalog
from marketplace.sandbox.lazada import orders
from marketplace.sandbox.lazada import shops
from marketplace.sandbox.lazada import storefront
from marketplace.sandbox.lazada.gateway import DEMO_APP_KEY
from marketplace.sandbox.lazada.gateway import DEMO_APP_SECRET
from marketplace.sandbox.lazada.gateway import gateway

DEMO_APP = DemoApp(
    app_key=DEMO_APP_KEY, app_secret=DEMO_APP_SECRET, api_path="/rest", shop_prefix="Lazada"
)

__all__ = ["DEMO_APP", "DEMO_APP_KEY", "DEMO_APP_SECRET", "create_app"]


def create_app(state_path: str) -> Flask:
    """The Lazada sandbox keeping its state in ``state_path``."""
    app = make_sandbox_app("lazada", state_path)
    app.extensions["sandbox_shops"] = shops.SHOPS
    app.register_blueprint(gateway)
    app.register_blueprint(auth.consent)
    app.register_blueprint(catalog.images)
    app.register_blueprint(orders.buyers)
    app.register_blueprint(storefront.bp)
    return app
