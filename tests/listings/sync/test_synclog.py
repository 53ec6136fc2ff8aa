"""Read-back and drift, refusals that wait, transient failures that back off, "retry selected":
each against the three sandboxes over real HTTP."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import ScalarResult
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.common.models import utcnow
from marketplace.connectors.base import Connector
from marketplace.connectors.http import RetryPolicy
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import VariantRef
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import backoff
from marketplace.listings.sync import log as synclog
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync.models import PriceStockDrift
from marketplace.listings.sync.models import SyncEvent
from marketplace.sandbox.common import Store
from marketplace.sandbox.lazada.products import sku_key
from marketplace.shops.models import Shop
from tests import factories
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import serve
from tests.listings.sync import test_sync
from tests.listings.sync.test_sync import PLATFORMS
from tests.listings.sync.test_sync import run_sync

pytestmark = pytest.mark.worker
# The sync suite's app, connected shop (four products of two variants) and call counter;
# ``env`` is redefined below so a test can also reach into the sandbox's own store.
sync_app = test_sync.sync_app
shop_id = test_sync.shop_id
calls = test_sync.calls
STATE: dict[str, Path] = {}  # sandbox base URL -> its state file
# The request that reads price and stock back, per platform.
READ_PATH = {
    "shopee": "/api/v2/product/get_model_list",
    "lazada": "/products/get",
    "tiktok": "/products/search",
}


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS)
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    sandbox = importlib.import_module(f"marketplace.sandbox.{name}")
    state = tmp_path_factory.mktemp(f"log-{name}") / f"{name}.db"
    with serve(sandbox.create_app(str(state))) as url:
        STATE[url] = state
        yield importlib.import_module(f"tests.connectors.env_{name}").build_env(url)


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTTP layer still retries 5xx four times, without sleeping between tries."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt: 0.0)


def products(app: Flask, shop_id: int) -> list[int]:
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        ids = db.session.scalars(
            select(Product.id)
            .where(Product.cooperative_id == shop.cooperative_id)
            .order_by(Product.id)
        ).all()
        db.session.remove()
        return list(ids)


def change(app: Flask, product_id: int, edit: Callable[[Product], Any]) -> None:
    """Edit a product as the manager would, and commit."""
    with app.app_context():
        edit(db.session.get_one(Product, product_id))
        db.session.commit()
        db.session.remove()


def the_plan(app: Flask, shop_id: int) -> planning.Plan:
    with app.app_context():
        plan = planning.make_plan(db.session.get_one(Shop, shop_id))
        db.session.remove()
        return plan


def listing_of(product_id: int) -> Listing:
    listing = db.session.scalar(select(Listing).where(Listing.product_id == product_id))
    assert listing is not None
    return listing


def last_events(shop_id: int, action: str) -> list[SyncEvent]:
    """The entries of the latest run for ``action`` (newest run's ids are the highest)."""
    rows = db.session.scalars(
        select(SyncEvent)
        .where(SyncEvent.shop_id == shop_id, SyncEvent.action == action)
        .order_by(SyncEvent.id)
    ).all()
    return list(rows)


def drifts(shop_id: int) -> ScalarResult[PriceStockDrift]:
    return db.session.scalars(select(PriceStockDrift).where(PriceStockDrift.shop_id == shop_id))


def login(app: Flask, shop_id: int) -> FlaskClient:
    with app.app_context():
        factories.bind(db.session)
        email = factories.member(db.session.get_one(Shop, shop_id).cooperative).email
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    return client


def tamper_once(
    env: PlatformEnv, monkeypatch: pytest.MonkeyPatch, stock: int, times: int = 1
) -> None:
    """Between our write and its read-back, the seller sets the first variant read back to
    ``stock`` in the seller centre (through the platform's own API)."""
    original = env.connector_cls.read_price_stock
    left = [times]

    def behind_our_back(self: Connector, variants: list[VariantRef]) -> list[Any]:
        if left[0] > 0:
            left[0] -= 1
            first = variants[0]
            current = original(self, [first])[0]
            assert current is not None
            edit = PriceStock(
                first.platform_item_id,
                first.platform_variant_id,
                first.seller_sku,
                current.price,
                stock,
            )
            assert self.update_price_stock([edit])[0].ok
        return original(self, variants)

    monkeypatch.setattr(env.connector_cls, "read_price_stock", behind_our_back)


class TestReadBack:
    def test_a_price_change_is_pushed_alone_and_read_back_once(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        calls: list[str],
    ) -> None:
        run_sync(sync_app, shop_id)
        first = products(sync_app, shop_id)[0]
        change(sync_app, first, lambda p: setattr(p.variants[0], "price", 135_000))
        calls.clear()
        assert run_sync(sync_app, shop_id) == 1
        assert sum(READ_PATH[env.name] in url for url in calls) == 1
        with sync_app.app_context():
            events = last_events(shop_id, "price_stock")
            assert len(events) == 1  # only the changed variant was sent
            sku = f"CHE-{env.name}-0-200"
            assert synclog.load(events[0].sent) == {"sku": sku, "price": 135_000, "stock": 20}
            assert synclog.load(events[0].received) == {"price": 135_000, "stock": 20}
            assert drifts(shop_id).all() == []
            db.session.remove()

    def test_a_whole_shop_of_changes_is_read_back_in_few_calls(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        calls: list[str],
    ) -> None:
        run_sync(sync_app, shop_id)
        for product_id in products(sync_app, shop_id):
            change(sync_app, product_id, lambda p: [setattr(v, "stock", 5) for v in p.variants])
        calls.clear()
        run_sync(sync_app, shop_id)
        reads = sum(READ_PATH[env.name] in url for url in calls)
        # Eight variants of four items: Shopee reads each item's models, the others search
        # all eight SKUs at once; the writes are per item on Shopee and TikTok (price, stock).
        assert reads == {"shopee": 4, "lazada": 1, "tiktok": 1}[env.name]
        assert len(calls) - reads == {"shopee": 8, "lazada": 1, "tiktok": 8}[env.name]
        with sync_app.app_context():
            assert all(e.outcome == "ok" for e in last_events(shop_id, "price_stock"))
            assert drifts(shop_id).all() == []
            db.session.remove()

    def test_creates_are_not_read_back(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        reads: list[int] = []
        original = env.connector_cls.read_price_stock

        def counting(self: Connector, variants: list[VariantRef]) -> list[RemoteVariant | None]:
            reads.append(len(variants))
            return original(self, variants)

        monkeypatch.setattr(env.connector_cls, "read_price_stock", counting)
        assert run_sync(sync_app, shop_id) == 4
        assert reads == []
        change(
            sync_app, products(sync_app, shop_id)[1], lambda p: setattr(p.variants[1], "stock", 3)
        )
        run_sync(sync_app, shop_id)
        assert reads == [1]

    def test_a_value_changed_behind_our_back_is_drift_until_a_read_back_agrees(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        run_sync(sync_app, shop_id)
        first = products(sync_app, shop_id)[0]
        change(sync_app, first, lambda p: setattr(p.variants[0], "price", 139_000))
        tamper_once(env, monkeypatch, stock=3)
        run_sync(sync_app, shop_id)
        sku = f"CHE-{env.name}-0-200"
        with sync_app.app_context():
            drift = drifts(shop_id).one()
            assert (drift.seller_sku, drift.wanted_price, drift.wanted_stock) == (sku, 139_000, 20)
            assert (drift.seen_price, drift.seen_stock, drift.resolved_at) == (139_000, 3, None)
            received = synclog.load(last_events(shop_id, "price_stock")[-1].received)
            assert received == {"price": 139_000, "stock": 3, "drift": 1}
            db.session.remove()
        page = login(sync_app, shop_id).get(f"/shops/{shop_id}/drift").get_data(as_text=True)
        assert "Vẫn còn khác" in page
        assert sku in page
        # The next sync sends our value again, and its read-back agrees: resolved.
        monkeypatch.undo()
        plan = the_plan(sync_app, shop_id)
        assert [(c.seller_sku, c.price, c.stock) for c in plan.price_stock] == [(sku, 139_000, 20)]
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            drift = drifts(shop_id).one()
            assert drift.resolved_at is not None
            assert synclog.load(last_events(shop_id, "price_stock")[-1].received) == {
                "price": 139_000,
                "stock": 20,
            }
            db.session.remove()
        assert the_plan(sync_app, shop_id).writes == 0

    def test_a_drift_that_survives_one_resend_is_left_to_people(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        run_sync(sync_app, shop_id)
        first = products(sync_app, shop_id)[0]
        change(sync_app, first, lambda p: setattr(p.variants[0], "price", 139_000))
        tamper_once(env, monkeypatch, stock=3, times=2)  # the seller insists
        run_sync(sync_app, shop_id)
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            drift = drifts(shop_id).one()
            assert (drift.checks, drift.seen_stock, drift.resolved_at) == (2, 3, None)
            db.session.remove()
        assert the_plan(sync_app, shop_id).writes == 0  # no third write of the same value

    def test_a_refused_part_of_a_batch_is_drift_and_waits(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        calls: list[str],
    ) -> None:
        run_sync(sync_app, shop_id)
        refused_id, fine_id = products(sync_app, shop_id)[:2]
        refused_sku = f"CHE-{env.name}-0-200"
        change(sync_app, fine_id, lambda p: setattr(p.variants[0], "stock", 17))
        refuse_next_write(env, sync_app, refused_id, refused_sku)
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            events = {e.listing.seller_sku: e for e in last_events(shop_id, "price_stock")}
            refused = events[f"OCOP-{refused_id}"]
            assert refused.outcome == "rejected"
            fields = {"shopee": "price", "lazada": "seller_sku", "tiktok": "stock"}
            assert refused.field == fields[env.name]
            assert events[f"OCOP-{fine_id}"].outcome == "ok"
            drift = drifts(shop_id).one()
            assert drift.seller_sku == refused_sku
            refused_listing = refused.listing_id
            db.session.remove()
        page = login(sync_app, shop_id).get(f"/shops/{shop_id}/listings/{refused_listing}")
        html = page.get_data(as_text=True)
        anchor = {"shopee": "price", "lazada": "sku", "tiktok": "stock"}[env.name]
        assert f'href="/products/{refused_id}/edit#variants-0-{anchor}"' in html
        assert "đã từ chối" in html
        assert "Đang chờ: sàn đã từ chối một giá hoặc tồn kho" in html
        plan = the_plan(sync_app, shop_id)
        assert plan.price_stock == []
        assert [w.reason for w in plan.waiting.values()] == [backoff.Reason.PRICE_STOCK_REFUSED]
        calls.clear()
        assert run_sync(sync_app, shop_id) == 0
        assert calls == []  # the refused value is not sent again by the cron
        # "Retry selected" on it: the plan sends it again.
        with sync_app.app_context():
            shop = db.session.get_one(Shop, shop_id)
            backoff.retry(shop, [str(listing_of(refused_id).id)])
            db.session.commit()
            assert [c.seller_sku for c in planning.make_plan(shop).price_stock] == [refused_sku]
            db.session.remove()


def refuse_next_write(env: PlatformEnv, app: Flask, product_id: int, sku: str) -> None:
    """Make the platform refuse the next price/stock write of ``sku``: a value over its limit
    (Shopee's price, TikTok's stock), or on Lazada a SKU deleted in the seller centre."""
    if env.name == "shopee":
        change(app, product_id, lambda p: setattr(p.variants[0], "price", 150_000_000))
    elif env.name == "tiktok":
        change(app, product_id, lambda p: setattr(p.variants[0], "stock", 2_000_000))
    else:
        change(app, product_id, lambda p: setattr(p.variants[0], "stock", 21))
        store = Store(str(STATE[env.base_url]))
        doc = next(
            d for d in store.all("products") if any(s["SellerSku"] == sku for s in d["skus"])
        )
        doc["skus"] = [s for s in doc["skus"] if s["SellerSku"] != sku]
        store.put("products", str(doc["item_id"]), doc)
        store.delete("sku_index", sku_key(doc["seller_id"], sku))


# What makes each platform refuse a product, the field it names, and where our link points.
SPOIL: dict[str, tuple[Callable[[Product], Any], str, str]] = {
    # (A name too long for Shopee no longer reaches it: readiness holds the product back.)
    "shopee": (
        lambda p: setattr(p, "description", "<p>Ngon</p>"),
        "description_html",
        "#description",
    ),
    "lazada": (
        lambda p: setattr(p.variants[1], "weight_g", 50_000),
        "variants[1].weight_g",
        "#variants-1-weight_g",
    ),
    "tiktok": (lambda p: setattr(p, "description", ""), "description_html", "#description"),
}


class TestRefusals:
    def test_a_refused_product_is_explained_and_waits_until_it_changes(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        calls: list[str],
    ) -> None:
        spoil, field, anchor = SPOIL[env.name]
        first = products(sync_app, shop_id)[0]
        change(sync_app, first, spoil)
        assert run_sync(sync_app, shop_id) == 4
        with sync_app.app_context():
            listing = listing_of(first)
            assert (listing.status, listing.platform_item_id) == (ListingStatus.FAILED, None)
            event = last_events(shop_id, "create")[0]
            assert (event.outcome, event.field) == ("rejected", field)
            listing_id = listing.id
            db.session.remove()
        calls.clear()
        assert run_sync(sync_app, shop_id) == 0
        assert calls == []  # the cron does not send the refused product again
        assert [w.reason for w in the_plan(sync_app, shop_id).waiting.values()] == ["refused"]
        page = login(sync_app, shop_id).get(f"/shops/{shop_id}/listings/{listing_id}")
        html = page.get_data(as_text=True)
        assert "đã từ chối" in html
        assert f'href="/products/{first}/edit{anchor}"' in html
        assert "Không gửi lại cho đến khi sản phẩm thay đổi" in html
        # The manager fixes the product: the plan creates it again, and it goes live.
        change(sync_app, first, lambda p: setattr(p, "name", "Chè Shan Tuyết Mộc Châu"))
        change(sync_app, first, lambda p: setattr(p.variants[1], "weight_g", 550))
        change(
            sync_app, first, lambda p: setattr(p, "description", "<p>Chè shan tuyết cổ thụ.</p>")
        )
        assert the_plan(sync_app, shop_id).creates == [first]
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            listing = listing_of(first)
            assert (listing.status, listing.refused_hash) == (ListingStatus.LIVE, None)
            db.session.remove()

    def test_retry_selected_sends_a_refused_product_again(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
    ) -> None:
        first = products(sync_app, shop_id)[0]
        change(sync_app, first, SPOIL[env.name][0])
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            listing_id = listing_of(first).id
            db.session.remove()
        client = login(sync_app, shop_id)
        log_page = client.get(f"/shops/{shop_id}/sync").get_data(as_text=True)
        assert f'name="listing_id" value="{listing_id}"' in log_page
        assert "1 sản phẩm đang chờ" in log_page
        response = client.post(f"/shops/{shop_id}/retry", data={"listing_id": str(listing_id)})
        assert response.status_code == 200
        assert "1 sản phẩm sẽ được gửi lại." in response.get_data(as_text=True)
        assert the_plan(sync_app, shop_id).creates == [first]
        run_sync(sync_app, shop_id)  # sent again, refused again: the log has two refusals
        with sync_app.app_context():
            assert [e.outcome for e in last_events(shop_id, "create")].count("rejected") == 2
            db.session.remove()


class TestTransientFailures:
    def test_failures_in_transit_back_off_with_growing_waits(
        self,
        sync_app: Flask,
        env: PlatformEnv,
        shop_id: int,
        calls: list[str],
        fast_retries: None,
    ) -> None:
        run_sync(sync_app, shop_id)
        first = products(sync_app, shop_id)[0]
        change(sync_app, first, lambda p: setattr(p.variants[0], "price", 141_000))
        waits = []
        for _ in range(2):
            env.control("faults", {"error_share": 1.0})
            calls.clear()
            run_sync(sync_app, shop_id)  # the sync itself survives
            assert not any(READ_PATH[env.name] in url for url in calls)  # nothing to read back
            env.control("faults", {"error_share": 0.0})
            with sync_app.app_context():
                listing = listing_of(first)
                assert listing.retry_at is not None
                waits.append((listing.attempts, listing.retry_at - utcnow()))
                event = last_events(shop_id, "price_stock")[-1]
                assert (event.outcome, event.detail) == ("failed", "HTTP 503")
                db.session.remove()
            env.control("faults", {"error_share": 1.0})
        env.control("faults", {"error_share": 0.0})
        # The first failure is retried by the very next run; the second waits 10 minutes.
        assert [n for n, _ in waits] == [1, 2]
        assert waits[0][1] <= timedelta(0)
        assert timedelta(minutes=9) < waits[1][1] <= timedelta(minutes=10)
        calls.clear()
        assert run_sync(sync_app, shop_id) == 0  # still waiting: not even one call
        assert calls == []
        expire_backoff(sync_app, first)
        run_sync(sync_app, shop_id)
        with sync_app.app_context():
            listing = listing_of(first)
            assert (listing.attempts, listing.retry_at) == (0, None)
            changed = listing.product.variants[0].id  # rows have no order of their own
            assert {row.variant_id: row.price for row in listing.variants}[changed] == 141_000
            db.session.remove()


def expire_backoff(app: Flask, product_id: int) -> None:
    """Time passes: the listing's next attempt is due."""
    with app.app_context():
        listing_of(product_id).retry_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        db.session.remove()
