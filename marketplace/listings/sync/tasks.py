"""The sync job: one per shop at a time, committed step by step, resumable.

One RQ job per shop (deterministic id) under a per-shop *lease*: a short Redis
lock renewed by the running job, so a worker killed with SIGKILL frees its shop
within ``SYNC_LOCK_SECONDS``. The next run (the cron's, or a manager's "apply")
takes over: ``enqueue_sync`` recognises the dead job's record and queues a fresh
one, which waits for the dead lease to lapse and resumes from the committed
steps (pending creates are looked up on the platform before anything is written).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog.models import Product
from marketplace.common.lease import Lease
from marketplace.common.lease import held
from marketplace.common.models import utcnow
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Retryable
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.models import Listing
from marketplace.listings.sync import apply as sync
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import stock
from marketplace.shops import services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

log = logging.getLogger(__name__)
# Steps failing one after another for want of an answer mean the platform is down:
# stop instead of spending the rest of the plan (and the rate limit) on it.
STOP_AFTER_FAILURES = 3
LEASE_LOST = jobs.N_("The sync lost its hold on the shop and stopped; the next sync continues.")
UNREACHABLE = jobs.N_(
    "The marketplace is not answering, so the sync stopped. The next sync continues from here."
)
REAUTHORIZE = jobs.N_("The shop must be authorized again before it can be synced.")


def sync_job_id(shop_id: int) -> str:
    """Deterministic, so asking twice while one is queued or running gives the same job."""
    return f"sync-shop-{shop_id}"


def lock_key(shop_id: int) -> str:
    return f"lock:sync-shop:{shop_id}"


def shop_lease(shop_id: int) -> Lease:
    """The lease that lets one job at a time (sync, import, reconcile) work on a shop."""
    seconds = float(current_app.config["SYNC_LOCK_SECONDS"])
    return Lease(rq.get_queue().connection, lock_key(shop_id), seconds)


def under_shop_lease(
    job_id: str,
    shop_id: int,
    work: Callable[[Shop, Lease, jobs.JobRecord], str | None],
    *,
    busy: str,
    wait: float = 0.0,
) -> str | None:
    """Run another job's ``work`` on the connected shop, tracked, while holding the shop's
    lease (waiting ``wait`` lease lengths for it); ``busy`` ends the job when another holds it.
    """
    record = db.session.get(jobs.JobRecord, job_id)
    if record is None or record.status in jobs.TERMINAL:
        return None
    db.session.commit()  # never wait for the lease inside a transaction (SQLite: a write lock)
    lease = shop_lease(shop_id)
    if not lease.acquire(wait=wait * lease.seconds):
        record.status, record.message = jobs.FINISHED, busy
        db.session.commit()
        return "skipped"
    try:
        with jobs.tracked(job_id) as record:
            shop = db.session.get(Shop, shop_id)
            if shop is None or shop.status != ShopStatus.CONNECTED:
                record.message = jobs.N_("The shop is not connected.")
                return None
            return work(shop, lease, record)
        return "stopped"  # tracked() recorded why
    finally:
        lease.release()


def enqueue_sync(shop: Shop, user_id: int | None) -> jobs.JobRecord:
    """Queue a sync of the shop on the sync queue (after the commit).

    A sync still queued or running is returned instead of a second one, unless it
    died: then it is closed as interrupted and a fresh one queued, which resumes.
    """
    record = db.session.get(jobs.JobRecord, sync_job_id(shop.id))
    if record is not None and record.status not in jobs.TERMINAL and _dead(record, shop.id):
        jobs.abandon(record)
    return jobs.enqueue(
        sync_shop,
        shop.id,
        kind="shop_sync",
        queue=jobs.SYNC,
        cooperative_id=shop.cooperative_id,
        user_id=user_id,
        job_id=sync_job_id(shop.id),
    )


def _dead(record: jobs.JobRecord, shop_id: int) -> bool:
    if jobs.gave_up(record):
        return True
    if record.status != jobs.STARTED or held(rq.get_queue().connection, lock_key(shop_id)):
        return False
    # A running sync holds the lease from before it marks its record started until after
    # it marks it ended: started with the lease free means its holder died. Read the record
    # again so a sync that ended just now is not taken for a dead one.
    db.session.refresh(record)
    return record.status == jobs.STARTED


def sync_shop(job_id: str, shop_id: int) -> str | None:
    """Plan and apply under the shop's lease; a second sync of the same shop waits or skips."""
    record = db.session.get(jobs.JobRecord, job_id)
    if record is None or record.status in jobs.TERMINAL:
        log.info("sync job %r already ended; nothing left to do", job_id)
        return None
    db.session.commit()  # never wait for the lease inside a transaction (SQLite: a write lock)
    lease = shop_lease(shop_id)
    # Wait a little longer than a lease lives: a killed sync's lease lapses meanwhile and
    # this run takes over at once; a live sync still holding it after that is running.
    if not lease.acquire(wait=lease.seconds * 1.5):
        return _skip(record)
    try:
        db.session.refresh(record)
        if record.status in jobs.TERMINAL:  # another delivery of this job did it meanwhile
            log.info("sync job %r already ended; nothing left to do", job_id)
            return None
        with jobs.tracked(job_id) as record:
            shop = db.session.get(Shop, shop_id)
            if shop is None or shop.status != ShopStatus.CONNECTED:
                record.message = jobs.N_("The shop is not connected.")
                return None
            applied = run(shop, lease)
            record.message = (
                jobs.N_("Sync finished; some writes failed and are tried again next time.")
                if applied.failed
                else jobs.N_("Sync finished.")
            )
            return f"{applied.done} writes, {applied.failed} failed"
        return "stopped"  # tracked() recorded why
    finally:
        lease.release()


