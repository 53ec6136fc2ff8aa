"""Importing what a shop already sells, against each sandbox over real HTTP.

The shop's listings are made through the platform's API, not by a sync: one
with our parent SKU, one with our variant SKUs under its own parent SKU, one
that fits a product only partly and one that is nothing of ours. The shop's
list is read two listings per page so every connector has to page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rq.job import Job
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog.models import Product
from marketplace.common.models import utcnow
from marketplace.connectors.lazada import catalogue as lazada_catalogue
from marketplace.connectors.tiktok import catalogue as tiktok_catalogue
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import RemoteItem
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.imports import services as importing
from marketplace.listings.imports import tasks as import_tasks
from marketplace.listings.imports.models import MatchOutcome
from marketplace.listings.imports.models import UnmatchedItem
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import apply as sync
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync.models import SyncEvent
from marketplace.shops import services
from marketplace.shops.models import Shop
from tests.conftest import make_app
from tests.connectors.harness import PlatformEnv
from tests.databases import fresh_database
from tests.databases import redis_url_for
from tests.listings.sync.test_sync import env  # noqa: F401 - fixtures shared with the sync tests
from tests.listings.sync.test_sync import run_sync
from tests.listings.sync.test_sync import shop_id  # noqa: F401

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parents[3]
PAGE = 2


@pytest.fixture(scope="module")
def sync_app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    """The app the shared ``shop_id`` fixture fills: a database of this module's own."""
    instance = tmp_path_factory.mktemp("import")
    return make_app(fresh_database(instance, "import"), redis_url_for(redis_base_url, 2), instance)


@pytest.fixture
def pages(env: PlatformEnv, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:  # noqa: F811
    """Make every connector page PAGE listings at a time; record the cursors asked for."""
    monkeypatch.setattr(env.connector_cls, "item_page_size", PAGE, raising=False)  # Shopee
    monkeypatch.setattr(lazada_catalogue, "PRODUCTS_PAGE", PAGE)
    monkeypatch.setattr(tiktok_catalogue, "PRODUCT_PAGE", PAGE)
    asked: list[str | None] = []
    original = env.connector_cls.list_items

    def spy(self: Any, cursor: str | None = None) -> Any:
        asked.append(cursor)
        return original(self, cursor)

    monkeypatch.setattr(env.connector_cls, "list_items", spy)
    return asked


def products(shop: Shop) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.cooperative_id == shop.cooperative_id)
            .order_by(Product.id)
        )
    )


def payload(shop: Shop, product: Product) -> ItemPayload:
    """What a sync would send for the product, its images uploaded."""
    return sync.to_send(shop, product, sync.planned(shop, product, {}))


def seed(app: Flask, shop_id: int, env_name: str) -> dict[str, str]:  # noqa: F811
    """Create four listings on the shop through the platform's API, as a seller would have."""

    def made(item: ItemPayload, change: Callable[[ItemPayload], None]) -> RemoteItem:
        change(item)
        return services.call(shop, lambda c: c.create_item(item))

    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        p0, p1, p2, p3 = products(shop)
        # Our parent SKU, older prices: made by an earlier install of the app.
        a = made(payload(shop, p0), lambda i: _prices(i, 99_000, 3))
        # The seller's own parent SKU over our variant SKUs; hidden by the seller.
        b = made(payload(shop, p1), lambda i: setattr(i, "seller_sku", "HTX-CU-1"))
        services.call(shop, lambda c: c.delist(b.platform_item_id))

        # One variant of ours, one that is not: partial.
        def partial(i: ItemPayload) -> None:
            i.seller_sku, i.variants[1].seller_sku = "HTX-CU-2", f"QUA-{env_name}-2"

        c = made(payload(shop, p2), partial)

        # Nothing of ours.
        def stranger(i: ItemPayload) -> None:
            i.seller_sku, i.name = "HTX-KHAC", "Miến dong Bắc Kạn đặc sản loại một"
            for n, v in enumerate(i.variants):
                v.seller_sku = f"MIEN-{env_name}-{n}"

        d = made(payload(shop, p3), stranger)
        db.session.commit()
        ids = {"a": a, "b": b, "c": c, "d": d}
        db.session.remove()
    return {k: v.platform_item_id for k, v in ids.items()}


