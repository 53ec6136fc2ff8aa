"""Push price and stock now, from what the database says now.

Both the full sync and the order-driven pushes write price/stock through here,
under one short per-shop lock, and compute the values inside it: whichever runs
second writes the newer truth, so a long sync can never put back a stock figure
an order has already lowered. ``write_price_stock`` sends a batch (the connector
splits it to the platform's limit), records each variant's outcome and reads the
batch back for drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import select

from marketplace.common.lease import Lease
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import WriteResult
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import apply as sync
from marketplace.listings.sync import backoff
from marketplace.listings.sync import drift
from marketplace.listings.sync import log as synclog
from marketplace.listings.sync import plan as planning
from marketplace.shops import services
from marketplace.shops.models import Shop


@contextmanager
def stock_lock(shop: Shop) -> Iterator[None]:
    """Serialise price/stock writes of one shop across workers.

    A lease like the sync's (renewed while held), so a worker killed mid-write frees
    the shop within ``SYNC_LOCK_SECONDS`` instead of blocking its next push.
    """
    seconds = float(current_app.config["SYNC_LOCK_SECONDS"])
    lease = Lease(rq.get_queue().connection, f"lock:shop-stock:{shop.id}", seconds)
    # Never wait for the lease inside a transaction: on SQLite a held write lock would
    # stop every other writer for as long as the other push runs.
    db.session.commit()
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
            write_price_stock(shop, changes)
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


def write_price_stock(shop: Shop, changes: list[planning.PriceStockChange]) -> None:
    """All price/stock changes in as few calls as the platform allows (the connector batches),
    then read back and compared with what was sent (``drift.py``)."""
    rows = _listing_variants(changes)
    updates = [
        PriceStock(
            str(row.listing.platform_item_id),
            row.platform_variant_id,
            c.seller_sku,
            c.price,
            c.stock,
        )
        for c, row in zip(changes, rows, strict=True)
    ]
    results = _write_price_stock(shop, updates)
    retried: set[int] = set()
    for change, row, result in zip(changes, rows, results, strict=True):
        _price_stock_result(row, change, result.error, retried)
    received = _read_back(shop, changes, rows, updates, results)
    for change, row, result, back in zip(changes, rows, results, received, strict=True):
        sent = {"sku": change.seller_sku, "price": change.price, "stock": change.stock}
        synclog.record(shop, row.listing, "price_stock", result.error, sent=sent, received=back)


def _listing_variants(changes: list[planning.PriceStockChange]) -> list[ListingVariant]:
    """The ListingVariant of each change, in one query."""
    found = {
        (lv.listing_id, lv.variant_id): lv
        for lv in db.session.scalars(
            select(ListingVariant).where(
                ListingVariant.listing_id.in_({c.listing_id for c in changes})
            )
        )
    }
    return [found[(c.listing_id, c.variant_id)] for c in changes]


def _read_back(
    shop: Shop,
    changes: list[planning.PriceStockChange],
    rows: list[ListingVariant],
    updates: list[PriceStock],
    results: list[WriteResult],
) -> list[dict[str, int] | None]:
    """What came back for each change; no read when every write failed in transit."""
    nothing: list[dict[str, int] | None] = [None] * len(changes)
    if all(
        r.error is not None and backoff.classify(r.error) is backoff.Kind.RETRY for r in results
    ):
        return nothing
    seen = drift.read_back(shop, updates)
    if seen is None:
        return nothing
    checks = [
        drift.Check(row, c.price, c.stock, r.ok, s)
        for c, row, r, s in zip(changes, rows, results, seen, strict=True)
    ]
    return list(drift.compare(shop, checks))


def _write_price_stock(shop: Shop, updates: list[PriceStock]) -> list[WriteResult]:
    """The connector's results; a whole batch lost in transit fails each of its variants."""
    try:
        return services.call(shop, lambda c: c.update_price_stock(updates))
    except ConnectorError as exc:
        if backoff.classify(exc) is backoff.Kind.FATAL:
            raise
        return [WriteResult(u.seller_sku, exc) for u in updates]


def _price_stock_result(
    row: ListingVariant,
    change: planning.PriceStockChange,
    error: Exception | None,
    retried: set[int],
) -> None:
    """Record one variant's outcome: pushed, refused (held until we want other values),
    or failed in transit (the listing waits, once per batch however many variants failed)."""
    listing = row.listing
    if error is None:
        row.price, row.stock = change.price, change.stock
        row.refused_price = row.refused_stock = None
        if listing.id not in retried:
            backoff.succeeded(listing, content=False)
    elif backoff.classify(error) is backoff.Kind.REJECTED:
        row.refused_price, row.refused_stock = change.price, change.stock
    elif listing.id not in retried:
        retried.add(listing.id)
        backoff.failed(listing, error)
