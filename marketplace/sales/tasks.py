"""Order and settlement pulls, on the ``sales`` queue; a pull that moved stock says so.

The ``sales`` queue is separate from ``sync`` so that a long catalogue sync never
delays the stock push after an order; a worker lists ``sales`` first.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select

from marketplace import jobs
from marketplace.common.models import utcnow
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.extensions import db
from marketplace.sales import services
from marketplace.sales import settlements
from marketplace.sales.models import PushEvent
from marketplace.sales.signals import stock_moved
from marketplace.shops import health
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

log = logging.getLogger(__name__)


@jobs.job(kind="order_pull", queue=jobs.SALES, id="pull-orders-{shop_id}", requeue=True)
def pull_shop_orders(job_id: str, shop_id: int) -> str | None:
    """Upsert the shop's new and changed orders; when stock moved, push it to every shop."""
    with jobs.tracked(job_id) as record:
        shop = db.session.get(Shop, shop_id)
        if shop is None or not health.takes_orders(shop):
            return None
        moved = services.pull_orders(shop)
        jobs.check_lease()  # a rerun may be under way: only one of them may commit
        # Orders that completed, were cancelled or returned get their money soon.
        if settlements.awaiting(shop.id):
            pull_shop_settlements.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
        db.session.commit()
        if moved:
            stock_moved.send(shop)
        record.message = jobs.N_("Orders pulled.")
        return "stock moved" if moved else "no stock change"


# Stock follows orders: a light pull of recently updated orders per shop, every minute
# (pushes, when a platform sends them, only make it sooner).
@jobs.periodic(60, queue=jobs.SALES)
def pull_all_orders() -> int:
    """Cron (every minute): queue a light pull of recent orders for every shop that has them."""
    shops = _shops_taking_orders()
    for shop in shops:
        pull_shop_orders.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
    db.session.commit()
    return len(shops)


def _shops_taking_orders() -> list[Shop]:
    """The connected shops whose orders (and their money) the crons pull."""
    connected = db.session.scalars(select(Shop).where(Shop.status == ShopStatus.CONNECTED))
    return [shop for shop in connected if health.takes_orders(shop)]


UNREACHABLE = jobs.N_(
    "The marketplace did not answer, so no settlement was updated. "
    "They are pulled again within 15 minutes."
)
REAUTHORIZE = jobs.N_("The shop must be authorized again before its settlements can be pulled.")


@jobs.job(kind="settlement_pull", queue=jobs.SALES, id="pull-settlements-{shop_id}", requeue=True)
def pull_shop_settlements(job_id: str, shop_id: int) -> str | None:
    """Fetch the money of the shop's orders that is not final yet and book it."""
    with jobs.tracked(job_id) as record:
        shop = db.session.get(Shop, shop_id)
        if shop is None or not health.takes_orders(shop):
            return None
        try:
            changed = settlements.pull_settlements(shop)
        except AuthError as exc:
            raise jobs.JobStopped(REAUTHORIZE) from exc
        except ConnectorError as exc:
            raise jobs.JobStopped(UNREACHABLE) from exc
        jobs.check_lease()
        db.session.commit()
        record.message = jobs.N_("Settlements pulled.")
        return f"{changed} changed"


@jobs.periodic(15 * 60, queue=jobs.SALES)
def pull_all_settlements() -> int:
    """Cron (every 15 minutes): queue a settlement pull for every shop that takes orders."""
    shops = _shops_taking_orders()
    for shop in shops:
        pull_shop_settlements.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
    db.session.commit()
    return len(shops)


# A push is only kept to recognise the platform's retries of it.
@jobs.periodic("41 3 * * *")
def purge_old_pushes(keep_days: int = 30) -> int:
    """Cron (daily): forget pushes older than any platform's retries; returns how many."""
    cutoff = utcnow() - timedelta(days=keep_days)
    gone = db.session.execute(delete(PushEvent).where(PushEvent.received_at < cutoff))
    db.session.commit()
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
