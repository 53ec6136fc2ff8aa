"""The demo: cooperatives connected to their sandbox shops, and two years of sales on them.

The app is served over real HTTP with the sandboxes mounted, as ``make run`` serves it;
the demo shops are connected through the sandboxes' token controls and the history is
seeded once for the module (a fixed "now", so the seasons asserted are the same every run).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.connectors.types import OrderStatus
from marketplace.demo import seed_demo
from marketplace.demo_data import COOPERATIVES
from marketplace.demo_data import PROVINCES
from marketplace.demo_data import UNKNOWN_SKUS
from marketplace.demo_history import connect_demo_shops
from marketplace.demo_history import items_of
from marketplace.demo_history import seed_demo_history
from marketplace.demo_plan import CooperativePlan
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales import services as sales
from marketplace.sales.models import OPEN_STATUSES
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.sales.models import OrderPull
from marketplace.sales.models import SalesDaily
from marketplace.sales.models import SalesEntry
from marketplace.sandbox.common import ADMIN_ENVIRON_KEY
from marketplace.sandbox.mount import open_demo_shops
from marketplace.sandbox.mount import register_demo_apps
from marketplace.shops import services as shops
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests.conftest import make_app
from tests.connectors.harness import serve
from tests.databases import fresh_database
from tests.databases import redis_url_for

pytestmark = pytest.mark.worker  # its own committed database, shared with the served app
NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
PLATFORMS = ("lazada", "shopee", "tiktok")
FEE_KINDS = {"commission", "service", "transaction", "shipping", "voucher"}  # tax apart


@dataclass
class Demo:
    app: Flask
    orders: int
    seconds: float
    stock_before: dict[int, int]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Iterator[Demo]:
    instance: Path = tmp_path_factory.mktemp("demo")
    app = make_app(
        fresh_database(instance, "demo"),
        redis_url_for(redis_base_url, 1),
        instance,
        SANDBOX_ENABLED=True,
        SANDBOX_STATE_DIR=str(instance / "sandbox"),
    )
    with serve(app) as url, app.app_context():
        seed_demo()
        register_demo_apps(url)
        open_demo_shops(list(db.session.scalars(select(Cooperative.name).order_by(Cooperative.id))))
        connect_demo_shops()
        stock = dict(db.session.execute(select(Variant.id, Variant.stock)).all())
        started = time.monotonic()
        count = seed_demo_history(NOW)
        seconds = time.monotonic() - started
        db.session.commit()
        yield Demo(app, count, seconds, stock)
        db.session.remove()


def _months(product_filter: object, field: str = "units") -> dict[tuple[int, int], int]:
    """The products' sales by the month their orders were placed in."""
    column = getattr(SalesEntry, field)
    rows = db.session.execute(
        select(SalesEntry.placed_on, func.sum(column))
        .join(Product, Product.id == SalesEntry.product_id)
        .where(product_filter)  # type: ignore[arg-type]
        .group_by(SalesEntry.placed_on)
    )
    months: dict[tuple[int, int], int] = defaultdict(int)
    for day, total in rows:
        months[(day.year, day.month)] += int(total or 0)
    return months


def test_two_years_of_orders_on_every_platform_in_good_time(demo: Demo) -> None:
    print(f"demo history: {demo.orders} orders in {demo.seconds:.1f} s")
    assert demo.orders > 10_000
    assert demo.seconds < 60  # about 15 s alone on the 2-core machine; target 20 s
    with demo.app.app_context():
        by_platform = dict(
            db.session.execute(
                select(Shop.platform, func.count(Order.id)).join(Order).group_by(Shop.platform)
            ).all()
        )
        first, last = db.session.execute(
            select(func.min(Order.placed_at), func.max(Order.placed_at))
        ).one()
        db.session.remove()
    assert set(by_platform) == set(PLATFORMS)
    assert by_platform["shopee"] > by_platform["tiktok"] > by_platform["lazada"] > 1000
    assert (NOW - first).days >= 729
    assert 0 < (NOW - last).total_seconds() < 2 * 86400


