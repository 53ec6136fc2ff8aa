"""Plan then apply against each sandbox: no duplicates, resumable, only changes written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog import photos
from marketplace.catalog.models import Product
from marketplace.catalog.sku import parent_sku
from marketplace.catalog.storage import RENDITIONS
from marketplace.catalog.storage import get_storage
from marketplace.connectors.http import HttpClient
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import apply as sync
from marketplace.listings.sync import mapping as mapping_service
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import runner
from marketplace.listings.sync import tasks
from marketplace.listings.sync.errors import SyncInputError
from marketplace.listings.sync.models import SyncEvent
from marketplace.shops import services
from marketplace.shops.models import Shop
from tests import factories
from tests.conftest import make_app
from tests.connected import connect_shop
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.harness import served_sandbox
from tests.databases import fresh_database
from tests.databases import redis_url_for

PLATFORMS = ["lazada", "shopee", "tiktok"]
PRODUCTS = 4
pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def sync_app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    instance = tmp_path_factory.mktemp("sync")
    return make_app(fresh_database(instance, "sync"), redis_url_for(redis_base_url, 2), instance)


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS)
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    with served_sandbox(name, tmp_path_factory.mktemp(f"sync-{name}")) as env:
        yield env


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HTTP request the connectors send, by URL."""
    sent: list[str] = []
    original = HttpClient._send

    def counting(self: HttpClient, request: Any) -> Any:
        sent.append(request.url)
        return original(self, request)

    monkeypatch.setattr(HttpClient, "_send", counting)
    return sent


@pytest.fixture
def shop_id(sync_app: Flask, env: PlatformEnv, monkeypatch: pytest.MonkeyPatch) -> int:
    """A connected shop of a cooperative with PRODUCTS ready products and a category mapping."""
    monkeypatch.setattr(services.registry, "get_connector", lambda name: env.connector_cls)
    with sync_app.app_context():
        factories.bind(db.session)
        cooperative = factories.CooperativeFactory()
        category = factories.CategoryFactory()
        for n in range(PRODUCTS):
            product = factories.ProductFactory(
                cooperative=cooperative,
                category=category,
                name=f"Chè Shan Tuyết Mộc Châu loại {n + 1}",
                description="<p>Chè shan tuyết cổ thụ, hái tay, sao thủ công trên chảo gang.</p>",
                variants=[
                    {
                        "sku": f"CHE-{env.name}-{n}-200",
                        "options": "Khối lượng: 200 g",
                        "price": 120_000,
                        "stock": 20,
                        "weight_g": 250,
                        "length_cm": 20,
                        "width_cm": 10,
                        "height_cm": 8,
                    },
                    {
                        "sku": f"CHE-{env.name}-{n}-500",
                        "options": "Khối lượng: 500 g",
                        "price": 260_000,
                        "stock": 8,
                        "weight_g": 550,
                        "length_cm": 25,
                        "width_cm": 12,
                        "height_cm": 9,
                    },
                ],
            )
            for photo in photos.add_photos(
                product, [photos.Upload("a.jpg", jpeg(800, (40 * n, 120, 60)))], None, None
            ):
                photos.render(photo)
        shop = connect_shop(env, cooperative, category.id)
        db.session.commit()
        shop_id = shop.id
        db.session.remove()
    return shop_id


def run_sync(app: Flask, shop_id: int) -> int:
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        done = runner.run(shop).done
        db.session.remove()
        return done


def remote_count(env: PlatformEnv, app: Flask, shop_id: int, sku: str) -> int:
    """How many listings on the platform carry this parent SKU."""
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        found, cursor = 0, None
        while True:
            page = services.call(shop, lambda c, cur=cursor: c.list_items(cur))
            found += sum(1 for item in page.items if item.seller_sku == sku)
            cursor = page.next_cursor
            if cursor is None:
                break
        db.session.remove()
        return found


