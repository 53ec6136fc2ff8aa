"""A shop's past orders, pulled back 12 months window by window from each sandbox over HTTP.

Orders are backdated by moving the sandbox's own clock back while a buyer orders
(``/_sandbox/clock``), then forward again: the sandbox knows nothing of the connector.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select

from marketplace import jobs
from marketplace.common.models import utcnow
from marketplace.connectors.errors import ConnectorError
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales import services as sales_services
from marketplace.sales.history import tasks
from marketplace.sales.models import Order
from marketplace.sales.models import OrderHistory
from marketplace.sales.models import OrderSource
from marketplace.sales.models import SalesEntry
from marketplace.sales.models import reserved_by_variant
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop
from tests import factories
from tests.connected import connect_shop
from tests.sales.conftest import PLATFORMS
from tests.sales.conftest import STOCK
from tests.sales.conftest import Cooperative
from tests.sales.test_orders import SKU
from tests.sales.test_orders import on_hand
from tests.sales.test_orders import place
from tests.sales.test_orders import pull

pytestmark = pytest.mark.worker
AGES = (2, 20, 40, 100, 200, 300)  # days before now: in six different windows


def shift_clock(coop: Cooperative, platform: str, seconds: float) -> None:
    answer = requests.post(
        f"{coop.envs[platform].base_url}/_sandbox/clock", json={"advance": seconds}, timeout=10
    )
    answer.raise_for_status()


def place_days_ago(coop: Cooperative, platform: str, days: float, state: str = "shipped") -> str:
    """A buyer's order of one unit, placed (and last changed) ``days`` ago."""
    shift_clock(coop, platform, -days * 86_400)
    try:
        return place(coop, platform, state, 1)
    finally:
        shift_clock(coop, platform, days * 86_400)


def faults(coop: Cooperative, platform: str, **values: Any) -> None:
    answer = requests.post(
        f"{coop.envs[platform].base_url}/_sandbox/faults", json=values, timeout=10
    )
    answer.raise_for_status()


def run_history(coop: Cooperative, platform: str, *, request: bool = True) -> jobs.JobRecord:
    """Queue the history job as the connect flow does, then run it here; its record."""
    with coop.app.app_context():
        shop = db.session.get_one(Shop, coop.shops[platform])
        job_id = tasks.pull_order_history.job_id(shop_id=shop.id)
        if request or db.session.get(jobs.JobRecord, job_id) is None:
            job_id = tasks.request_history(shop).id
        db.session.commit()
        try:
            tasks.pull_order_history(job_id, shop_id=coop.shops[platform])
        finally:
            db.session.remove()
    with coop.app.app_context():
        record = db.session.get_one(jobs.JobRecord, job_id)
        db.session.expunge(record)
        db.session.remove()
    return record


def history_of(coop: Cooperative, platform: str) -> OrderHistory:
    with coop.app.app_context():
        state = db.session.get_one(OrderHistory, coop.shops[platform])
        db.session.expunge(state)
        db.session.remove()
    return state


def orders_of(coop: Cooperative, platform: str) -> dict[str, tuple[Any, ...]]:
    """Platform order id → (source, placed_at, fetched_at, first booking day, booked days)."""
    with coop.app.app_context():
        found = {}
        for order in db.session.scalars(select(Order).where(Order.shop_id == coop.shops[platform])):
            days = sorted(
                db.session.scalars(select(SalesEntry.day).where(SalesEntry.order_id == order.id))
            )
            found[order.platform_order_id] = (
                order.source,
                order.placed_at,
                order.fetched_at,
                days[0] if days else None,
                days,
            )
        db.session.remove()
    return found


@pytest.fixture
def slices(cooperative: Cooperative, monkeypatch: pytest.MonkeyPatch) -> None:
    """One run does the whole walk unless a test says otherwise."""
    monkeypatch.setitem(cooperative.app.config, "ORDER_HISTORY_SLICE_SECONDS", 600)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_history_lands_every_order_once_booked_on_its_day(
    cooperative: Cooperative, platform: str, slices: None
) -> None:
    placed = {place_days_ago(cooperative, platform, age): age for age in AGES}
    too_old = place_days_ago(cooperative, platform, 400)

    record = run_history(cooperative, platform)

    assert record.status == jobs.FINISHED
    assert record.progress == 100
    assert record.message == "Past orders pulled."
    state = history_of(cooperative, platform)
    assert state.finished_at is not None
    assert state.windows_total == 25  # 365 days in 15-day windows
    assert state.windows_done == 25
    assert state.orders_seen == len(placed)
    found = orders_of(cooperative, platform)
    assert set(found) == set(placed)  # each once (unique per shop), nothing older than a year
    assert too_old not in found
    now = utcnow()
    for order_id, age in placed.items():
        source, placed_at, fetched_at, first_day, _ = found[order_id]
        assert source == OrderSource.PULL
        assert abs((now - placed_at) - timedelta(days=age)) < timedelta(minutes=10)
        assert fetched_at is not None
        assert now - fetched_at < timedelta(minutes=10)
        assert first_day == ledger.vietnam_day(placed_at)  # booked on the day placed
    # Shipped before the shop was connected: sold from stock we did not keep yet.
    assert on_hand(cooperative) == STOCK


