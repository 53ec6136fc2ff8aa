"""Push price and stock now, from what the database says now.

Both the full sync and the order-driven pushes write price/stock through here,
under one short per-shop lock, and compute the values inside it: whichever runs
second writes the newer truth, so a long sync can never put back a stock figure
an order has already lowered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings import plan as planning
from marketplace.listings import sync
from marketplace.listings.models import Shop
from marketplace.listings.sync_models import Listing

LOCK_SECONDS = 120


@contextmanager
def stock_lock(shop: Shop) -> Iterator[None]:
    """Serialise price/stock writes of one shop across workers."""
    lock = rq.get_queue().connection.lock(
        f"lock:shop-stock:{shop.id}", timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS
    )
    if not lock.acquire():
        raise TimeoutError(f"shop {shop.id}: price/stock lock still held")
    try:
        yield
    finally:
        lock.release()


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