class TestPlanAndApply:
    def test_first_sync_creates_and_a_second_writes_nothing(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int, calls: list[str]
    ) -> None:
        with sync_app.app_context():
            plan = planning.make_plan(db.session.get_one(Shop, shop_id))
            assert (len(plan.creates), plan.updates, plan.price_stock, plan.not_ready) == (
                PRODUCTS,
                [],
                [],
                {},
            )
        assert run_sync(sync_app, shop_id) == PRODUCTS
        with sync_app.app_context():
            listings = db.session.scalars(select(Listing).where(Listing.shop_id == shop_id)).all()
            assert [lst.status for lst in listings] == [ListingStatus.LIVE] * PRODUCTS
            assert all(len(lst.variants) == 2 for lst in listings)
            assert planning.make_plan(db.session.get_one(Shop, shop_id)).writes == 0
        calls.clear()
        assert run_sync(sync_app, shop_id) == 0
        assert calls == []  # a resync with no change makes no call at all

    def test_first_sync_makes_only_the_calls_the_platform_needs(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int, calls: list[str]
    ) -> None:
        run_sync(sync_app, shop_id)
        uploads = [url for url in calls if "upload" in url]
        batch = env.connector_cls.image_upload_batch  # each product has a photo of its own
        assert len(uploads) == (PRODUCTS + batch - 1) // batch
        per_create = 2 if env.name == "shopee" else 1  # add_item + init_tier_variation
        # Beyond that, only Shopee's once-per-sync lookups: logistics channels, attribute tree.
        once = len(calls) - len(uploads) - PRODUCTS * per_create
        assert 0 <= once <= (2 if env.name == "shopee" else 0), calls

    def test_a_price_change_pushes_only_that(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int, calls: list[str]
    ) -> None:
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            product = db.session.scalars(select(Product).order_by(Product.id.desc())).first()
            assert product is not None
            product.variants[0].price = 135_000
            db.session.commit()
            plan = planning.make_plan(db.session.get_one(Shop, shop_id))
            assert (plan.creates, plan.updates, len(plan.price_stock)) == ([], [], 1)
            sku = product.variants[0].sku
            db.session.remove()
        calls.clear()
        assert run_sync(sync_app, shop_id) == 1
        assert len(calls) <= 3  # the batched write (one call, two on Shopee and TikTok) + read-back
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            remote = services.call(shop, lambda c: c.find_by_seller_sku(sku))
            assert remote is not None
            assert {v.seller_sku: v.price for v in remote.variants}[sku] == 135_000

    def test_a_name_and_price_change_together_reach_the_platform_both(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int
    ) -> None:
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            product = db.session.scalars(select(Product).order_by(Product.id.desc())).first()
            assert product is not None
            product.name = "Chè Shan Tuyết Tà Xùa đặc biệt"
            product.variants[0].price = 145_000
            db.session.commit()
            sku = product.variants[0].sku
            db.session.remove()

        run_sync(sync_app, shop_id)

        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            remote = services.call(shop, lambda c: c.find_by_seller_sku(sku))
            assert remote is not None
            assert remote.name == "Chè Shan Tuyết Tà Xùa đặc biệt"
            assert {v.seller_sku: v.price for v in remote.variants}[sku] == 145_000
            assert planning.make_plan(shop).writes == 0
            db.session.remove()

    def test_markup_is_rounded_to_a_thousand(self, sync_app: Flask, shop_id: int) -> None:
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            shop.price_markup_percent, shop.price_markup_fixed = 7, 2_500
            assert planning.shop_price(shop, 120_000) == 131_000  # 128.400 + 2.500 = 130.900
            db.session.rollback()


