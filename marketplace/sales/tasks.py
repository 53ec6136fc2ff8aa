"""Order pulls and the stock pushes they trigger, on the ``sales`` queue.

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
from marketplace.connectors.types import Capability
from marketplace.extensions import db
from marketplace.listings.sync import stock
from marketplace.sales import services
from marketplace.sales.models import PushEvent
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

log = logging.getLogger(__name__)


def _takes_orders(shop: Shop) -> bool:
    connector = shop_services.registry.get_connector(shop.platform)
    return shop.status == ShopStatus.CONNECTED and Capability.ORDERS in connector.capabilities


def enqueue_pull(shop: Shop) -> jobs.JobRecord:
    """Pull the shop's recently updated orders (one queued pull per shop at most)."""
    return jobs.enqueue(
        pull_shop_orders,
        shop.id,
        kind="order_pull",
        queue=jobs.SALES,
        cooperative_id=shop.cooperative_id,
        job_id=f"pull-orders-{shop.id}",
    )


def enqueue_stock_push(shop: Shop) -> jobs.JobRecord:
    """Push the shop's price/stock as the database has it when the job runs."""
    return jobs.enqueue(
        push_shop_stock,
        shop.id,
        kind="stock_push",
        queue=jobs.SALES,
        cooperative_id=shop.cooperative_id,
        job_id=f"push-stock-{shop.id}",
    )


def pull_shop_orders(job_id: str, shop_id: int) -> str | None:
    """Upsert the shop's new and changed orders; when stock moved, push it to every shop."""
    with jobs.tracked(job_id) as record:
        shop = db.session.get(Shop, shop_id)
        if shop is None or not _takes_orders(shop):
            return None
        moved = services.pull_orders(shop)
        db.session.commit()
        if moved:
            for other in shop_services.connected_shops(shop.cooperative):
                enqueue_stock_push(other)
        record.message = jobs.N_("Orders pulled.")
        return "stock moved" if moved else "no stock change"


def push_shop_stock(job_id: str, shop_id: int) -> str | None:
    """The targeted push after an order: price/stock and the zero-stock rule, nothing else."""
    with jobs.tracked(job_id) as record:
        shop = db.session.get(Shop, shop_id)
        if shop is None or shop.status != ShopStatus.CONNECTED:
            return None
        writes = stock.push_stock_and_listing(shop)
        record.message = jobs.N_("Stock pushed.")
        return f"{writes} writes"


def pull_all_orders() -> int:
    """Cron (every minute): queue a light pull of recent orders for every shop that has them."""
    shops = [
        shop
        for shop in db.session.scalars(select(Shop).where(Shop.status == ShopStatus.CONNECTED))
        if _takes_orders(shop)
    ]
    for shop in shops:
        enqueue_pull(shop)
    db.session.commit()
    return len(shops)


def purge_old_pushes(keep_days: int = 30) -> int:
    """Cron (daily): forget pushes older than any platform's retries; returns how many."""
    cutoff = utcnow() - timedelta(days=keep_days)
    gone = db.session.execute(delete(PushEvent).where(PushEvent.received_at < cutoff))
    db.session.commit()
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
