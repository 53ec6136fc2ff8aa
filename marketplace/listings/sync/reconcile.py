"""The nightly full reconcile: what each shop really shows, then a sync from there.

Incremental syncs trust what we last pushed. Once a night every shop is read back
instead: its listings (the import pass, which also binds listings made outside the
app and refreshes the ones waiting to be linked) and the price and stock of every
variant we have on it. A variant that shows other figures than we pushed opens a
drift (``drift.py``) and is taken at the platform's word, so the sync that follows
writes ours again. All of it under the shop's sync lease, as one job.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace import jobs
from marketplace.common.lease import Lease
from marketplace.connectors.types import PriceStock
from marketplace.extensions import db
from marketplace.listings.imports import tasks as import_tasks
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import drift
from marketplace.listings.sync import tasks
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

log = logging.getLogger(__name__)
READ_BATCH = 500  # variants per read-back round; the connector splits them further


def enqueue_reconcile(shop: Shop) -> jobs.JobRecord:
    return jobs.enqueue(
        reconcile_shop,
        shop.id,
        kind="shop_reconcile",
        queue=jobs.SYNC,
        cooperative_id=shop.cooperative_id,
        job_id=f"reconcile-shop-{shop.id}",
    )


def reconcile_all_shops() -> int:
    """Cron (nightly): queue a reconcile of every connected shop."""
    shops = db.session.scalars(select(Shop).where(Shop.status == ShopStatus.CONNECTED)).all()
    for shop in shops:
        enqueue_reconcile(shop)
    db.session.commit()
    return len(shops)


def reconcile_shop(job_id: str, shop_id: int) -> str | None:
    """Import pass, full read-back, then the sync, under the shop's lease."""
    return tasks.under_shop_lease(
        job_id,
        shop_id,
        _reconcile,
        busy=jobs.N_("Another sync of this shop is running."),
        wait=1.5,  # as a sync does: a killed holder's lease lapses meanwhile
    )


def _reconcile(shop: Shop, lease: Lease, record: jobs.JobRecord) -> str:
    import_tasks.run(shop)
    drifted = read_everything_back(shop)
    db.session.commit()
    applied = tasks.run(shop, lease)
    record.message = jobs.N_("Reconcile finished.")
    return f"{drifted} drifted, {applied.done} writes, {applied.failed} failed"


def read_everything_back(shop: Shop) -> int:
    """Read back every variant of the shop's live listings; how many showed other figures."""
    rows = list(
        db.session.scalars(
            select(ListingVariant)
            .join(Listing)
            .where(Listing.shop_id == shop.id, Listing.status == ListingStatus.LIVE)
            .options(selectinload(ListingVariant.listing), selectinload(ListingVariant.variant))
            .order_by(ListingVariant.id)
        )
    )
    drifted = 0
    for start in range(0, len(rows), READ_BATCH):
        batch = [r for r in rows[start : start + READ_BATCH] if r.price is not None]
        pushed = [
            PriceStock(
                str(r.listing.platform_item_id),
                r.platform_variant_id,
                r.variant.sku,
                int(r.price or 0),
                int(r.stock or 0),
            )
            for r in batch
        ]
        seen = drift.read_back(shop, pushed)
        if seen is None:
            return drifted  # the platform cannot say (or did not answer): nothing to compare
        checks = [
            drift.Check(row, ps.price, ps.stock, True, remote)
            for row, ps, remote in zip(batch, pushed, seen, strict=True)
        ]
        drifted += sum(1 for received in drift.compare(shop, checks) if received.get("drift"))
        db.session.flush()
    log.info("shop %r: reconcile read back %d variants, %d drifted", shop.id, len(rows), drifted)
    return drifted