def test_every_order_s_entries_add_up_to_what_it_adds(demo: Demo) -> None:
    with demo.app.app_context():
        product_of = dict(db.session.execute(select(Variant.id, Variant.product_id)).all())
        booked: dict[int, dict[int, ledger.Figures]] = defaultdict(dict)
        sums = [func.sum(getattr(SalesEntry, f)) for f in ledger.Figures.__dataclass_fields__]
        for order_id, product_id, *figures in db.session.execute(
            select(SalesEntry.order_id, SalesEntry.product_id, *sums).group_by(
                SalesEntry.order_id, SalesEntry.product_id
            )
        ):
            found = ledger.Figures(*(int(v) for v in figures))
            if found:
                booked[order_id][product_id] = found
        orders = db.session.scalars(select(Order).options(selectinload(Order.lines))).all()
        assert len(orders) == demo.orders
        for order in orders:
            assert booked.get(order.id, {}) == ledger.contribution(order, product_of), order
        sample = orders[:: len(orders) // 50]
        for order in sample:  # the ledger's own reading agrees with the grouped one
            assert ledger.booked(order.id) == booked.get(order.id, {})
        db.session.remove()


def test_the_daily_rollups_equal_a_rebuild_from_the_entries(demo: Demo) -> None:
    def rows() -> set[tuple[object, ...]]:
        table = SalesDaily.__table__
        columns = [c for c in table.c if c.name not in ("id", "updated_at")]
        return set(db.session.execute(select(*columns)).all())

    with demo.app.app_context():
        before = rows()
        ledger.rebuild(date(2020, 1, 1), date(2030, 1, 1))
        assert rows() == before
        assert len(before) > 10_000
        db.session.rollback()
        db.session.remove()


def test_the_entries_are_what_book_would_have_booked_seeing_each_state(demo: Demo) -> None:
    """Replay some orders' states through ``ledger.book`` and compare the entries."""
    spec = COOPERATIVES[0]
    with demo.app.app_context():
        coop = db.session.scalars(select(Cooperative).where(Cooperative.name == spec.name)).one()

        shops_by = {
            s.platform: s
            for s in db.session.scalars(select(Shop).where(Shop.cooperative_id == coop.id))
        }
        plan = CooperativePlan(spec.key, items_of(coop.id), sorted(shops_by), False).orders(NOW)
        eventful = [p for p in plan if len(p.states) != 2][:30]
        eventful += [p for p in plan if p.final.status == OrderStatus.COMPLETED][:10]
        assert any(p.final.status == OrderStatus.CANCELLED for p in eventful)
        assert any(p.final.status == OrderStatus.RETURNED for p in eventful)
        for planned in eventful:
            order = db.session.scalars(
                select(Order).where(
                    Order.shop_id == shops_by[planned.platform].id,
                    Order.platform_order_id == planned.platform_order_id,
                )
            ).one()
            written = _entries(order.id)
            db.session.execute(delete(SalesEntry).where(SalesEntry.order_id == order.id))
            for state in planned.states:
                order.status, order.net, order.platform_updated_at = (
                    state.status,
                    state.net,
                    state.at,
                )
                # Each state's settlement was read when that state was seen.
                order.settlement_fetched_at = state.at if state.net is not None else None
                for line, returned in zip(order.lines, state.returned, strict=True):
                    line.returned_quantity = returned
                ledger.book(order)
            db.session.flush()
            assert _entries(order.id) == written, planned
        db.session.rollback()
        db.session.remove()


def _entries(order_id: int) -> list[tuple[object, ...]]:
    rows = db.session.execute(
        select(
            SalesEntry.day,
            SalesEntry.placed_on,
            SalesEntry.product_id,
            SalesEntry.restates,
            SalesEntry.orders,
            SalesEntry.units,
            SalesEntry.gross,
            SalesEntry.net,
            SalesEntry.unsettled_gross,
        ).where(SalesEntry.order_id == order_id)
    )
    return sorted(tuple(row) for row in rows)


def test_plums_sell_in_may_and_june_mangoes_in_summer(demo: Demo) -> None:
    with demo.app.app_context():
        plums = _months(Product.name.startswith("Mận hậu"))
        mangoes = _months(Product.name.in_(["Xoài tròn Yên Châu", "Xoài ngọt Yên Châu"]))
        db.session.remove()
    assert plums[(2025, 5)] > 0
    assert plums[(2026, 6)] > 0
    in_season = sum(v for (_, m), v in plums.items() if m in (5, 6))
    assert in_season >= 0.95 * sum(plums.values())
    assert plums[(2025, 12)] == plums[(2024, 12)] == plums[(2026, 12)] == 0
    assert sum(v for (_, m), v in mangoes.items() if m in (6, 7, 8)) == sum(mangoes.values()) > 0


def test_gifts_peak_in_the_weeks_before_tet(demo: Demo) -> None:
    with demo.app.app_context():
        gifts = _months(
            or_(*(Product.name.startswith(w) for w in ("Chè", "Cà phê", "Mật ong", "Rượu"))),
            "gross",
        )
        db.session.remove()
    # Tết was on 29 January 2025 and 17 February 2026: the gift buying before it makes
    # its month (or the month before) the year's best by far.
    for year in (2025, 2026):
        usual = sorted(gifts[(year, m)] for m in range(3, 12))[4]
        assert max(gifts[(year, 1)], gifts[(year, 2)]) > 1.5 * usual, year
    # Growth: the second year sells more than the first.
    assert sum(gifts[(2026, m)] for m in range(3, 12)) > sum(gifts[(2025, m)] for m in range(3, 12))


def test_orders_keep_a_province_and_no_buyer(demo: Demo) -> None:
    with demo.app.app_context():
        regions = set(db.session.scalars(select(Order.delivery_region).distinct()))
        settlements = db.session.scalars(
            select(Order.platform_settlement)
            .where(Order.platform_settlement.is_not(None))
            .limit(200)
        ).all()
        db.session.remove()
    assert regions <= set(PROVINCES)
    assert len(regions) > 20
    for raw in settlements:
        assert not {"buyer", "name", "phone", "address", "recipient_address"} & set(raw or {})


def test_cancellations_returns_settlements_and_unmatched_lines(demo: Demo) -> None:
    with demo.app.app_context():
        statuses = dict(
            db.session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
        )
        assert not set(statuses) & OPEN_STATUSES  # nothing reserves stock forever
        assert 0.02 < statuses[OrderStatus.CANCELLED] / sum(statuses.values()) < 0.1
        assert statuses[OrderStatus.RETURNED] > 50
        assert statuses[OrderStatus.SHIPPED] > 50
        partial = db.session.scalar(
            select(func.count())
            .select_from(OrderLine)
            .join(Order)
            .where(OrderLine.returned_quantity > 0, Order.status == OrderStatus.COMPLETED)
        )
        assert partial
        assert partial > 20
        for order in db.session.scalars(select(Order).where(Order.net.is_not(None)).limit(500)):
            assert set(order.fees) == FEE_KINDS
            assert order.tax_withheld >= 0
            assert order.net == (order.gross or 0) - sum(order.fees.values()) - order.tax_withheld
        old = db.session.scalars(
            select(Order.settlement_final).where(
                Order.placed_at < datetime(2026, 10, 1, tzinfo=UTC)
            )
        )
        assert all(old)
        recent = db.session.scalars(select(Order).where(Order.status == OrderStatus.SHIPPED)).all()
        assert all(o.net is None and not o.settlement_final for o in recent)
        unknown = db.session.execute(
            select(OrderLine.seller_sku, OrderLine.variant_id).where(OrderLine.variant_id.is_(None))
        ).all()
        assert 5 < len(unknown) < 100
        assert {sku for sku, _ in unknown} <= set(UNKNOWN_SKUS)
        assert db.session.scalar(
            select(func.sum(SalesDaily.units)).where(SalesDaily.product_id == 0)
        )
        db.session.remove()


def test_the_history_leaves_stock_alone(demo: Demo) -> None:
    with demo.app.app_context():
        stock = dict(db.session.execute(select(Variant.id, Variant.stock)).all())
        gone = db.session.scalars(
            select(Order.stock_deducted).where(
                Order.status.in_([OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.RETURNED])
            )
        )
        assert all(gone)
        db.session.remove()
    assert stock == demo.stock_before


def test_seeding_again_adds_nothing(demo: Demo) -> None:
    with demo.app.app_context():
        counts = [
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Order, SalesEntry, Shop)
        ]
        assert seed_demo_history(NOW) == 0
        connect_demo_shops()  # fresh tokens for the same shop rows
        db.session.commit()
        again = [
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Order, SalesEntry, Shop)
        ]
        db.session.remove()
    assert again == counts
    assert counts[2] == len(COOPERATIVES) * len(PLATFORMS)


