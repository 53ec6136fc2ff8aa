"""Apply the current plan to a shop step by step, committing after each, so a killed run resumes.

A write that fails after the HTTP client's retries is logged and left for the next run;
three unanswered in a row, or a shop needing authorization again, stop the run cleanly
(``jobs.JobStopped``) with a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from marketplace import jobs
from marketplace.catalog.models import Product
from marketplace.common.lease import Lease
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Retryable
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.sync import apply as sync
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import stock
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)
# Steps failing one after another for want of an answer mean the platform is down:
# stop instead of spending the rest of the plan (and the rate limit) on it.
STOP_AFTER_FAILURES = 3
LEASE_LOST = jobs.N_("The sync lost its hold on the shop and stopped; the next sync continues.")
UNREACHABLE = jobs.N_(
    "The marketplace is not answering, so the sync stopped. The next sync continues from here."
)
REAUTHORIZE = jobs.N_("The shop must be authorized again before it can be synced.")


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
        _step(
            applied,
            shop,
            listing,
            "create",
            partial(sync.push_create, shop, listing, resumed, current.reserved),
        )
    for listing_id in current.updates:
        _check(lease)
        listing = db.session.get_one(Listing, listing_id)
        _step(
            applied,
            shop,
            listing,
            "update",
            partial(sync.push_update, shop, listing, current.reserved),
        )
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
        # Queued again, not failed: requeue_stalled reruns it within a minute (Redis restart).
        raise jobs.LeaseLost(LEASE_LOST)


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
