"""One cooperative selling the same products on three sandbox shops, synced and ready."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field

import pytest
from flask import Flask

from marketplace.catalog import photos
from marketplace.extensions import db
from marketplace.listings.sync import runner
from marketplace.shops import services
from marketplace.shops.models import Shop
from tests import factories
from tests.conftest import make_app
from tests.connected import connect_shop
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.harness import serve
from tests.databases import fresh_database
from tests.databases import redis_url_for

PLATFORMS = ("shopee", "lazada", "tiktok")
# The platform's own words for the states the tests move orders through.
NATIVE = {
    "shopee": {"open": "READY_TO_SHIP", "shipped": "SHIPPED", "cancelled": "CANCELLED"},
    "lazada": {"open": "pending", "shipped": "shipped", "cancelled": "canceled"},
    "tiktok": {"open": "AWAITING_SHIPMENT", "shipped": "IN_TRANSIT", "cancelled": "CANCELLED"},
}
STOCK = 20  # on hand of every variant at the start


@dataclass
class Cooperative:
    """Ids of what the fixture made: shops by platform, variants by SKU."""

    app: Flask
    id: int
    shops: dict[str, int]
    variants: dict[str, int]
    envs: dict[str, PlatformEnv] = field(default_factory=dict)


@pytest.fixture(scope="module")
def sales_app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    instance = tmp_path_factory.mktemp("sales")
    return make_app(fresh_database(instance, "sales"), redis_url_for(redis_base_url, 2), instance)


@pytest.fixture
def envs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PlatformEnv]]:
    """The three sandboxes, fresh for each test, served over HTTP."""
    with ExitStack() as stack:
        found = {}
        for name in PLATFORMS:
            sandbox = importlib.import_module(f"marketplace.sandbox.{name}")
            state = tmp_path_factory.mktemp(f"sales-{name}") / f"{name}.db"
            url = stack.enter_context(serve(sandbox.create_app(str(state))))
            found[name] = importlib.import_module(f"tests.connectors.env_{name}").build_env(url)
        yield found


@pytest.fixture
def cooperative(
    sales_app: Flask, envs: dict[str, PlatformEnv], monkeypatch: pytest.MonkeyPatch
) -> Cooperative:
    """Two products of two variants each, listed and synced on a shop of every platform."""
    by_name = {name: env.connector_cls for name, env in envs.items()}
    monkeypatch.setattr(services.registry, "get_connector", lambda name: by_name[name])
    with sales_app.app_context():
        factories.bind(db.session)
        coop, category = factories.CooperativeFactory(), factories.CategoryFactory()
        variants = {}
        for n in range(2):
            product = factories.ProductFactory(
                cooperative=coop,
                category=category,
                name=f"Cà phê Arabica Sơn La hạt rang {n + 1}",
                description="<p>Cà phê Arabica trồng dưới tán rừng, rang mộc.</p>",
                variants=[
                    {
                        "sku": f"CAFE-{n}-{grams}",
                        "options": f"Khối lượng: {grams} g",
                        "price": 90_000 + grams * 100,
                        "stock": STOCK,
                        "weight_g": grams + 50,
                        "length_cm": 20,
                        "width_cm": 12,
                        "height_cm": 6,
                    }
                    for grams in (250, 500)
                ],
            )
            for photo in photos.add_photos(
                product, [photos.Upload("a.jpg", jpeg(800, (30 * n, 90, 40)))], None, None
            ):
                photos.render(photo)
            variants.update({v.sku: v.id for v in product.variants})
        shops = {}
        for name, env in envs.items():
            shops[name] = connect_shop(env, coop, category.id).id
        db.session.commit()
        for shop_id in shops.values():
            runner.run(db.session.get_one(Shop, shop_id))
        result = Cooperative(sales_app, coop.id, shops, variants, envs)
        db.session.remove()
    return result


def remote_stock(env: PlatformEnv, app: Flask, shop_id: int, sku: str) -> int:
    """The stock the platform shows buyers for a variant SKU, read through its API."""
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        found = services.call(shop, lambda c: c.find_by_seller_sku(sku))
        db.session.remove()
    assert found is not None, f"{sku} is not on {env.name}"
    return next(v.stock for v in found.variants if v.seller_sku == sku)
