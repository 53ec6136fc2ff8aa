"""The periodic jobs that ``flask rq cron`` enqueues.

Declarative: add a line to ``SCHEDULE``; ``register`` hands every entry to the
Flask-RQ extension when the app is created, and ``flask rq cron`` (started once
per deployment) submits them to their queues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marketplace import jobs
from marketplace.catalog import tasks as catalog_tasks
from marketplace.listings.sync import reconcile
from marketplace.listings.sync import tasks as listing_tasks
from marketplace.sales import tasks as sales_tasks


@dataclass(frozen=True)
class Periodic:
    func: Callable[..., Any]
    every: int | str  # seconds, or a cron expression
    queue: str = jobs.DEFAULT


SCHEDULE: tuple[Periodic, ...] = (
    # Exports hold a cooperative's whole catalogue: do not keep them longer than needed.
    Periodic(catalog_tasks.purge_old_exports, "17 * * * *"),
    # Jobs committed while Redis was unreachable are pushed again.
    Periodic(jobs.requeue_stalled, 300),
    # Incremental sync: only what changed is written, so this is cheap when nothing did.
    Periodic(listing_tasks.sync_all_shops, 600, queue=jobs.SYNC),
    # Nightly (02:30 in Vietnam), every shop is read back in full and corrected.
    Periodic(reconcile.reconcile_all_shops, "30 19 * * *", queue=jobs.SYNC),
    # Stock follows orders: a light pull of recently updated orders per shop, every minute
    # (pushes, when a platform sends them, only make it sooner).
    Periodic(sales_tasks.pull_all_orders, 60, queue=jobs.SALES),
    # Tokens are refreshed ahead of expiry, so no sync starts with a dead one.
    Periodic(listing_tasks.refresh_expiring_tokens, 900),
    # A push is only kept to recognise the platform's retries of it.
    Periodic(sales_tasks.purge_old_pushes, "41 3 * * *"),
)


def register(rq_ext: Any) -> None:
    """Register every scheduled job on the extension, once."""
    known = {entry.get("func") for entry in rq_ext._cron_job_data}
    for item in SCHEDULE:
        if item.func not in known:
            rq_ext.cron_register(item.func, item.every, queue=item.queue)
