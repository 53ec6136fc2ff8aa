"""A live instance with a catalogue, photos, a shop on a served sandbox and a ledger, and
empty instances to restore its backups into.

Both instances keep their keys the way production does (generated into the instance folder),
so a backup without ``--with-keys`` really cannot decrypt the shop's tokens elsewhere.
"""

from __future__ import annotations

import importlib
import io
import tarfile
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from marketplace import create_app
from marketplace.catalog import photos
from marketplace.catalog.models import Photo
from marketplace.catalog.models import Product
from marketplace.catalog.models import Rendition
from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.config import TestConfig
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
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

PRODUCTS = 8
OWN_KEYS = {"ENCRYPTION_KEYS": None, "SECRET_KEY": None}  # generated into the instance
pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformEnv]:
    sandbox = importlib.import_module("marketplace.sandbox.lazada")
    state = tmp_path_factory.mktemp("backup-lazada") / "lazada.db"
    with serve(sandbox.create_app(str(state))) as url:
        yield importlib.import_module("tests.connectors.env_lazada").build_env(url)


@pytest.fixture(autouse=True)
def sandbox_connector(env: PlatformEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.registry, "get_connector", lambda name: env.connector_cls)


@dataclass
class Source:
    app: Flask
    shop_id: int
    instance: Path


@pytest.fixture(scope="module")
def source(
    tmp_path_factory: pytest.TempPathFactory, redis_base_url: str, env: PlatformEnv
) -> Source:
    """The live instance: products with variants and photos, a connected shop, open orders."""
    instance = tmp_path_factory.mktemp("backup-source")
    app = make_app(
        fresh_database(instance, "backup"), redis_url_for(redis_base_url, 2), instance, **OWN_KEYS
    )
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.registry, "get_connector", lambda name: env.connector_cls)
        factories.bind(db.session)
        cooperative, category = factories.CooperativeFactory(), factories.CategoryFactory()
        products = []
        for n in range(PRODUCTS):
            product = factories.ProductFactory(
                cooperative=cooperative,
                category=category,
                name=f"Mật ong rừng Sơn La {n + 1}",
                description="<p>Mật ong hoa rừng, khai thác thủ công.</p>",
                variants=[
                    {
                        "sku": f"MAT-{n}-{ml}",
                        "options": f"Dung tích: {ml} ml",
                        "price": 150_000 + ml * 100,
                        "stock": 30,
                        "weight_g": ml + 200,
                        "length_cm": 15,
                        "width_cm": 8,
                        "height_cm": 8,
                    }
                    for ml in (250, 500)
                ],
            )
            for photo in photos.add_photos(
                product, [photos.Upload("a.jpg", jpeg(700, (20 * n, 100, 50)))], None, None
            ):
                photos.render(photo)
            products.append(product)
        shop = connect_shop(env, cooperative, category.id)
        db.session.flush()
        for n, product in enumerate(products[:3]):  # the ledger: open and shipped orders
            order = Order(
                shop_id=shop.id,
                cooperative_id=cooperative.id,
                platform_order_id=f"LZ-{1000 + n}",
                status=OrderStatus.TO_SHIP if n else OrderStatus.SHIPPED,
                platform_status="pending" if n else "shipped",
                placed_at=utcnow() - timedelta(hours=n),
                platform_updated_at=utcnow(),
                total=2 * product.variants[0].price,
                stock_deducted=not n,
            )
            order.lines.append(
                OrderLine(
                    platform_line_id=f"L{n}",
                    seller_sku=product.variants[0].sku,
                    name=product.name,
                    quantity=2,
                    unit_price=product.variants[0].price,
                    variant_id=product.variants[0].id,
                )
            )
            db.session.add(order)
        db.session.commit()
        shop_id = shop.id
        db.session.remove()
    return Source(app, shop_id, instance)


EmptyInstance = Callable[..., Flask]


@pytest.fixture
def empty_instance(tmp_path: Path, redis_base_url: str) -> EmptyInstance:
    """A new instance: its own keys, an empty database (no `db upgrade`), no media."""

    def make(label: str = "restore", **extra: Any) -> Flask:
        instance = tmp_path / label
        settings = {
            "SQLALCHEMY_DATABASE_URI": fresh_database(tmp_path, label),
            "REDIS_URL": redis_url_for(redis_base_url, 1),
            **OWN_KEYS,
            **extra,
        }
        return create_app(type("Config", (TestConfig,), settings), instance_path=str(instance))

    return make


def cli(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def state(app: Flask) -> dict[str, Any]:
    """What must survive a backup: catalogue, photos (rows and files), shops, the ledger."""
    with app.app_context():
        from marketplace.catalog.storage import get_storage

        storage = get_storage()
        files = {}
        for photo in db.session.scalars(select(Photo)):
            files[photo.sha256] = storage.get("originals", photo.sha256)
            for rendition in photo.renditions:
                if rendition.sha256:
                    files[rendition.sha256] = storage.get("renditions", rendition.sha256)
        shops = db.session.scalars(select(Shop).order_by(Shop.id))
        result = {
            "products": rows(Product, "id", "name", "version", "status"),
            "variants": rows(Variant, "id", "product_id", "sku", "price", "stock"),
            "photos": rows(Photo, "id", "product_id", "sha256", "status"),
            "renditions": rows(Rendition, "photo_id", "name", "sha256"),
            "shops": [(s.id, s.platform, s.access_token, s.refresh_token) for s in shops],
            "orders": rows(Order, "id", "platform_order_id", "status", "total", "stock_deducted"),
            "lines": rows(OrderLine, "order_id", "seller_sku", "quantity", "variant_id"),
            "files": files,
        }
        db.session.remove()
    return result


def rows(model: Any, *columns: str) -> list[tuple[Any, ...]]:
    found = db.session.execute(select(*(getattr(model, c) for c in columns)))
    return sorted(tuple(row) for row in found)


def rewrite(archive: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Copy the archive member by member; ``change`` returns new bytes, or None to drop one."""
    with tarfile.open(archive, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            handle = old.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            if data is not None:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
