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

from marketplace.common.lease import Lease
from marketplace.connectors.types import PriceStock
from marketplace.extensions import db
from marketplace.listings.imports import tasks as import_tasks
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import drift
from marketplace.listings.sync import runner
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)
READ_BATCH = 500  # variants per read-back round; the connector splits them further


def reconcile(shop: Shop, lease: Lease) -> tuple[int, runner.Applied]:
    """The import pass, every live variant read back, then the sync; the caller holds the lease."""
    import_tasks.run(shop)
    drifted = read_everything_back(shop)
    db.session.commit()
    return drifted, runner.run(shop, lease)


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
