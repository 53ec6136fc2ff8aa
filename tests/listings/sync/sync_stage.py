"""A stage for the sync resilience tests: a connected shop with a catalogue of many small
products behind a sandbox, its workers, and what to check once the dust settles."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy import update

from marketplace import jobs
from marketplace.catalog import photos
from marketplace.catalog.models import Photo
from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Rendition
from marketplace.connectors.types import RemoteItem
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import tasks
from marketplace.listings.sync.models import SyncEvent
from marketplace.shops import services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests import connected
from tests import factories
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.listings.sync.resilience import Tripwire
from tests.listings.sync.resilience import Worker
from tests.listings.sync.resilience import wait_for


@dataclass
class Stage:
    """One test's world: the app, a fresh sandbox behind a tripwire, a shop, its workers."""

    app: Flask
    env: PlatformEnv
    wire: Tripwire
    state: Path
    shop_id: int
    worker_env: dict[str, str]
    logs: Path
    lease: float
    workers: list[Worker] = field(default_factory=list)

    def start_worker(self) -> Worker:
        worker = Worker(self.worker_env, self.logs / f"worker-{len(self.workers)}.log").start()
        self.workers.append(worker)
        return worker

    def record(self) -> jobs.JobRecord:
        """The shop's sync record as committed now (detached, for reading)."""
        with self.app.app_context():
            record = db.session.get_one(
                jobs.JobRecord, tasks.sync_shop.job_id(shop_id=self.shop_id)
            )
            db.session.expunge(record)
            db.session.remove()
            return record

    def apply(self) -> float:
        """Press "apply" until a sync is queued (not the dead one joined); seconds it took."""
        started, timeout = time.monotonic(), 3 * self.lease + 10

        def queued() -> bool:
            with self.app.app_context():
                record = tasks.enqueue_sync(db.session.get_one(Shop, self.shop_id), None)
                status = record.status
                db.session.commit()
                db.session.remove()
            return status == jobs.QUEUED

        wait_for("the sync to be queued", queued, timeout, every=0.1)
        return time.monotonic() - started

    def wait_ended(self, timeout: float = 120) -> jobs.JobRecord:
        return wait_for("the sync to end", lambda: _ended(self.record()), timeout, every=0.1)  # type: ignore[no-any-return]


def _ended(record: jobs.JobRecord) -> jobs.JobRecord | None:
    return record if record.status in jobs.TERMINAL else None


def connect_shop(env: PlatformEnv, products: int, variants: int = 2, rate: int = 500) -> int:
    """A connected shop of a new cooperative with ``products`` ready products; its id.

    One photo is rendered once and shared (same renditions) by every product: each is
    still its own listing, and the platform receives the image once per shop.
    """
    db.session.execute(update(Shop).values(status=ShopStatus.DISCONNECTED))  # earlier tests'
    factories.bind(db.session)
    cooperative = factories.CooperativeFactory()
    category = factories.CategoryFactory()
    first: Photo | None = None
    for n in range(products):
        product = factories.ProductFactory(
            cooperative=cooperative,
            category=category,
            name=f"Chè Shan Tuyết Tà Xùa số {n + 1}",
            description="<p>Chè shan tuyết cổ thụ Tà Xùa, Bắc Yên, Sơn La.</p>",
            variants=[
                {
                    "sku": f"TX-{cooperative.id}-{n}-{k}",
                    "options": f"Khối lượng: {100 * (k + 1)} g",
                    "price": 80_000 + 1_000 * n + 50_000 * k,
                    "stock": 5 + (n + k) % 20,
                    "weight_g": 150 * (k + 1),
                    # Lazada needs the package size: without it the product is not ready.
                    "length_cm": 20,
                    "width_cm": 12,
                    "height_cm": 6 + k,
                }
                for k in range(variants)
            ],
        )
        first = _share_photo(product, first)
    shop = connected.connect_shop(env, cooperative, category.id, requests_per_second=rate)
    db.session.commit()
    return int(shop.id)


