"""The sync log: one entry per write, with a short summary of what went and what came back.

Summaries are small JSON objects, not payloads: for a create the name, category,
photo count and each variant's price and stock; for an update the fields that
changed; for a price/stock write the SKU, price and stock sent and what the
read-back saw; for a failure the platform's own code and words.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import Rejected
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import RemoteItem
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.sync.models import SyncEvent
from marketplace.shops.models import Shop

Summary = dict[str, Any]


def record(
    shop: Shop,
    listing: Listing | None,
    action: str,
    error: Exception | None = None,
    *,
    sent: Summary | None = None,
    received: Summary | None = None,
) -> SyncEvent:
    """Add one log entry (flushed with the step that made it)."""
    event = SyncEvent(
        shop_id=shop.id,
        listing_id=listing.id if listing else None,
        action=action,
        outcome=outcome(error),
        field=getattr(error, "field", None) or None,
        message=_message(error),
        sent=_dump(sent),
        received=_dump(received),
    )
    if isinstance(error, ConnectorError):
        event.code = error.code[:60] or None
        event.detail = error.message
    elif error is not None:
        event.detail = str(error)
    db.session.add(event)
    return event


def outcome(error: Exception | None) -> str:
    if error is None:
        return "ok"
    return "rejected" if isinstance(error, Rejected) else "failed"


def _message(error: Exception | None) -> str:
    if error is None:
        return ""
    if isinstance(error, Rejected):
        return gettext("The marketplace refused it: %(reason)s", reason=str(error))
    return gettext("Could not reach the marketplace: %(reason)s", reason=str(error))


def _dump(summary: Summary | None) -> str | None:
    return None if summary is None else json.dumps(summary, ensure_ascii=False, sort_keys=True)


def load(text: str | None) -> Summary:
    """A stored summary back as a dict (empty when there is none)."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# -- what went ---------------------------------------------------------------------
def field_hashes(item: ItemPayload) -> dict[str, str]:
    """A short hash per content field, so the next update can say what it changes."""
    fields: dict[str, Any] = {
        "name": item.name,
        "description_html": item.description_html,
        "category_id": item.category_id,
        "attributes": item.attributes,
        "brand": item.brand,
        "images": [i.platform_id for i in item.images],
        "weight_g": item.weight_g,
        "variants": [
            [v.seller_sku, v.options, v.weight_g, v.length_cm, v.width_cm, v.height_cm, v.barcode]
            for v in item.variants
        ],
    }
    return {
        name: hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[
            :12
        ]
        for name, value in fields.items()
    }


def created(item: ItemPayload) -> Summary:
    """What a create (or a link) sent."""
    return {
        "name": item.name,
        "category_id": item.category_id,
        "images": len(item.images),
        "variants": [
            {"sku": v.seller_sku, "price": v.price, "stock": v.stock} for v in item.variants
        ],
    }


def updated(item: ItemPayload, before: str | None) -> Summary:
    """What an update sent: the fields that differ from the last pushed content."""
    now, old = field_hashes(item), load(before)
    changed = sorted(name for name, digest in now.items() if old.get(name) != digest)
    summary: Summary = {"changed": changed}
    if "name" in changed:
        summary["name"] = item.name
    return summary


def answered(remote: RemoteItem) -> Summary:
    """What the platform answered to a create or update."""
    return {
        "item_id": remote.platform_item_id,
        "status": remote.status,
        "variants": len(remote.variants),
    }


# -- reading it back ---------------------------------------------------------------
def timeline(listing: Listing, limit: int = 200) -> list[SyncEvent]:
    """The listing's log entries, newest first."""
    return list(
        db.session.scalars(
            select(SyncEvent)
            .where(SyncEvent.listing_id == listing.id)
            .order_by(SyncEvent.id.desc())
            .limit(limit)
        )
    )
