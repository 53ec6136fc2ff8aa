"""The import job: page through a shop's listings, bind ours, keep the rest for the manager."""

from __future__ import annotations

import logging

from marketplace import jobs
from marketplace.common.lease import Lease
from marketplace.common.models import utcnow
from marketplace.connectors.types import Page
from marketplace.connectors.types import RemoteItem
from marketplace.extensions import db
from marketplace.listings.imports import services as importing
from marketplace.listings.lease import under_shop_lease
from marketplace.shops import services
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)
MAX_PAGES = 1_000  # a cursor that never ends must not keep a worker forever


@jobs.job(kind="shop_import", queue=jobs.SYNC, id="import-shop-{shop_id}", requeue=True)
def import_shop(job_id: str, shop_id: int) -> str | None:
    """Import under the shop's sync lease; while a sync runs, say so and stop."""
    return under_shop_lease(
        job_id,
        shop_id,
        _import,
        busy=jobs.N_("A sync of this shop is running. Read its listings again when it is done."),
    )


def _import(shop: Shop, lease: Lease, record: jobs.JobRecord) -> str:
    counts = run(shop)
    record.message = jobs.N_("The shop's listings have been read.")
    return f"{counts.bound} bound, {counts.unmatched} not matched, {counts.known} known"


def _page(shop: Shop, cursor: str | None) -> Page[RemoteItem]:
    return services.call(shop, lambda connector: connector.list_items(cursor))


def run(shop: Shop) -> importing.ImportCounts:
    """Every page of the shop's listings, committed page by page; then forget vanished ones."""
    started, counts = utcnow(), importing.ImportCounts()
    cursor: str | None = None
    for pages in range(1, MAX_PAGES + 1):
        page = _page(shop, cursor)
        importing.import_items(shop, page.items, started, counts)
        db.session.commit()
        # The number of pages is unknown until the last: creep towards 100 %.
        jobs.report_progress(pages, pages + 1, jobs.N_("Reading the shop's listings…"))
        if page.next_cursor is None:
            break
        if page.next_cursor == cursor:
            raise RuntimeError(f"shop {shop.id}: the platform repeats page {cursor!r}")
        cursor = page.next_cursor
    else:
        raise RuntimeError(f"shop {shop.id}: more than {MAX_PAGES} pages of listings")
    # Only after a complete pass: a listing not seen in it is gone from the shop.
    importing.drop_unseen(shop, started)
    db.session.commit()
    log.info("shop %r import: %r", shop.id, counts)
    return counts