def test_the_walk_goes_over_several_pages_and_pulling_again_adds_nothing(
    cooperative: Cooperative, slices: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    paged = type("Paged", (cooperative.envs["shopee"].connector_cls,), {"order_page_size": 2})
    by_name = {name: env.connector_cls for name, env in cooperative.envs.items()}
    monkeypatch.setattr(
        shop_services.registry, "get_connector", lambda name: {**by_name, "shopee": paged}[name]
    )
    placed = {place_days_ago(cooperative, "shopee", 30 + n / 24) for n in range(5)}

    run_history(cooperative, "shopee")
    first = orders_of(cooperative, "shopee")
    record = run_history(cooperative, "shopee")  # "pull again": a fresh walk from now

    assert record.status == jobs.FINISHED
    assert set(first) == placed  # five orders in one window, two a page
    again = orders_of(cooperative, "shopee")
    assert set(again) == placed
    assert {k: v[4] for k, v in again.items()} == {k: v[4] for k, v in first.items()}
    assert history_of(cooperative, "shopee").orders_seen == 5


def test_a_run_stops_after_its_slice_and_resumes_after_a_failure(
    cooperative: Cooperative, monkeypatch: pytest.MonkeyPatch
) -> None:
    placed = {place_days_ago(cooperative, "shopee", age): age for age in AGES}
    monkeypatch.setitem(cooperative.app.config, "ORDER_HISTORY_SLICE_SECONDS", 0)

    record = run_history(cooperative, "shopee")  # one window, then it leaves the rest

    assert record.status == jobs.FINISHED
    assert "the rest follows within a minute" in record.message
    state = history_of(cooperative, "shopee")
    assert (state.windows_done, state.finished_at) == (1, None)  # /shops shows 4 %
    assert set(orders_of(cooperative, "shopee")) == {k for k, age in placed.items() if age < 15}

    faults(cooperative, "shopee", error_share=1.0)
    with pytest.raises(ConnectorError):
        run_history(cooperative, "shopee", request=False)
    with cooperative.app.app_context():
        failed = db.session.get_one(jobs.JobRecord, f"pull-history-{cooperative.shops['shopee']}")
        assert failed.status == jobs.FAILED
        db.session.remove()
    state = history_of(cooperative, "shopee")
    assert state.windows_done == 1  # the failed window left nothing behind
    assert state.finished_at is None

    faults(cooperative, "shopee", error_share=0.0)
    monkeypatch.setitem(cooperative.app.config, "ORDER_HISTORY_SLICE_SECONDS", 600)
    with cooperative.app.app_context():  # the minute's cron queues the rest
        assert tasks.continue_order_histories() == 1
        db.session.remove()
    record = run_history(cooperative, "shopee", request=False)

    assert record.status == jobs.FINISHED
    state = history_of(cooperative, "shopee")
    assert (state.windows_done, state.finished_at is not None) == (25, True)
    assert state.reached == state.oldest
    assert set(orders_of(cooperative, "shopee")) == set(placed)
    assert on_hand(cooperative) == STOCK


def test_an_open_order_from_before_the_connection_reserves_but_a_shipped_one_does_not(
    cooperative: Cooperative, slices: None
) -> None:
    place_days_ago(cooperative, "lazada", 3, "open")
    place_days_ago(cooperative, "lazada", 50, "shipped")

    run_history(cooperative, "lazada")

    assert on_hand(cooperative) == STOCK
    with cooperative.app.app_context():
        reserved = reserved_by_variant(cooperative.id)
        db.session.remove()
    assert reserved == {cooperative.variants[SKU]: 1}


def test_connecting_a_shop_for_the_first_time_queues_its_history(
    cooperative: Cooperative, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(cooperative.app.config, "ORDER_HISTORY_ON_CONNECT", True)
    env = cooperative.envs["tiktok"]
    with cooperative.app.app_context():
        factories.bind(db.session)
        same = db.session.get_one(Shop, cooperative.shops["tiktok"]).cooperative
        again = connect_shop(env, same, factories.CategoryFactory().id)  # its own row again
        assert again.id == cooperative.shops["tiktok"]
        assert db.session.get(OrderHistory, again.id) is None
        other = factories.CooperativeFactory()
        new = connect_shop(env, other, factories.CategoryFactory().id)
        db.session.commit()
        record = db.session.get_one(jobs.JobRecord, f"pull-history-{new.id}")
        assert (record.queue, record.status, record.kind) == (
            jobs.DEFAULT,
            jobs.QUEUED,
            "order_history",
        )
        assert record.cooperative_id == other.id
        state = db.session.get_one(OrderHistory, new.id)
        assert state.windows_done == 0
        assert state.finished_at is None
        db.session.remove()


def test_an_order_named_by_a_push_is_kept_as_pushed(cooperative: Cooperative) -> None:
    pushed = place(cooperative, "shopee", "open", 1)
    pulled = place(cooperative, "shopee", "open", 1)
    with cooperative.app.app_context():
        shop = db.session.get_one(Shop, cooperative.shops["shopee"])
        sales_services.record_push("shopee", b"{}", shop.platform_shop_id, "order", [pushed])
        db.session.commit()
        db.session.remove()

    pull(cooperative, "shopee")

    found = orders_of(cooperative, "shopee")
    assert found[pushed][0] == OrderSource.PUSH
    assert found[pulled][0] == OrderSource.PULL
    assert all(v[2] is not None for v in found.values())  # fetched_at on every fetch
