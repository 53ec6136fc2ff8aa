"""The sales ledger: what each order adds, booked on the right day, and daily rollups that
always equal the entries summed, whatever order history the platforms send."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select

from marketplace.connectors.types import Order as RemoteOrder
from marketplace.connectors.types import OrderLine as RemoteLine
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales import services
from marketplace.sales.models import Order
from marketplace.sales.models import OrderSource
from marketplace.sales.models import SalesDaily
from marketplace.sales.models import SalesEntry
from marketplace.sales.models import SalesMonthly
from marketplace.shops.models import Shop
from tests import factories
from tests.shops.shop_rows import make_shop

# 30 November 2026, 10:00 in Vietnam.
NOV_30 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
SUMS = ("orders", "units", "gross", "net", "unsettled_gross", "adjusted_gross")


@dataclass
class Setup:
    shop: Shop
    products: list[int]  # product ids; variant SKUs "A-0", "A-1" (first), "B-0" (second)


@pytest.fixture
def setup(db_session: Any) -> Setup:
    factories.bind(db.session)
    coop = factories.CooperativeFactory()
    first = factories.ProductFactory(
        cooperative=coop, variants=[{"sku": "A-0", "price": 100}, {"sku": "A-1", "price": 200}]
    )
    second = factories.ProductFactory(cooperative=coop, variants=[{"sku": "B-0"}])
    return Setup(make_shop(coop, "shopee", f"ledger-{coop.id}"), [first.id, second.id])


def remote(
    order_id: str,
    status: OrderStatus,
    updated: datetime,
    lines: list[tuple[str, int, int, int]],  # sku, quantity, unit price, returned
    placed: datetime = NOV_30,
) -> RemoteOrder:
    return RemoteOrder(
        order_id,
        status,
        status.value,
        placed,
        updated,
        sum(q * p for _, q, p, _ in lines),
        [
            RemoteLine(f"L{n}", sku, sku, quantity, price, returned_quantity=returned)
            for n, (sku, quantity, price, returned) in enumerate(lines)
        ],
    )


def daily(shop: Shop) -> dict[tuple[date, int], tuple[int, ...]]:
    rows = db.session.scalars(select(SalesDaily).where(SalesDaily.shop_id == shop.id))
    return {
        (r.day, r.product_id): tuple(getattr(r, n) for n in SUMS)
        for r in rows
        if any(getattr(r, n) for n in SUMS)
    }


def monthly(shop: Shop) -> dict[tuple[date, int], tuple[int, ...]]:
    rows = db.session.scalars(select(SalesMonthly).where(SalesMonthly.shop_id == shop.id))
    return {
        (r.month, r.product_id): tuple(getattr(r, n) for n in SUMS)
        for r in rows
        if any(getattr(r, n) for n in SUMS)
    }


def by_month(days: dict[tuple[date, int], tuple[int, ...]]) -> dict[tuple[date, int], tuple]:
    """Daily figures summed per month (the first day names it)."""
    sums: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0] * len(SUMS))
    for (day, product_id), row in days.items():
        total = sums[(day.replace(day=1), product_id)]
        for index, value in enumerate(row):
            total[index] += value
    return {key: tuple(row) for key, row in sums.items() if any(row)}


def entries_summed(shop: Shop) -> dict[tuple[date, int], tuple[int, ...]]:
    """The rollups as GROUP BY over the entries would give them."""
    sums: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0] * len(SUMS))
    query = select(SalesEntry).join(Order).where(Order.shop_id == shop.id)
    for entry in db.session.scalars(query):
        row = sums[(entry.day, entry.product_id)]
        for index, name in enumerate(SUMS[:-1]):
            row[index] += getattr(entry, name)
        row[-1] += entry.gross if entry.restates else 0
    return {key: tuple(row) for key, row in sums.items() if any(row)}


def test_a_new_order_is_booked_on_its_vietnam_day_by_product(setup: Setup) -> None:
    lines = [("A-0", 2, 100, 0), ("A-1", 1, 200, 0), ("B-0", 3, 50, 0), ("NOPE", 1, 10, 0)]
    services.upsert_order(setup.shop, remote("O1", OrderStatus.TO_SHIP, NOV_30, lines))
    first, second = setup.products
    day = date(2026, 11, 30)
    assert daily(setup.shop) == {
        (day, first): (1, 3, 400, 0, 400, 0),
        (day, second): (0, 3, 150, 0, 150, 0),
        (day, ledger.UNMATCHED): (0, 1, 10, 0, 10, 0),
    }
    order = db.session.scalar(select(Order).where(Order.platform_order_id == "O1"))
    assert order is not None
    assert order.source == OrderSource.PULL
    assert order.fetched_at is not None


def test_a_cancellation_next_month_is_booked_on_its_own_day_not_in_the_closed_month(
    setup: Setup,
) -> None:
    lines = [("A-0", 2, 100, 0)]
    services.upsert_order(setup.shop, remote("O2", OrderStatus.TO_SHIP, NOV_30, lines))
    cancelled_at = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    services.upsert_order(setup.shop, remote("O2", OrderStatus.CANCELLED, cancelled_at, lines))
    first = setup.products[0]
    assert daily(setup.shop) == {
        (date(2026, 11, 30), first): (1, 2, 200, 0, 200, 0),
        (date(2026, 12, 2), first): (-1, -2, -200, 0, -200, -200),
    }


def test_a_partial_return_and_a_settlement_change_what_the_order_adds(setup: Setup) -> None:
    lines = [("A-0", 4, 100, 0), ("B-0", 1, 400, 0)]
    services.upsert_order(setup.shop, remote("O3", OrderStatus.SHIPPED, NOV_30, lines))
    order = db.session.scalar(select(Order).where(Order.platform_order_id == "O3"))
    assert order is not None
    order.gross, order.net = 800, 700
    ledger.book(order)
    later = NOV_30 + timedelta(hours=5)
    returned = [("A-0", 4, 100, 1), ("B-0", 1, 400, 0)]
    services.upsert_order(setup.shop, remote("O3", OrderStatus.COMPLETED, later, returned))
    first, second = setup.products
    now = ledger.contribution(order, dict(_variants(setup)))
    # Net is shared by what is kept: 300 of A and 400 of B out of 700.
    assert now == {
        first: ledger.Figures(orders=1, units=3, gross=300, net=300),
        second: ledger.Figures(units=1, gross=400, net=400),
    }
    assert ledger.booked(order.id) == now
    assert daily(setup.shop) == entries_summed(setup.shop)


def _variants(setup: Setup) -> list[tuple[int, int]]:
    from marketplace.catalog.models import Variant

    rows = db.session.execute(
        select(Variant.id, Variant.product_id).where(Variant.product_id.in_(setup.products))
    )
    return [(int(a), int(b)) for a, b in rows]


def test_rebuild_makes_the_same_rows_again_from_the_entries(setup: Setup) -> None:
    lines = [("A-0", 1, 100, 0), ("B-0", 2, 60, 0)]
    services.upsert_order(setup.shop, remote("O4", OrderStatus.TO_SHIP, NOV_30, lines))
    later = datetime(2027, 1, 3, tzinfo=UTC)
    services.upsert_order(setup.shop, remote("O4", OrderStatus.RETURNED, later, lines))
    before, months = daily(setup.shop), monthly(setup.shop)
    assert months == by_month(before)
    db.session.execute(SalesDaily.__table__.delete())
    db.session.execute(SalesMonthly.__table__.delete())
    ledger.rebuild(date(2026, 1, 1), date(2027, 12, 31))
    assert daily(setup.shop) == before
    assert monthly(setup.shop) == months
    assert before[(date(2027, 1, 3), setup.products[0])][-1] == -100  # restates November


STATUSES = list(OrderStatus)
event = st.tuples(
    st.integers(0, 3),  # which order
    st.sampled_from(STATUSES),
    st.integers(0, 70),  # days after 30 November that the platform says it changed
    st.integers(0, 3),  # units of the first line returned
    st.none() | st.integers(-50_000, 400_000),  # the settlement's net, if reported yet
    st.booleans(),  # the same event delivered twice
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(event, min_size=1, max_size=25))
def test_rollups_always_equal_the_ledger_whatever_the_history(
    setup: Setup, history: list[tuple[int, OrderStatus, int, int, int | None, bool]]
) -> None:
    shop_id, products = setup.shop.id, setup.products
    nested = db.session.begin_nested()
    try:
        shop = db.session.get_one(Shop, shop_id)
        for which, status, days, returned, net, twice in history:
            lines = [("A-0", 3, 100, returned), ("B-0", 1 + which, 250, 0), ("X", 1, 5, 0)]
            seen = remote(f"P{which}", status, NOV_30 + timedelta(days=days), lines)
            for _ in range(2 if twice else 1):
                services.upsert_order(shop, seen)
                order = db.session.scalar(
                    select(Order).where(Order.platform_order_id == f"P{which}")
                )
                assert order is not None
                if order.net != net:  # a settlement pulled (or revised) after the order
                    order.net = net
                    ledger.book(order)
        product_of = dict(_variants(Setup(shop, products)))
        for order in db.session.scalars(select(Order).where(Order.shop_id == shop_id)):
            assert ledger.booked(order.id) == ledger.contribution(order, product_of)
        incremental, months = daily(shop), monthly(shop)
        assert incremental == entries_summed(shop)
        assert months == by_month(incremental)
        # A rebuild of part of a month keeps the month equal to its days.
        ledger.rebuild(date(2026, 12, 10), date(2027, 12, 31))
        assert daily(shop) == incremental
        assert monthly(shop) == months
    finally:
        nested.rollback()
        db.session.expunge_all()  # nothing of this example is seen by the next


def test_a_settlement_revised_next_month_is_booked_on_the_day_it_was_read(setup: Setup) -> None:
    services.upsert_order(
        setup.shop, remote("O5", OrderStatus.COMPLETED, NOV_30, [("B-0", 1, 500, 0)])
    )
    order = db.session.scalar(select(Order).where(Order.platform_order_id == "O5"))
    assert order is not None
    order.net, order.settlement_fetched_at = 450, NOV_30 + timedelta(hours=1)
    ledger.book(order)
    order.net, order.settlement_fetched_at = 430, datetime(2026, 12, 9, 2, 0, tzinfo=UTC)
    ledger.book(order)
    second = setup.products[1]
    assert daily(setup.shop) == {
        (date(2026, 11, 30), second): (1, 1, 500, 450, 0, 0),
        (date(2026, 12, 9), second): (0, 0, 0, -20, 0, 0),
    }


def test_the_rebuild_command_books_orders_missing_from_the_ledger_and_remakes_the_days(
    app: Any, setup: Setup
) -> None:
    services.upsert_order(
        setup.shop, remote("C1", OrderStatus.TO_SHIP, NOV_30, [("A-0", 2, 100, 0)])
    )
    order = db.session.scalar(select(Order).where(Order.platform_order_id == "C1"))
    assert order is not None
    expected = daily(setup.shop)
    # As after upgrading: an order pulled before the ledger existed has no entries or rows.
    db.session.execute(SalesEntry.__table__.delete().where(SalesEntry.order_id == order.id))
    db.session.execute(SalesDaily.__table__.delete())
    result = app.test_cli_runner().invoke(args=["sales", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1 entries booked; 1 daily rows from 2026-11-30 to 2026-11-30 rebuilt." in result.output
    assert daily(setup.shop) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-12-01", "--to", "2026-11-01"], "--from is after --to."),
        (["--from", "30/11/2026"], "'30/11/2026' does not match the format '%Y-%m-%d'"),
    ],
)
def test_the_rebuild_command_refuses_bad_dates_and_changes_nothing(
    app: Any, setup: Setup, args: list[str], message: str
) -> None:
    services.upsert_order(
        setup.shop, remote("C2", OrderStatus.TO_SHIP, NOV_30, [("A-0", 1, 100, 0)])
    )
    before = daily(setup.shop)
    result = app.test_cli_runner().invoke(args=["sales", "rebuild", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert daily(setup.shop) == before
