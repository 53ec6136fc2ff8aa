"""The world bench/sync.py runs in: app, sandboxes, connected shops, a catalogue with photos.

Everything is real and temporary: a fresh SQLite database built by the migrations, an
embedded Redis, each platform's sandbox served over loopback HTTP, shops connected
through the sandboxes' consent pages, categories mapped through the mapping service.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask
from PIL import Image
from PIL import ImageDraw
from sqlalchemy import select

from marketplace import create_app
from marketplace.catalog import photos
from marketplace.catalog import reference
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Area
from marketplace.catalog.models import AreaKind
from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Photo
from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product
from marketplace.catalog.models import Rendition
from marketplace.config import TestConfig
from marketplace.embedded import embedded_redis_url
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.shops.models import Shop
from tests.connected import connect_shop
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import serve

PLATFORMS = ("lazada", "shopee", "tiktok")
VARIANTS = (("100 g", 65_000, 30, 130), ("200 g", 120_000, 20, 250), ("500 g", 260_000, 8, 560))


@dataclass(frozen=True)
class Settings:
    products: int
    platforms: tuple[str, ...]
    latency_ms: int  # the sandbox's delay on every API request
    rps: int  # the client-side limit (PlatformApp.requests_per_second)
    server_rps: float  # the sandbox's own limit, a little above the client's
    naive_products: int  # how many products the naive approach is measured on


def make_app(folder: Path) -> Flask:
    """The app on a fresh SQLite database (schema by the migrations) and an embedded Redis."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
        "REDIS_URL": embedded_redis_url(str(folder / "redis.db")),
    }
    app = create_app(type("BenchConfig", (TestConfig,), settings), instance_path=str(folder))
    with app.app_context():
        flask_migrate.upgrade()
    return app


def stop_redis(app: Flask) -> None:
    """Stop the embedded Redis before its folder goes (else it is killed after a wait)."""
    with app.app_context():
        rq.get_queue().connection.shutdown(nosave=True)


@contextmanager
def sandboxes(folder: Path, platforms: tuple[str, ...]) -> Iterator[dict[str, PlatformEnv]]:
    """Each platform's sandbox served over loopback HTTP, with its test env (app, consent)."""
    with ExitStack() as stack:
        envs = {}
        for name in platforms:
            sandbox = importlib.import_module(f"marketplace.sandbox.{name}")
            url = stack.enter_context(serve(sandbox.create_app(str(folder / f"{name}.db"))))
            envs[name] = importlib.import_module(f"tests.connectors.env_{name}").build_env(url)
        yield envs


def set_faults(env: PlatformEnv, settings: Settings) -> None:
    """Latency on every request and the server-side rate limit."""
    env.control(
        "faults",
        {"latency_ms": settings.latency_ms, "requests_per_second": settings.server_rps},
    )


def photo(seed: int, side: int = 520) -> bytes:
    """A small JPEG that no other seed produces: a colour field with the seed written on it."""
    colour = (40 + seed * 37 % 180, 60 + seed * 53 % 160, 30 + seed * 97 % 200)
    img = Image.new("RGB", (side, side), colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((side // 8, side // 8, side * 7 // 8, side * 3 // 8), fill=(250, 245, 230))
    draw.text((side // 4, side // 5), f"OCOP #{seed}", fill=(20, 20, 20), font_size=side // 10)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def catalogue(count: int) -> tuple[Cooperative, Category]:
    """A cooperative with ``count`` active products of three variants, each with its own
    photo and the cooperative's shared label photo, every rendition ready."""
    reference.seed_areas()
    reference.seed_categories()
    commune = db.session.scalars(select(Area).where(Area.kind == AreaKind.COMMUNE)).first()
    category = db.session.scalars(select(Category).order_by(Category.position)).first()
    assert commune is not None
    assert category is not None
    cooperative = Cooperative(name="HTX Chè Shan Tuyết Tà Xùa", tax_code="5500999001", area=commune)
    db.session.add(cooperative)
    db.session.flush()
    label = photo(-1)
    shared: Photo | None = None
    for n in range(count):
        product = catalog.create_product(cooperative, _product_input(n, category.id), None)
        uploads = [photos.Upload("own.jpg", photo(n)), photos.Upload("nhan.jpg", label)]
        own, *label_photo = photos.add_photos(product, uploads, None, None)
        photos.render(own)  # the real pipeline on a small photo
        # The label is the same file on every product: its renditions are the same bytes,
        # so it is rendered once and its rendition rows copied (the sync sees the same hashes).
        if shared is None:
            shared = label_photo[0]
            photos.render(shared)
        else:
            _copy_renditions(shared, label_photo[0])
        if n % 100 == 99:
            db.session.commit()
    db.session.commit()
    return cooperative, category


def _product_input(n: int, category_id: int) -> catalog.ProductInput:
    fields: dict[str, Any] = {
        "name": f"Chè Shan Tuyết Tà Xùa loại {n + 1}",
        "description": "<p>Chè shan tuyết cổ thụ, hái tay, sao thủ công trên chảo gang.</p>",
        "category_id": category_id,
        "status": "active",
    }
    variants = [
        {
            "sku": f"TX-{n}-{weight.replace(' ', '')}",
            "options": f"Khối lượng: {weight}",
            "price": price,
            "stock": stock,
            "weight_g": grams,
            "length_cm": 20,
            "width_cm": 10,
            "height_cm": 8,
        }
        for weight, price, stock, grams in VARIANTS
    ]
    return catalog.ProductInput(fields=fields, variants=variants)


def _copy_renditions(source: Photo, target: Photo) -> None:
    target.renditions = [
        Rendition(
            name=r.name,
            sha256=r.sha256,
            format=r.format,
            width=r.width,
            height=r.height,
            byte_size=r.byte_size,
            error=r.error,
        )
        for r in source.renditions
    ]
    target.status = PhotoStatus.READY


def connect(env: PlatformEnv, cooperative: Cooperative, category: Category, rps: int) -> int:
    """Register the app, connect the shop through the consent page, map the category."""
    shop = connect_shop(env, cooperative, category.id, requests_per_second=rps)
    db.session.commit()
    return shop.id


def ready_products(cooperative_id: int) -> list[Product]:
    """The cooperative's products in id order."""
    return list(
        db.session.scalars(
            select(Product).where(Product.cooperative_id == cooperative_id).order_by(Product.id)
        )
    )


def shop(shop_id: int) -> Shop:
    return db.session.get_one(Shop, shop_id)
