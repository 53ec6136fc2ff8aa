"""The sync job: one per shop at a time, committed step by step, resumable."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog.models import Product
from marketplace.common.models import utcnow
from marketplace.connectors.errors import ConnectorError
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings import plan as planning
from marketplace.listings import services
from marketplace.listings import stock
from marketplace.listings import sync
from marketplace.listings.models import Shop
from marketplace.listings.models import ShopStatus
from marketplace.listings.sync_models import Listing

log = logging.getLogger(__name__)
LOCK_SECONDS = 15 * 60


def sync_job_id(shop_id: int) -> str:
    """Deterministic, so asking twice while one is queued or running gives the same job."""
    return f"sync-shop-{shop_id}"


def enqueue_sync(shop: Shop, user_id: int | None) -> jobs.JobRecord:
    """Queue a sync of the shop on the sync queue (after the commit)."""
    return jobs.enqueue(
        sync_shop,
        shop.id,
        kind="shop_sync",
        queue=jobs.SYNC,
        cooperative_id=shop.cooperative_id,
        user_id=user_id,
        job_id=sync_job_id(shop.id),
    )


def sync_shop(job_id: str, shop_id: int) -> str | None:
    """Plan and apply under a per-shop lock; a second sync of the same shop skips."""
    record = db.session.get(jobs.JobRecord, job_id)
    if record is None or record.status in jobs.TERMINAL:
        return None
    lock = rq.get_queue().connection.lock(f"lock:sync-shop:{shop_id}", timeout=LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        record.status, record.message = (
            jobs.FINISHED,
            jobs.N_("Another sync of this shop is running."),
        )
        db.session.commit()
        return "skipped"
    try:
        with jobs.tracked(job_id) as record:
            shop = db.session.get(Shop, shop_id)
            if shop is None or shop.status != ShopStatus.CONNECTED:
                record.message = jobs.N_("The shop is not connected.")
                return None
            done = run(shop)
            record.message = jobs.N_("Sync finished.")
            return f"{done} writes"
    finally:
        lock.release()


def run(shop: Shop) -> int:
    """Apply the current plan step by step, committing after each; returns the writes made."""
    current = planning.make_plan(shop)
    total, done = max(1, current.writes), 0
    for hashes in sync.image_batches(shop, current.creates):
        sync.upload_images(shop, hashes)  # where a platform takes several images per call
        db.session.commit()
    for product_id in current.creates:
        listing, resumed = sync.prepare_create(shop, db.session.get_one(Product, product_id))
        db.session.commit()  # the pending binding exists before the platform hears of it
        sync.push_create(shop, listing, resumed)
        done = _step(done, total)
    for listing_id in current.updates:
        sync.push_update(shop, db.session.get_one(Listing, listing_id))
        done = _step(done, total)
    if current.price_stock:
        # Recomputed under the shop's stock lock: orders may have moved stock since the plan.
        stock.push_price_stock(shop)
        done = _step(done, total)
    for listing_id, listed in [(i, False) for i in current.delists] + [
        (i, True) for i in current.relists
    ]:
        sync.push_listed(shop, db.session.get_one(Listing, listing_id), listed)
        done = _step(done, total)
    return done


def _step(done: int, total: int) -> int:
    db.session.commit()
    jobs.report_progress(done + 1, total)
    return done + 1


def sync_all_shops() -> int:
    """Cron: queue a sync of every connected shop (a shop already queued is not queued twice)."""
    shops = db.session.scalars(select(Shop).where(Shop.status == ShopStatus.CONNECTED)).all()
    for shop in shops:
        enqueue_sync(shop, None)
    db.session.commit()
    return len(shops)


def refresh_expiring_tokens(ahead_seconds: int = 3600) -> int:
    """Cron: refresh access tokens that expire within ``ahead_seconds``, before any job needs
    them, so an idle shop's refresh token keeps being renewed too; returns how many."""
    soon = utcnow() + timedelta(seconds=ahead_seconds)
    shops = db.session.scalars(
        select(Shop).where(Shop.status == ShopStatus.CONNECTED, Shop.access_expires_at < soon)
    ).all()
    refreshed = 0
    for shop in shops:
        try:
            services.refresh_tokens(shop, shop.access_token)
            refreshed += 1
        except ConnectorError as exc:  # marked on the shop (needs re-authorisation) and logged
            log.warning("shop %r: token refresh failed: %s", shop.id, exc.message)
    db.session.commit()
    return refreshed
