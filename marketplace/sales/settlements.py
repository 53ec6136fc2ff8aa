"""The money of each order as the platform settles it: gross, fees by kind, tax, net.

Settlements change until an order is done (Shopee's escrow is an estimate until the
order completes, Lazada's rows until they are paid out, TikTok's statement until it is
paid), so orders are pulled again until their figures are final, then never again.

When a settlement is final, per platform (the connector sets ``Settlement.final``):

* Shopee: ``escrow_amount_after_adjustment`` is present (shopee.md §6.5; the order completed
  and its adjustments are in);
* Lazada: the order has finance rows and every one is ``Paid`` (lazada.md §4.6);
* TikTok: every statement transaction is ``PAID`` (UNVERIFIED, tiktok.md §5);

and only while our order is completed, cancelled or returned. A final figure is read again
only if the order moves after it (``platform_updated_at`` later than
``settlement_fetched_at``): a completed order that is then returned. A cancelled order
the platform has no figures for (Lazada, TikTok: cancelled orders never reach finance)
settles at 0.

Ours and theirs: ``fees`` holds every kind but tax, ``tax_withheld`` the tax, so that
net = gross − sum(fees) − tax_withheld; ``platform_settlement`` keeps what the platform sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from marketplace.common.models import utcnow
from marketplace.connectors.base import Connector
from marketplace.connectors.types import FeeKind
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import Settlement
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.models import Order
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)

DONE = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.RETURNED})
NOTHING = Settlement("", 0, {}, 0, {}, final=True)  # a cancelled order no platform settled


def pull_settlements(shop: Shop, limit: int = 200, now: datetime | None = None) -> int:
    """Fetch and apply the settlements of up to ``limit`` paid orders of the shop whose money
    is not final, oldest first, in the platform's batch size; how many orders changed.

    Commits before each platform call (the gateway does); a failing call raises the
    connector's error with the batches before it applied and this one untouched."""
    now = now or utcnow()
    waiting = db.session.execute(
        select(Order.id, Order.platform_order_id)
        .where(
            Order.shop_id == shop.id,
            Order.status != OrderStatus.UNPAID,
            # Not final, or final before the order moved again (a completed order returned).
            Order.settlement_final.is_(False)
            | (Order.settlement_fetched_at < Order.platform_updated_at),
        )
        .order_by(Order.placed_at, Order.id)
        .limit(limit)
    ).all()
    batch = shop_services.registry.get_connector(shop.platform).settlement_batch
    changed = 0
    for start in range(0, len(waiting), batch):
        chunk = waiting[start : start + batch]
        found = shop_services.call(shop, _settlements_of([sn for _, sn in chunk]))
        by_id = {s.platform_order_id: s for s in found}
        for order_id, platform_order_id in chunk:
            changed += apply(order_id, by_id.get(platform_order_id), now)
        db.session.flush()
    log.info("shop %r: %d settlements read, %d changed", shop.id, len(waiting), changed)
    return changed


def _settlements_of(ids: Sequence[str]) -> Callable[[Connector], list[Settlement]]:
    wanted = list(ids)
    return lambda connector: connector.settlements(wanted)


def apply(order_id: int, seen: Settlement | None, now: datetime) -> bool:
    """Store one order's settlement and book what changed; True when its figures moved.

    The order row is read afresh and locked (a concurrent order pull may have moved it)."""
    order = db.session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        return False
    if order.status == OrderStatus.CANCELLED and not (seen and (seen.gross or seen.fees)):
        seen = NOTHING  # cancelled before any money moved: settled at 0
    if seen is None:
        return False  # not settled yet: asked again next time
    fees = dict(seen.fees)
    tax = fees.pop(FeeKind.TAX.value, 0)
    figures = (seen.gross, fees, tax, seen.net, seen.raw)
    moved = figures != (
        order.gross,
        order.fees,
        order.tax_withheld,
        order.net,
        order.platform_settlement,
    )
    if moved:
        order.gross, order.fees, order.tax_withheld, order.net = seen.gross, fees, tax, seen.net
        order.platform_settlement = seen.raw
    # Never earlier than the order's update it reflects (the platform's clock may be
    # ahead of ours), so a later move of the order is always seen as later.
    order.settlement_fetched_at = max(now, order.platform_updated_at)
    order.settlement_final = seen.final and order.status in DONE
    ledger.book(order)
    return moved


def awaiting(shop_id: int) -> bool:
    """Whether an order of the shop moved since its settlement was last read and may now
    be settled (completed, cancelled or returned): worth a settlement pull soon."""
    found = db.session.scalar(
        select(Order.id)
        .where(
            Order.shop_id == shop_id,
            Order.status.in_(DONE),
            (Order.settlement_fetched_at.is_(None))
            | (Order.settlement_fetched_at < Order.platform_updated_at),
        )
        .limit(1)
    )
    return found is not None
