"""Read-back after a price/stock batch, and the drift it finds.

After ``stock.write_price_stock`` writes a batch, the same variants are read back in
as few calls as the platform allows (``Connector.read_price_stock``). Where the
platform shows something else than we wrote, a ``PriceStockDrift`` row records
wanted and seen values; a later read-back that agrees resolves it.

A variant the platform accepted but shows differently is taken at its word: its
``ListingVariant`` gets the seen values, so the next sync sends ours once more.
If that read-back disagrees too, the drift stays open for people to look at and
nothing is re-sent automatically: a platform that keeps changing a value (a
promotion, a rounding rule) must not be written to every ten minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from marketplace.common.models import utcnow
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import VariantRef
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import log as synclog
from marketplace.listings.sync.models import PriceStockDrift
from marketplace.shops import services
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)
RECENT_RESOLVED = 50  # resolved drifts shown under the open ones


@dataclass
class Check:
    """One written (or refused) variant, and what the read-back saw."""

    row: ListingVariant
    price: int
    stock: int
    written: bool
    seen: RemoteVariant | None


def read_back(shop: Shop, updates: Sequence[PriceStock]) -> list[RemoteVariant | None] | None:
    """What the platform shows now for the updates' variants; None when it cannot say."""
    refs = [VariantRef(u.platform_item_id, u.platform_variant_id, u.seller_sku) for u in updates]
    try:
        return services.call(shop, lambda c: c.read_price_stock(refs))
    except NotImplementedError:
        return None  # a connector without read-back: nothing to compare
    except ConnectorError as exc:
        # The writes are done and logged; a failed read only means no comparison this time.
        log.warning("shop %r: read-back failed: %s", shop.id, exc)
        synclog.record(shop, None, "read_back", exc, sent={"variants": len(refs)})
        return None


def compare(
    shop: Shop, checks: Sequence[Check], now: datetime | None = None
) -> list[dict[str, int]]:
    """Open, update or resolve each variant's drift; the "received" summary of each."""
    now = now or utcnow()
    open_rows = _open(shop, [c.row for c in checks])
    return [_compare(shop, check, open_rows.get(check.row.id), now) for check in checks]


def _open(shop: Shop, rows: Sequence[ListingVariant]) -> dict[int, PriceStockDrift]:
    """The open drift of each listing variant, by ListingVariant id."""
    keys = {(r.listing_id, r.variant_id): r.id for r in rows}
    found = db.session.scalars(
        select(PriceStockDrift).where(
            PriceStockDrift.shop_id == shop.id,
            PriceStockDrift.resolved_at.is_(None),
            PriceStockDrift.listing_id.in_({r.listing_id for r in rows}),
        )
    )
    return {
        keys[(d.listing_id, d.variant_id)]: d for d in found if (d.listing_id, d.variant_id) in keys
    }


def _compare(
    shop: Shop, check: Check, drift: PriceStockDrift | None, now: datetime
) -> dict[str, int]:
    seen = check.seen
    received = {"price": seen.price, "stock": seen.stock} if seen else {"missing": 1}
    if seen is not None and (seen.price, seen.stock) == (check.price, check.stock):
        if drift is not None:
            drift.resolved_at = now
            log.info("drift %r resolved", drift.id)
        return received
    received["drift"] = 1
    if drift is None:
        _open_drift(shop, check, now)
    else:
        drift.wanted_price, drift.wanted_stock = check.price, check.stock
        drift.seen_price = seen.price if seen else None
        drift.seen_stock = seen.stock if seen else None
        drift.checked_at, drift.checks = now, drift.checks + 1
    return received


def _open_drift(shop: Shop, check: Check, now: datetime) -> None:
    seen = check.seen
    db.session.add(
        PriceStockDrift(
            shop_id=shop.id,
            listing_id=check.row.listing_id,
            variant_id=check.row.variant_id,
            seller_sku=check.row.variant.sku,
            wanted_price=check.price,
            wanted_stock=check.stock,
            seen_price=seen.price if seen else None,
            seen_stock=seen.stock if seen else None,
            found_at=now,
            checked_at=now,
        )
    )
    log.info("listing %r: %s drifted", check.row.listing_id, check.row.variant.sku)
    if check.written and seen is not None:
        # Accepted but shown otherwise: record what the platform has, so the next plan
        # sends ours again (once: a second disagreement finds this drift open).
        check.row.price, check.row.stock = seen.price, seen.stock


def report(shop: Shop) -> tuple[list[PriceStockDrift], list[PriceStockDrift]]:
    """The shop's open drifts (oldest first) and the most recently resolved ones."""
    base = select(PriceStockDrift).where(PriceStockDrift.shop_id == shop.id)
    still = db.session.scalars(
        base.where(PriceStockDrift.resolved_at.is_(None)).order_by(PriceStockDrift.found_at)
    ).all()
    resolved = db.session.scalars(
        base.where(PriceStockDrift.resolved_at.is_not(None))
        .order_by(PriceStockDrift.resolved_at.desc())
        .limit(RECENT_RESOLVED)
    ).all()
    return list(still), list(resolved)


def of_listing(listing: Listing) -> list[PriceStockDrift]:
    """A listing's drifts, newest first."""
    return list(
        db.session.scalars(
            select(PriceStockDrift)
            .where(PriceStockDrift.listing_id == listing.id)
            .order_by(PriceStockDrift.id.desc())
        )
    )
