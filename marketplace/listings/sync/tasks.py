"""The listing jobs: sync a shop, reconcile it nightly, push stock after an order.

One sync per shop at a time (deterministic job id) under the shop's lease
(``listings/lease.py``): a worker killed with SIGKILL frees its shop within
``SYNC_LOCK_SECONDS``. The next run (the cron's, or a manager's "apply") takes over:
``enqueue_sync`` recognises the dead job's record and queues a fresh one, which waits
for the dead lease to lapse and resumes from the committed steps (pending creates are
looked up on the platform before anything is written).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from marketplace import jobs
from marketplace.common.lease import Lease
from marketplace.common.lease import held
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.lease import lock_key
from marketplace.listings.lease import shop_lease
from marketplace.listings.lease import under_shop_lease
from marketplace.listings.sync import reconcile
from marketplace.listings.sync import runner
from marketplace.listings.sync import stock
from marketplace.sales.signals import stock_moved
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

log = logging.getLogger(__name__)


def enqueue_sync(shop: Shop, user_id: int | None) -> jobs.JobRecord:
    """Queue a sync of the shop on the sync queue (after the commit).

    A sync still queued or running is returned instead of a second one, unless it
    died: then it is closed as interrupted and a fresh one queued, which resumes.
    """
    record = db.session.get(jobs.JobRecord, sync_shop.job_id(shop_id=shop.id))
    if record is not None and record.status not in jobs.TERMINAL and _dead(record, shop.id):
        jobs.abandon(record)
    return sync_shop.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id, by_user=user_id)


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


# A shop's first sync of a large catalogue at the platform's rate limit takes hours,
# far past RQ's default of 180 s.
@jobs.job(
    kind="shop_sync", queue=jobs.SYNC, id="sync-shop-{shop_id}", requeue=True, timeout=3 * 3600
)
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
            applied = runner.run(shop, lease)
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


# Incremental sync: only what changed is written, so this is cheap when nothing did.
@jobs.periodic(600, queue=jobs.SYNC)
def sync_all_shops() -> int:
    """Cron: queue a sync of every connected shop (a shop already queued is not queued twice,
    a shop whose sync died is queued again)."""
    shops = db.session.scalars(select(Shop).where(Shop.status == ShopStatus.CONNECTED)).all()
    for shop in shops:
        enqueue_sync(shop, None)
    db.session.commit()
    return len(shops)


@jobs.job(kind="shop_reconcile", queue=jobs.SYNC, id="reconcile-shop-{shop_id}", requeue=True)
def reconcile_shop(job_id: str, shop_id: int) -> str | None:
    """Import pass, full read-back, then the sync, under the shop's lease."""
    return under_shop_lease(
        job_id,
        shop_id,
        _reconcile,
        busy=jobs.N_("Another sync of this shop is running."),
        wait=1.5,  # as a sync does: a killed holder's lease lapses meanwhile
    )


def _reconcile(shop: Shop, lease: Lease, record: jobs.JobRecord) -> str:
    drifted, applied = reconcile.reconcile(shop, lease)
    record.message = jobs.N_("Reconcile finished.")
    return f"{drifted} drifted, {applied.done} writes, {applied.failed} failed"


# Nightly (02:30 in Vietnam), every shop is read back in full and corrected.
@jobs.periodic("30 19 * * *", queue=jobs.SYNC)
def reconcile_all_shops() -> int:
    """Cron (nightly): queue a reconcile of every connected shop."""
    shops = db.session.scalars(select(Shop).where(Shop.status == ShopStatus.CONNECTED)).all()
    for shop in shops:
        reconcile_shop.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
    db.session.commit()
    return len(shops)


# On the sales queue, not sync: a long catalogue sync must never delay it.
@jobs.job(kind="stock_push", queue=jobs.SALES, id="push-stock-{shop_id}", requeue=True)
def push_shop_stock(job_id: str, shop_id: int) -> str | None:
    """The targeted push after an order: price/stock and the zero-stock rule, nothing else."""
    with jobs.tracked(job_id) as record:
        shop = db.session.get(Shop, shop_id)
        if shop is None or shop.status != ShopStatus.CONNECTED:
            return None
        writes = stock.push_stock_and_listing(shop)
        record.message = jobs.N_("Stock pushed.")
        return f"{writes} writes"


@stock_moved.connect
def _push_stock_everywhere(pulled: Shop, **_: Any) -> None:
    """An order pull on ``pulled`` moved stock: push it to every connected shop of the
    cooperative (after the pull's commit, as every enqueue)."""
    for shop in shop_services.connected_shops(pulled.cooperative_id):
        push_shop_stock.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
