"""The nightly reconcile: a seller's edit in the platform's own seller centre is found by
reading every variant back, recorded as drift, and undone by the sync that follows."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import jobs
from marketplace.connectors.types import PriceStock
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import tasks
from marketplace.listings.sync.models import PriceStockDrift
from marketplace.shops import services
from marketplace.shops.models import Shop
from tests.connectors.harness import PlatformEnv
from tests.listings.sync import test_sync
from tests.listings.sync.test_sync import run_sync

pytestmark = pytest.mark.worker
sync_app = test_sync.sync_app
shop_id = test_sync.shop_id
env = test_sync.env
calls = test_sync.calls


def edit_in_seller_centre(app: Flask, shop_id: int, stock: int) -> str:
    """The seller sets one variant's stock on the platform itself; its SKU."""
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        row = db.session.scalars(
            select(ListingVariant)
            .join(ListingVariant.listing)
            .where(Listing.shop_id == shop_id)
            .order_by(ListingVariant.id)
        ).first()
        assert row is not None
        edit = PriceStock(
            str(row.listing.platform_item_id),
            row.platform_variant_id,
            row.variant.sku,
            int(row.price or 0),
            stock,
        )
        assert services.call(shop, lambda c: c.update_price_stock([edit]))[0].ok
        sku = row.variant.sku
        db.session.remove()
    return sku


def reconcile_now(app: Flask, shop_id: int) -> str | None:
    with app.app_context():
        record = tasks.reconcile_shop.enqueue(
            shop_id=shop_id, for_cooperative=db.session.get_one(Shop, shop_id).cooperative_id
        )
        db.session.commit()
        job_id = record.id
        db.session.remove()
    with app.app_context():
        result = tasks.reconcile_shop(job_id, shop_id)
        assert db.session.get_one(jobs.JobRecord, job_id).status == jobs.FINISHED
        db.session.remove()
    return result


def remote_stock(app: Flask, shop_id: int, sku: str) -> int:
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        found = services.call(shop, lambda c: c.find_by_seller_sku(sku))
        db.session.remove()
    assert found is not None
    return next(v.stock for v in found.variants if v.seller_sku == sku)


def test_a_seller_centre_edit_is_found_recorded_and_undone(
    sync_app: Flask, env: PlatformEnv, shop_id: int
) -> None:
    run_sync(sync_app, shop_id)
    sku = edit_in_seller_centre(sync_app, shop_id, 999)
    assert run_sync(sync_app, shop_id) == 0  # an incremental sync trusts what it pushed

    assert reconcile_now(sync_app, shop_id) == "1 drifted, 1 writes, 0 failed"

    assert remote_stock(sync_app, shop_id, sku) != 999
    with sync_app.app_context():
        found = db.session.scalars(
            select(PriceStockDrift).where(PriceStockDrift.shop_id == shop_id)
        ).all()
        assert [(d.seller_sku, d.seen_stock) for d in found] == [(sku, 999)]
        db.session.remove()
    assert reconcile_now(sync_app, shop_id) == "0 drifted, 0 writes, 0 failed"


def test_the_reconcile_runs_nightly_on_the_sync_queue() -> None:
    entry = next(e for e in jobs.SCHEDULE if e.func is tasks.reconcile_all_shops)
    assert entry.every == "30 19 * * *"  # 02:30 in Vietnam (UTC+7)
    assert entry.queue == jobs.SYNC