class TestNoDuplicates:
    def test_lost_create_response_makes_no_duplicate(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int
    ) -> None:
        env.control("faults", {"lose_response_next_writes": 1})
        try:
            run_sync(sync_app, shop_id)
        except Exception:  # a platform that cannot adopt the item fails this run…
            run_sync(sync_app, shop_id)  # …and the next run links what was created
        with sync_app.app_context():
            skus = db.session.scalars(
                select(Listing.seller_sku).where(Listing.shop_id == shop_id)
            ).all()
        assert len(skus) == PRODUCTS
        for sku in skus:
            assert remote_count(env, sync_app, shop_id, sku) == 1, sku

    def test_a_run_that_dies_after_the_create_resumes_by_linking(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        original = sync._bind

        def die(*args: Any, **kwargs: Any) -> None:
            raise SystemExit("worker killed after the platform created the item")

        monkeypatch.setattr(sync, "_bind", die)
        with pytest.raises(SystemExit):
            run_sync(sync_app, shop_id)
        monkeypatch.setattr(sync, "_bind", original)
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            listings = db.session.scalars(select(Listing).where(Listing.shop_id == shop_id)).all()
            assert len(listings) == PRODUCTS
            assert all(lst.status == ListingStatus.LIVE for lst in listings)
            actions = db.session.scalars(
                select(SyncEvent.action).where(SyncEvent.shop_id == shop_id)
            ).all()
            assert "link" in actions
            skus = [lst.seller_sku for lst in listings]
        for sku in skus:
            assert remote_count(env, sync_app, shop_id, sku) == 1, sku


class TestImages:
    def test_a_refused_image_fails_only_its_product(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int
    ) -> None:
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            first = db.session.scalars(
                select(Product)
                .where(Product.cooperative_id == shop.cooperative_id)
                .order_by(Product.id)
            ).first()
            assert first is not None
            rendition = planning.image_hashes(first, env.name)[0]
            damaged = get_storage().local_path(RENDITIONS, rendition)
            assert damaged is not None
            damaged.write_bytes(b"GIF89a, not a photo any platform takes")
            sku = parent_sku(first.id)
            db.session.remove()
        assert run_sync(sync_app, shop_id) == PRODUCTS  # the batch upload fails, then the one
        with sync_app.app_context():
            listings = {
                lst.seller_sku: lst
                for lst in db.session.scalars(select(Listing).where(Listing.shop_id == shop_id))
            }
            assert listings.pop(sku).status == ListingStatus.FAILED
            assert {lst.status for lst in listings.values()} == {ListingStatus.LIVE}
            event = db.session.scalars(
                select(SyncEvent).where(SyncEvent.shop_id == shop_id, SyncEvent.outcome != "ok")
            ).one()
            assert event.message.startswith("Sàn từ chối: ")
            db.session.remove()


class TestOneSyncAtATime:
    def test_second_job_on_the_same_shop_skips(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The second job waits 1.5 lease lengths for the holder before it skips.
        monkeypatch.setitem(sync_app.config, "SYNC_LOCK_SECONDS", 0.4)
        with sync_app.app_context():
            first = tasks.enqueue_sync(db.session.get_one(Shop, shop_id), None)
            again = tasks.enqueue_sync(db.session.get_one(Shop, shop_id), None)
            assert first is again  # the same deterministic job while one is queued
            db.session.commit()
            job_id = first.id
            lock = rq.get_queue().connection.lock(f"lock:sync-shop:{shop_id}", timeout=60)
            assert lock.acquire(blocking=False)  # another worker is syncing this shop
            try:
                assert tasks.sync_shop(job_id, shop_id) == "skipped"
            finally:
                lock.release()
            record = db.session.get_one(jobs.JobRecord, job_id)
            assert record.message == "Another sync of this shop is running."
            assert db.session.scalars(select(Listing).where(Listing.shop_id == shop_id)).all() == []
            db.session.remove()


class TestSchedule:
    def test_cron_queues_each_connected_shop_once(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int
    ) -> None:
        with sync_app.app_context():
            assert tasks.sync_all_shops() >= 1
            assert tasks.sync_all_shops() >= 1  # again: the queued job is reused, not doubled
            records = db.session.scalars(
                select(jobs.JobRecord).where(
                    jobs.JobRecord.id == tasks.sync_shop.job_id(shop_id=shop_id)
                )
            ).all()
            assert len(records) == 1
            assert records[0].queue == "sync"
            db.session.remove()


class TestMappingAttributes:
    def test_missing_required_attributes_hold_products_back_until_filled(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int
    ) -> None:
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            row = next(iter(mapping_service.mappings(shop).values()))
            specs = mapping_service.attributes(shop, row.platform_category_id)
            required = [a for a in specs if a.required]
            if not required:
                pytest.skip(f"{env.name}'s first leaf has no required attribute")
            mapping_service.save_mapping(shop, row.category_id, row.platform_category_id, {})
            plan = planning.make_plan(shop)
            assert plan.creates == []
            assert all(p[0].code == "attributes_missing" for p in plan.not_ready.values())
            chosen = next((a for a in required if a.options), None)
            if chosen is not None:
                bad = {chosen.platform_id: "không có"}
                with pytest.raises(SyncInputError, match="Hãy chọn một giá trị có trong danh sách"):
                    mapping_service.save_mapping(
                        shop, row.category_id, row.platform_category_id, bad
                    )
            values = {a.platform_id: a.options[0] if a.options else "Việt Nam" for a in required}
            mapping_service.save_mapping(shop, row.category_id, row.platform_category_id, values)
            assert len(planning.make_plan(shop).creates) == PRODUCTS
            db.session.rollback()


class TestReadinessBadges:
    def test_product_list_shows_readiness_per_shop(
        self, sync_app: Flask, env: PlatformEnv, shop_id: int
    ) -> None:
        with sync_app.app_context():
            factories.bind(db.session)
            shop = db.session.get_one(Shop, shop_id)
            email = factories.member(shop.cooperative).email
            first = db.session.scalars(
                select(Product).where(Product.cooperative_id == shop.cooperative_id)
            ).first()
            assert first is not None
            first.photos.clear()  # one product loses its photo: not ready anywhere
            db.session.commit()
            db.session.remove()
        client = sync_app.test_client()
        client.post("/login", data={"email": email, "password": factories.PASSWORD})
        html = client.get("/products/").get_data(as_text=True)
        assert html.count('class="badge status-active" title="Sẵn sàng"') == PRODUCTS - 1
        assert html.count('class="badge danger-badge" title="Chưa sẵn sàng"') == 1
