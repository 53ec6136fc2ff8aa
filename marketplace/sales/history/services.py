"""Walk a shop's orders back 12 months, one order-search window at a time, newest first.

None of the three platforms documents how far back its order search reaches (see the
team's platform notes); each caps one search at ``order_window_days`` (15 days), so a
year is 25 windows. Orders are found by update time: an order's last change falls in
exactly one window, and changes after the walk began are the minute's pull's. The
state row says how far the walk got, so a rerun after a failure continues there.
"""

from __future__ import annotations

import math
from datetime import datetime
from datetime import timedelta

from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.sales import services as sales_services
from marketplace.sales.models import OrderHistory
from marketplace.sales.models import OrderSource
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop

HISTORY = timedelta(days=365)  # "at least 12 months where the platform allows"


def window_days(shop: Shop) -> int:
    return shop_services.registry.get_connector(shop.platform).order_window_days


def start(shop: Shop, now: datetime | None = None) -> OrderHistory:
    """The shop's walk: a fresh one back from now, unless one is under way (it continues)."""
    state = db.session.get(OrderHistory, shop.id)
    if state is not None and state.finished_at is None:
        return state
    if state is None:
        state = OrderHistory(shop_id=shop.id)
        db.session.add(state)
    now = now or utcnow()
    state.anchor = state.reached = state.requested_at = now
    state.oldest = now - HISTORY
    state.windows_total = math.ceil(HISTORY / timedelta(days=window_days(shop)))
    state.windows_done = state.orders_seen = 0
    state.finished_at = None
    db.session.flush()
    return state


def next_window(shop: Shop, state: OrderHistory) -> tuple[datetime, datetime] | None:
    """The next window back, [low, high); None when the walk is done."""
    if state.finished_at is not None or state.reached <= state.oldest:
        return None
    high = state.reached
    return max(state.oldest, high - timedelta(days=window_days(shop))), high


def pull_window(shop: Shop, state: OrderHistory, low: datetime, high: datetime) -> bool:
    """Upsert every order updated in [low, high) and move the state past the window;
    True when stock is affected (open orders reserve). Flushes; the job commits."""
    days = window_days(shop)
    ids = sales_services.updated_order_ids(shop, low, high, days)
    orders = shop_services.call(shop, lambda c: c.order_details(ids)) if ids else []
    moved = False
    for order in orders:
        moved = sales_services.upsert_order(shop, order, OrderSource.PULL) or moved
    state.reached = low
    state.windows_done = min(state.windows_total, state.windows_done + 1)
    state.orders_seen += len(orders)
    if low <= state.oldest:
        state.windows_done, state.finished_at = state.windows_total, utcnow()
    db.session.flush()
    return moved


def percent(state: OrderHistory) -> int:
    if state.finished_at is not None or state.windows_total <= 0:
        return 100
    return min(99, state.windows_done * 100 // state.windows_total)


def states_of(cooperative_id: int) -> dict[int, OrderHistory]:
    """Shop id → its history walk, for every shop of the cooperative (one query)."""
    rows = db.session.scalars(
        db.select(OrderHistory)
        .join(Shop, Shop.id == OrderHistory.shop_id)
        .where(Shop.cooperative_id == cooperative_id)
    )
    return {row.shop_id: row for row in rows}


def unfinished() -> list[OrderHistory]:
    return list(
        db.session.scalars(db.select(OrderHistory).where(OrderHistory.finished_at.is_(None)))
    )