def test_the_demo_shops_pull_orders_and_refresh_with_the_stored_tokens(demo: Demo) -> None:
    with demo.app.app_context():
        for shop in db.session.scalars(select(Shop).order_by(Shop.id).limit(len(PLATFORMS) * 2)):
            assert shop.status == ShopStatus.CONNECTED
            assert shop.name.endswith(shop.cooperative.name)
            sales.pull_orders(shop)  # through the gateway, over HTTP, to the mounted sandbox
            db.session.commit()
            assert db.session.get_one(OrderPull, shop.id).last_error is None
            old = shop.access_token
            shops.refresh_tokens(shop, old)  # the sandbox takes the stored refresh token
            assert shop.access_token != old
            assert shop.status == ShopStatus.CONNECTED
            assert shops.check_health(shop), shop.last_error
            db.session.commit()
        db.session.remove()


def test_the_token_control_refuses_an_unknown_shop_and_strangers(demo: Demo) -> None:
    for path, sandbox in demo.app.extensions["sandboxes"].items():
        client = sandbox.test_client()
        admin = {ADMIN_ENVIRON_KEY: True}
        unknown = client.post(
            "/_sandbox/tokens", json={"shop": "Không có"}, environ_overrides=admin
        )
        assert unknown.status_code == 404, path
        assert unknown.get_json() == {"error": "shop", "message": "no seller shop of that name"}
        empty = client.post("/_sandbox/tokens", json={}, environ_overrides=admin)
        assert empty.status_code == 404
        shop = client.get("/_sandbox/shops", environ_overrides=admin).get_json()["shops"][0]
        # Mounted in the app, the control answers only the admin page's in-process calls.
        stranger = client.post("/_sandbox/tokens", json={"shop": shop["name"]})
        assert stranger.status_code == 404
        assert b"access_token" not in stranger.data


def test_a_demo_shop_another_cooperative_holds_is_left_to_it(demo: Demo) -> None:
    """Runs last: it hands a shop over for good."""
    with demo.app.app_context():
        first, second = db.session.scalars(select(Cooperative).order_by(Cooperative.id).limit(2))
        theirs = db.session.scalars(
            select(Shop).where(Shop.cooperative_id == second.id, Shop.platform == "lazada")
        ).one()
        held = shops.move_shop(theirs, first)  # an admin gave it to the first cooperative
        token = held.access_token
        db.session.commit()
        assert connect_demo_shops() == {"lazada": 8, "shopee": 9, "tiktok": 9}
        db.session.commit()
        db.session.refresh(held)
        assert held.cooperative_id == first.id
        assert held.access_token == token
        assert held.status == ShopStatus.CONNECTED
        assert shops.check_health(held), held.last_error
        db.session.remove()