def _prices(item: ItemPayload, price: int, stock: int) -> None:
    for v in item.variants:
        v.price, v.stock = price, stock


def enqueue_import(shop: Shop) -> jobs.JobRecord:
    return import_tasks.import_shop.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)


def run_import(app: Flask, shop_id: int) -> importing.ImportCounts:  # noqa: F811
    with app.app_context():
        counts = import_tasks.run(db.session.get_one(Shop, shop_id))
        db.session.remove()
        return counts


def shop_items(app: Flask, shop_id: int) -> list[RemoteItem]:  # noqa: F811
    """Every listing on the platform's shop."""
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        found: list[RemoteItem] = []
        cursor: str | None = None
        while True:
            page = services.call(shop, lambda c, at=cursor: c.list_items(at))
            found += page.items
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        db.session.commit()
        db.session.remove()
        return found


def failures(app: Flask, shop_id: int) -> list[tuple[str, str]]:  # noqa: F811
    """The sync log's refusals and failures."""
    with app.app_context():
        rows = db.session.execute(
            select(SyncEvent.action, SyncEvent.message).where(
                SyncEvent.shop_id == shop_id, SyncEvent.outcome != "ok"
            )
        ).all()
        db.session.remove()
        return [(action, message) for action, message in rows]


def snapshot(app: Flask, shop_id: int) -> tuple[Any, ...]:  # noqa: F811
    with app.app_context():
        listings = db.session.scalars(select(Listing).where(Listing.shop_id == shop_id)).all()
        bound = sorted(
            (
                lst.id,
                lst.product_id,
                lst.platform_item_id,
                lst.seller_sku,
                lst.status,
                sorted(
                    (lv.variant.sku, lv.platform_variant_id, lv.price, lv.stock)
                    for lv in lst.variants
                ),
            )
            for lst in listings
        )
        kept = sorted(
            (row.id, row.platform_item_id, row.outcome, row.candidate_id, row.ignored)
            for row in db.session.scalars(
                select(UnmatchedItem).where(UnmatchedItem.shop_id == shop_id)
            )
        )
        db.session.remove()
        return bound, kept


