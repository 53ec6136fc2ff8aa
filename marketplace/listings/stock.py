"""Push price and stock now, from what the database says now.

Both the full sync and the order-driven pushes write price/stock through here,
under one short per-shop lock, and compute the values inside it: whichever runs
second writes the newer truth, so a long sync can never put back a stock figure
an order has already lowered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from marketplace.common.lease import Lease
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings import plan as planning
from marketplace.listings import sync
from marketplace.listings.models import Shop
from marketplace.listings.sync_models import Listing


@contextmanager
def stock_lock(shop: Shop) -> Iterator[None]:
    """Serialise price/stock writes of one shop across workers.

    A lease like the sync's (renewed while held), so a worker killed mid-write frees
    the shop within ``SYNC_LOCK_SECONDS`` instead of blocking its next push.
    """
    seconds = float(current_app.config["SYNC_LOCK_SECONDS"])
    lease = Lease(rq.get_queue().connection, f"lock:shop-stock:{shop.id}", seconds)
    if not lease.acquire(wait=10 * seconds):
        raise TimeoutError(f"shop {shop.id}: price/stock lease still held")
    try:
        yield
    finally:
        lease.release()


def push_price_stock(shop: Shop) -> int:
    """Write the price/stock changes the shop needs now; the number of changed variants."""
    with stock_lock(shop):
        changes = planning.make_plan(shop).price_stock
        if changes:
            sync.push_price_stock(shop, changes)
            db.session.flush()
    return len(changes)


def push_stock_and_listing(shop: Shop) -> int:
    """After an order: fresh price/stock, then delist at zero or relist as the rules say."""
    writes = push_price_stock(shop)
    current = planning.make_plan(shop)
    for listing_id, listed in [(i, False) for i in current.delists] + [
        (i, True) for i in current.relists
    ]:
        sync.push_listed(shop, db.session.get_one(Listing, listing_id), listed)
        writes += 1
    return writes
