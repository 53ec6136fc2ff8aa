"""Which failures are worth another try, and when: the listing's backoff state.

A refusal (``Rejected``) is about our data: sending the same payload again gets the
same answer, so the listing waits until the payload changes (its hash differs from
``refused_hash``) or the manager retries it. A transient failure (network, 5xx, a
rate limit that outlasted the HTTP layer's own retries, an item the platform cannot
find for now) is retried by later syncs, each wait twice the last. Anything else
(an expired authorization, our keys or clock wrong) stops the whole sync: every
other call would fail the same way.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select

from marketplace.common.models import utcnow
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync.errors import SyncInputError
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)

# The first retry waits one cron period (workers/schedule.py syncs every shop every
# 10 minutes); each further failure doubles the wait, up to half a day.
BASE_DELAY = timedelta(minutes=10)
MAX_DELAY = timedelta(hours=12)


class Kind(enum.StrEnum):
    REJECTED = "rejected"
    RETRY = "retry"
    FATAL = "fatal"


class Reason(enum.StrEnum):
    """Why the plan leaves a listing out for now."""

    REFUSED = "refused"  # its content (or new listing) was refused: waits for a change
    PRICE_STOCK_REFUSED = "price_stock_refused"  # a variant's price or stock was refused
    RETRY_LATER = "retry_later"  # a transient failure: waits until ``until``


@dataclass(frozen=True)
class Waiting:
    reason: Reason
    until: datetime | None = None


def classify(error: BaseException) -> Kind:
    """Rejected, worth retrying later, or fatal to the whole sync."""
    if isinstance(error, Rejected):
        return Kind.REJECTED
    if isinstance(error, Retryable | RateLimited | NotFound):
        return Kind.RETRY
    return Kind.FATAL


def delay(attempts: int) -> timedelta:
    """The wait after ``attempts`` failures in a row: none after the first (a blip, or a
    worker killed mid-call: the next run simply goes on), then 10 min, 20, 40… at most 12 h."""
    if attempts <= 1:
        return timedelta(0)
    return min(MAX_DELAY, BASE_DELAY * 2 ** (attempts - 2))


def failed(listing: Listing, error: Exception | None = None, now: datetime | None = None) -> None:
    """A transient failure: one more attempt counted, the next one later (no sooner than a
    rate limit's ``retry_after``: a platform that banned us for an hour means an hour)."""
    listing.attempts = (listing.attempts or 0) + 1
    wait = delay(listing.attempts)
    if isinstance(error, RateLimited):
        wait = max(wait, timedelta(seconds=error.retry_after))
    listing.retry_at = (now or utcnow()) + wait
    log.info(
        "listing %r retries at %s (attempt %d)", listing.id, listing.retry_at, listing.attempts
    )


def refused(listing: Listing, payload_hash: str) -> None:
    """The platform refused this payload: hold it until it changes."""
    listing.refused_hash = payload_hash
    log.info("listing %r refused; held until its payload changes", listing.id)


def succeeded(listing: Listing, *, content: bool) -> None:
    """A write went through: no more waiting (for content too, when ``content``)."""
    listing.attempts, listing.retry_at = 0, None
    if content:
        listing.refused_hash = None


def held(listing: Listing, now: datetime, payload_hash: str | None) -> Waiting | None:
    """Why the listing's create or content update waits now, if it does."""
    if listing.retry_at is not None and listing.retry_at > now:
        return Waiting(Reason.RETRY_LATER, listing.retry_at)
    if payload_hash is not None and listing.refused_hash == payload_hash:
        return Waiting(Reason.REFUSED)
    return None


def variant_held(row: ListingVariant, price: int, stock: int) -> bool:
    """True while we still want exactly the price and stock the platform refused."""
    return (row.refused_price, row.refused_stock) == (price, stock)


def waiting(listing: Listing, now: datetime | None = None) -> Waiting | None:
    """The listing's waiting state as stored, for pages (the plan knows more)."""
    now = now or utcnow()
    if listing.retry_at is not None and listing.retry_at > now:
        return Waiting(Reason.RETRY_LATER, listing.retry_at)
    if listing.refused_hash is not None:
        return Waiting(Reason.REFUSED)
    if any(v.refused_price is not None for v in listing.variants):
        return Waiting(Reason.PRICE_STOCK_REFUSED)
    return None


def retry(shop: Shop, listing_ids: Iterable[str]) -> list[Listing]:
    """The manager's "retry selected": forget the listings' backoff so the next sync sends them.

    Raises SyncInputError (with a message for people) when nothing is chosen or any id
    is not one of the shop's listings; then nothing is changed.
    """
    raw = list(listing_ids)
    if not raw:
        raise SyncInputError(gettext("Choose at least one listing to send again."))
    bad = gettext("Some of the chosen listings are not on this shop. Nothing was changed.")
    if not all(value.isascii() and value.isdigit() and len(value) < 12 for value in raw):
        raise SyncInputError(bad)
    ids = {int(value) for value in raw}
    found = db.session.scalars(
        select(Listing).where(Listing.shop_id == shop.id, Listing.id.in_(ids))
    ).all()
    if len(found) != len(ids):
        raise SyncInputError(bad)
    for listing in found:
        listing.attempts, listing.retry_at, listing.refused_hash = 0, None, None
        for row in listing.variants:
            row.refused_price = row.refused_stock = None
    db.session.flush()
    log.info("shop %r: %d listings to retry", shop.id, len(found))
    return list(found)
