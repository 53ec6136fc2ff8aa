"""The shop's lease: one job at a time (sync, import, reconcile) works on a shop.

A short Redis lock renewed by the running job (``common/lease.py``), so a worker killed
with SIGKILL frees its shop within ``SYNC_LOCK_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from marketplace import jobs
from marketplace.common.lease import Lease
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus


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
