"""The history job: a slice of the walk per run, on the ``default`` queue.

Why ``default`` and slices: the minute's order pulls are on ``sales``, and the worker
that runs them lists ``sales`` before ``default`` (``workers/run.py``), so a queued
history run never goes ahead of a queued pull; and one run works at most
``ORDER_HISTORY_SLICE_SECONDS`` (one window more at worst), then ends, so it never holds
that worker long. ``continue_order_histories`` queues the next slice every minute until
the walk is done; a run that failed or died is picked up the same way and continues
from the last window it committed.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs import JobRecord
from marketplace.sales.history import services
from marketplace.sales.models import OrderHistory
from marketplace.sales.signals import stock_moved
from marketplace.shops import health
from marketplace.shops.models import Shop
from marketplace.shops.signals import shop_connected

log = logging.getLogger(__name__)


@jobs.job(kind="order_history", queue=jobs.DEFAULT, id="pull-history-{shop_id}", requeue=True)
def pull_order_history(job_id: str, shop_id: int) -> str | None:
    """Pull the next windows of the shop's past orders, committing after each one."""
    with jobs.tracked(job_id) as record:
        shop = db.session.get(Shop, shop_id)
        state = db.session.get(OrderHistory, shop_id)
        if shop is None or state is None or not health.takes_orders(shop):
            return None
        deadline = time.monotonic() + float(current_app.config["ORDER_HISTORY_SLICE_SECONDS"])
        moved = False
        while (window := services.next_window(shop, state)) is not None:
            moved = services.pull_window(shop, state, *window) or moved
            record.progress = services.percent(state)
            jobs.check_lease()  # a rerun may be under way: only one of them may commit
            db.session.commit()
            jobs.report_progress(
                state.windows_done, state.windows_total, jobs.N_("Pulling past orders…")
            )
            if time.monotonic() > deadline:
                break
        if moved:
            stock_moved.send(shop)
        done = state.finished_at is not None
        record.message = (
            jobs.N_("Past orders pulled.")
            if done
            else jobs.N_("Part of the past orders are pulled; the rest follows within a minute.")
        )
        return f"{state.windows_done}/{state.windows_total} windows"


def request_history(shop: Shop, by_user: int | None = None) -> JobRecord:
    """Start (or continue) the shop's history walk and queue its job after the commit."""
    services.start(shop)
    return pull_order_history.enqueue(
        shop_id=shop.id, for_cooperative=shop.cooperative_id, by_user=by_user
    )


@jobs.periodic(60)
def continue_order_histories() -> int:
    """Cron (every minute): queue the next slice of every walk not done yet."""
    count = 0
    for state in services.unfinished():
        shop = db.session.get(Shop, state.shop_id)
        if shop is not None and health.takes_orders(shop):
            pull_order_history.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
            count += 1
    db.session.commit()
    return count


@shop_connected.connect
def _pull_history_of_new_shop(shop: Shop, first: bool = False, **_: Any) -> None:
    if first and current_app.config["ORDER_HISTORY_ON_CONNECT"] and health.takes_orders(shop):
        request_history(shop)
        log.info("shop %r: past orders queued", shop.id)