def _skip(record: jobs.JobRecord) -> str:
    db.session.refresh(record)
    # Started means that other sync is this very job (delivered twice): its record is
    # its own. Queued means nobody else will end this one.
    if record.status == jobs.QUEUED:
        record.status, record.message = (
            jobs.FINISHED,
            jobs.N_("Another sync of this shop is running."),
        )
    db.session.commit()
    log.info("sync of shop job %r skipped: another sync holds the shop", record.id)
    return "skipped"


@dataclass
class Applied:
    """What a run did: steps done, steps that failed, for the progress bar too."""

    total: int
    done: int = 0
    failed: int = 0
    failed_in_a_row: int = 0


def run(shop: Shop, lease: Lease | None = None) -> Applied:
    """Apply the current plan step by step, committing after each."""
    current = planning.make_plan(shop)
    applied = Applied(total=max(1, current.writes))
    for hashes in sync.image_batches(shop, current.creates):
        _check(lease)
        sync.upload_images(shop, hashes)  # where a platform takes several images per call
        db.session.commit()
    for product_id in current.creates:
        _check(lease)
        listing, resumed = sync.prepare_create(shop, db.session.get_one(Product, product_id))
        db.session.commit()  # the pending binding exists before the platform hears of it
        _step(applied, shop, listing, "create", partial(sync.push_create, shop, listing, resumed))
    for listing_id in current.updates:
        _check(lease)
        listing = db.session.get_one(Listing, listing_id)
        _step(applied, shop, listing, "update", partial(sync.push_update, shop, listing))
    if current.price_stock:
        _check(lease)
        # Recomputed under the shop's stock lock: orders may have moved stock since the plan.
        _step(applied, shop, None, "price_stock", partial(stock.push_price_stock, shop))
    for listing_id in current.settles:
        _check(lease)
        listing = db.session.get_one(Listing, listing_id)
        _step(applied, shop, listing, "delist", partial(sync.settle_pending, shop, listing))
    for listing_id, listed in [(i, False) for i in current.delists] + [
        (i, True) for i in current.relists
    ]:
        _check(lease)
        listing = db.session.get_one(Listing, listing_id)
        action = "relist" if listed else "delist"
        _step(applied, shop, listing, action, partial(sync.push_listed, shop, listing, listed))
    return applied


def _check(lease: Lease | None) -> None:
    if lease is not None and lease.lost:
        raise jobs.JobStopped(LEASE_LOST)


def _step(
    applied: Applied, shop: Shop, listing: Listing | None, action: str, push: Callable[[], object]
) -> None:
    """One write: committed with its log entry whatever happened, so the next run knows.

    A write that fails after the HTTP client's retries is logged and left for the next
    run (nothing of it was recorded as done); the rest of the plan goes on, unless the
    platform has stopped answering or the shop must be authorized again.
    """
    try:
        push()
    except sync.Unanswered:  # logged, and the listing waits: count it towards a stop
        _count(applied, transient=True)
        db.session.commit()
        jobs.report_progress(applied.done + applied.failed, applied.total)
        if applied.failed_in_a_row >= STOP_AFTER_FAILURES:
            raise jobs.JobStopped(UNREACHABLE) from None
        return
    except AuthError as exc:
        _failed(applied, shop, listing, action, exc)
        raise jobs.JobStopped(REAUTHORIZE) from exc
    except ConnectorError as exc:
        _failed(applied, shop, listing, action, exc)
        if applied.failed_in_a_row >= STOP_AFTER_FAILURES:
            raise jobs.JobStopped(UNREACHABLE) from exc
        return
    applied.done += 1
    applied.failed_in_a_row = 0
    db.session.commit()
    jobs.report_progress(applied.done + applied.failed, applied.total)


def _failed(
    applied: Applied, shop: Shop, listing: Listing | None, action: str, exc: ConnectorError
) -> None:
    log.warning("shop %r: %s failed: %s", shop.id, action, exc)
    _count(applied, transient=isinstance(exc, Retryable | RateLimited))
    sync.log_failure(shop, listing, action, exc)
    db.session.commit()  # tracked() rolls back on a stop: the log entry must stay
    jobs.report_progress(applied.done + applied.failed, applied.total)


def _count(applied: Applied, *, transient: bool) -> None:
    applied.failed += 1
    # Only unanswered calls say the platform is down; a refusal is about one item.
    applied.failed_in_a_row = applied.failed_in_a_row + 1 if transient else 0


def sync_all_shops() -> int:
    """Cron: queue a sync of every connected shop (a shop already queued is not queued twice,
    a shop whose sync died is queued again)."""
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