def _share_photo(product: Product, first: Photo | None) -> Photo:
    if first is None:
        upload = photos.Upload("ta-xua.jpg", jpeg(600, (60, 110, 50)))
        photo = photos.add_photos(product, [upload], None, None)[0]
        photos.render(photo)
        return photo
    copy = Photo(
        sha256=first.sha256,
        format=first.format,
        width=first.width,
        height=first.height,
        byte_size=first.byte_size,
        status=PhotoStatus.READY,
        renditions=[
            Rendition(
                name=r.name,
                format=r.format,
                sha256=r.sha256,
                width=r.width,
                height=r.height,
                byte_size=r.byte_size,
                error=r.error,
            )
            for r in first.renditions
        ],
    )
    product.photos.append(copy)
    return first


def remote_items(shop_id: int) -> list[RemoteItem]:
    """Every item of the shop on the platform, read back through its API."""
    shop = db.session.get_one(Shop, shop_id)
    items: list[RemoteItem] = []
    cursor: str | None = None
    while True:
        page = services.call(shop, lambda c, cur=cursor: c.list_items(cur))
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            db.session.commit()
            return items


def assert_converged(stage: Stage) -> dict[str, int]:
    """Every product once on the platform, with the price, stock and state it should have."""
    with stage.app.app_context():
        shop = db.session.get_one(Shop, stage.shop_id)
        items = remote_items(stage.shop_id)
        copies = Counter(item.seller_sku for item in items)
        assert [sku for sku, n in copies.items() if n > 1] == [], "duplicates on the platform"
        listings = {
            lst.product_id: lst
            for lst in db.session.scalars(select(Listing).where(Listing.shop_id == shop.id))
        }
        assert set(copies) == {lst.seller_sku for lst in listings.values()}
        remote = {item.seller_sku: item for item in items}
        products = db.session.scalars(
            select(Product).where(Product.cooperative_id == shop.cooperative_id)
        ).all()
        states: Counter[str] = Counter()
        for product in products:
            listing = listings.get(product.id)
            if product.status != ProductStatus.ACTIVE:
                if listing is None:  # archived before its first sync: never listed
                    states["never listed"] += 1
                    continue
                item = remote[listing.seller_sku]
                assert (listing.status, item.status) == (ListingStatus.DELISTED, "delisted")
                states["delisted"] += 1
                continue
            assert listing is not None, product
            item = remote[listing.seller_sku]
            assert (listing.status, item.status) == (ListingStatus.LIVE, "live"), listing
            assert item.name == product.name
            wanted = {
                v.sku: (planning.shop_price(shop, v.price), planning.available_stock(shop, v))
                for v in product.variants
            }
            assert {v.seller_sku: (v.price, v.stock) for v in item.variants} == wanted
            states["live"] += 1
        assert planning.make_plan(shop).writes == 0
        db.session.remove()
    return dict(states)


def sync_events(stage: Stage, action: str, outcome: str = "ok") -> list[SyncEvent]:
    with stage.app.app_context():
        rows = db.session.scalars(
            select(SyncEvent).where(
                SyncEvent.shop_id == stage.shop_id,
                SyncEvent.action == action,
                SyncEvent.outcome == outcome,
            )
        ).all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
        return list(rows)


def change_catalogue(stage: Stage, rng: random.Random) -> None:
    """What a manager does between two syncs: prices, stock, a name, a product on or off."""
    with stage.app.app_context():
        shop = db.session.get_one(Shop, stage.shop_id)
        products = db.session.scalars(
            select(Product).where(Product.cooperative_id == shop.cooperative_id)
        ).all()
        for product in rng.sample(products, rng.randint(5, 30)):
            variant = rng.choice(product.variants)
            variant.price = rng.randrange(50, 400) * 1_000
            variant.stock = rng.randint(0, 40)
        renamed = rng.choice(products)
        renamed.name = f"{renamed.name.split(' (')[0]} (vụ {rng.randint(1, 99)})"
        for product in rng.sample(products, rng.randint(0, 2)):
            product.status = (
                ProductStatus.ARCHIVED
                if product.status == ProductStatus.ACTIVE
                else ProductStatus.ACTIVE
            )
        db.session.commit()
        db.session.remove()


def manager_client(stage: Stage) -> FlaskClient:
    """A test client logged in as a manager of the shop's cooperative (Vietnamese pages)."""
    with stage.app.app_context():
        factories.bind(db.session)
        shop = db.session.get_one(Shop, stage.shop_id)
        email = factories.member(shop.cooperative).email
        db.session.commit()
        db.session.remove()
    client = stage.app.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    return client