class TestImport:
    def test_binds_ours_keeps_the_rest_and_pages(
        self,
        sync_app: Flask,
        env: PlatformEnv,  # noqa: F811
        shop_id: int,  # noqa: F811
        pages: list[str | None],
    ) -> None:
        remote = seed(sync_app, shop_id, env.name)
        counts = run_import(sync_app, shop_id)
        assert (counts.bound, counts.unmatched, counts.known) == (2, 2, 0)
        assert len(pages) == 2
        assert pages[0] is None
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            p0, p1, p2, _ = products(shop)
            by_product = {
                lst.product_id: lst
                for lst in db.session.scalars(select(Listing).where(Listing.shop_id == shop_id))
            }
            assert sorted(by_product) == [p0.id, p1.id]
            a, b = by_product[p0.id], by_product[p1.id]
            assert (a.platform_item_id, a.seller_sku, a.status) == (
                remote["a"],
                f"OCOP-{p0.id}",
                ListingStatus.LIVE,
            )
            # The seller's parent SKU is not kept: ours is, unique per shop like the product.
            assert (b.platform_item_id, b.seller_sku, b.status) == (
                remote["b"],
                f"OCOP-{p1.id}",
                ListingStatus.DELISTED,
            )
            assert a.content_hash is None
            assert b.content_hash is None
            assert sorted((lv.variant.sku, lv.price, lv.stock) for lv in a.variants) == [
                (v.sku, 99_000, 3) for v in p0.variants
            ]
            assert all(lv.platform_variant_id for lv in a.variants + b.variants)
            kept = {
                row.platform_item_id: row
                for row in db.session.scalars(
                    select(UnmatchedItem).where(UnmatchedItem.shop_id == shop_id)
                )
            }
            assert sorted(kept) == sorted([remote["c"], remote["d"]])
            c, d = kept[remote["c"]], kept[remote["d"]]
            assert (c.outcome, c.candidate_id, c.seller_sku) == (
                MatchOutcome.PARTIAL,
                p2.id,
                "HTX-CU-2",
            )
            assert [v.seller_sku for v in c.variants] == [p2.variants[0].sku, f"QUA-{env.name}-2"]
            assert (d.outcome, d.candidate_id, d.name) == (
                MatchOutcome.NONE,
                None,
                "Miến dong Bắc Kạn đặc sản loại một",
            )
            assert d.status == "live"
            db.session.remove()

    def test_importing_twice_changes_nothing(
        self,
        sync_app: Flask,
        env: PlatformEnv,  # noqa: F811
        shop_id: int,  # noqa: F811
        pages: list[str | None],
    ) -> None:
        seed(sync_app, shop_id, env.name)
        run_import(sync_app, shop_id)
        first = snapshot(sync_app, shop_id)
        counts = run_import(sync_app, shop_id)
        assert (counts.bound, counts.unmatched, counts.known) == (0, 2, 2)
        assert snapshot(sync_app, shop_id) == first

    def test_next_sync_updates_links_and_duplicates_nothing(
        self,
        sync_app: Flask,
        env: PlatformEnv,  # noqa: F811
        shop_id: int,  # noqa: F811
        pages: list[str | None],
    ) -> None:
        remote = seed(sync_app, shop_id, env.name)
        run_import(sync_app, shop_id)
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            p0, p1, p2, p3 = products(shop)
            ids = [p.id for p in (p0, p1, p2, p3)]
            plan = planning.make_plan(shop)
            listing_of = {
                lst.product_id: lst.id
                for lst in db.session.scalars(select(Listing).where(Listing.shop_id == shop_id))
            }
            # p2 waits for the manager: its SKU is on a listing the import could not bind.
            assert plan.creates == [p3.id]
            assert [m.code for m in plan.not_ready[p2.id]] == ["unlinked_listing"]
            assert plan.unlinked == 2
            assert sorted(plan.updates) == sorted([listing_of[p0.id], listing_of[p1.id]])
            assert plan.relists == [listing_of[p1.id]]  # active in the catalogue
            assert {c.variant_id for c in plan.price_stock} == {v.id for v in p0.variants}
            db.session.remove()
        run_sync(sync_app, shop_id)
        assert failures(sync_app, shop_id) == []
        after = shop_items(sync_app, shop_id)
        assert len(after) == 5  # four made by the seller, one created for p3
        parents = sorted(i.seller_sku for i in after)
        # Our content went to the bound listings, parent SKU included.
        assert parents.count(f"OCOP-{ids[0]}") == parents.count(f"OCOP-{ids[1]}") == 1
        assert parents.count(f"OCOP-{ids[3]}") == 1
        by_id = {i.platform_item_id: i for i in after}
        assert by_id[remote["b"]].status == "live"
        assert {v.price for v in by_id[remote["a"]].variants} == {120_000, 260_000}

        # The manager links the partial one to p2: the next sync updates it, creates nothing.
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            row = db.session.scalars(
                select(UnmatchedItem).where(
                    UnmatchedItem.shop_id == shop_id, UnmatchedItem.platform_item_id == remote["c"]
                )
            ).one()
            importing.link(shop, row.id, ids[2])
            db.session.commit()
            plan = planning.make_plan(shop)
            assert (plan.creates, plan.not_ready, plan.unlinked) == ([], {}, 1)
            assert len(plan.updates) == 1
            db.session.remove()
        run_sync(sync_app, shop_id)
        assert failures(sync_app, shop_id) == []
        after = shop_items(sync_app, shop_id)
        assert len(after) == 5
        assert [i.seller_sku for i in after].count(f"OCOP-{ids[2]}") == 1
        linked = next(i for i in after if i.platform_item_id == remote["c"])
        # Both variants, the one paired in order too, carry our prices now.
        assert sorted(v.price for v in linked.variants) == [120_000, 260_000]
        with sync_app.app_context():
            assert planning.make_plan(db.session.get_one(Shop, shop_id)).writes == 0
            listing = db.session.scalars(
                select(Listing).where(
                    Listing.shop_id == shop_id, Listing.platform_item_id == remote["c"]
                )
            ).one()
            assert sorted(lv.variant.sku for lv in listing.variants) == [
                v.sku for v in db.session.get_one(Product, ids[2]).variants
            ]
            db.session.remove()

    def test_a_listing_gone_from_the_shop_is_forgotten(
        self,
        sync_app: Flask,
        env: PlatformEnv,  # noqa: F811
        shop_id: int,  # noqa: F811
        pages: list[str | None],
    ) -> None:
        remote = seed(sync_app, shop_id, env.name)
        run_import(sync_app, shop_id)
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            stale = importing.keep(
                shop,
                RemoteItem("424242", "", "Đã xoá trên sàn", "live"),
                MatchOutcome.NONE,
                None,
                utcnow(),
            )
            stale_id = stale.id
            db.session.commit()
            db.session.remove()
        run_import(sync_app, shop_id)
        _, kept = snapshot(sync_app, shop_id)
        assert sorted(k[1] for k in kept) == sorted([remote["c"], remote["d"]])
        assert stale_id not in [k[0] for k in kept]


class TestJob:
    def test_runs_on_the_sync_queue_once_per_shop_and_waits_for_a_sync(
        self,
        sync_app: Flask,
        env: PlatformEnv,  # noqa: F811
        shop_id: int,  # noqa: F811
    ) -> None:
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            first = enqueue_import(shop)
            again = enqueue_import(shop)
            assert first is again
            assert (first.id, first.queue) == (f"import-shop-{shop_id}", "sync")
            db.session.commit()
            lock = rq.get_queue().connection.lock(f"lock:sync-shop:{shop_id}", timeout=60)
            assert lock.acquire(blocking=False)  # a sync of this shop is running
            try:
                assert import_tasks.import_shop(first.id, shop_id) == "skipped"
            finally:
                lock.release()
            record = db.session.get_one(jobs.JobRecord, first.id)
            assert record.message.startswith("A sync of this shop is running.")
            assert db.session.scalars(select(Listing).where(Listing.shop_id == shop_id)).all() == []
            db.session.remove()

    # One platform is enough for the worker path: the job is the same for all three.
    @pytest.mark.parametrize("env", ["lazada"], indirect=True)
    def test_through_a_real_worker(
        self,
        sync_app: Flask,
        env: PlatformEnv,  # noqa: F811
        shop_id: int,  # noqa: F811
    ) -> None:
        remote = seed(sync_app, shop_id, env.name)
        with sync_app.app_context():
            record = enqueue_import(db.session.get_one(Shop, shop_id))
            job_id = record.id
            db.session.commit()
            db.session.remove()
            url, redis_url = (
                str(db.engine.url.render_as_string(hide_password=False)),
                str(sync_app.config["REDIS_URL"]),
            )
        worker = subprocess.run(
            [sys.executable, "-m", "flask", "rq", "worker", "--burst", "sync"],
            cwd=ROOT,
            env=os.environ
            | {
                "DATABASE_URL": url,
                "REDIS_URL": redis_url,
                "MARKETPLACE_INSTANCE": str(Path(sync_app.config["MEDIA_ROOT"]).parent),
                "ENCRYPTION_KEYS": sync_app.config["ENCRYPTION_KEYS"],
                "FLASK_APP": "wsgi",
            },
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert worker.returncode == 0, worker.stderr[-2000:]
        with sync_app.app_context():
            record = db.session.get_one(jobs.JobRecord, job_id)
            assert (record.status, record.progress) == ("finished", 100), worker.stderr[-3000:]
            assert record.message == "The shop's listings have been read."
            assert Job.fetch(job_id, connection=rq.get_queue().connection).return_value() == (
                "2 bound, 2 not matched, 0 known"
            )
            bound = db.session.scalars(
                select(Listing.platform_item_id).where(Listing.shop_id == shop_id)
            ).all()
            assert sorted(bound) == sorted([remote["a"], remote["b"]])
            db.session.remove()
