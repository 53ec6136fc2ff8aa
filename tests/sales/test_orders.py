"""Orders pulled from each sandbox: upserted once, reserving stock, lowering it when shipped."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.connectors.types import Order as RemoteOrder
from marketplace.connectors.types import OrderLine as RemoteLine
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import stock
from marketplace.sales import services
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.shops.models import Shop
from tests.sales.conftest import NATIVE
from tests.sales.conftest import PLATFORMS
from tests.sales.conftest import STOCK
from tests.sales.conftest import Cooperative
from tests.sales.conftest import remote_stock

pytestmark = pytest.mark.worker
SKU = "CAFE-0-250"


def place(coop: Cooperative, platform: str, state: str, quantity: int, sku: str = SKU) -> str:
    """A buyer orders ``quantity`` of ``sku`` on the platform's sandbox, now."""
    env = coop.envs[platform]
    answer = requests.post(
        f"{env.base_url}/_sandbox/buyers",
        json={"skus": [sku], "count": 1, "status": NATIVE[platform][state], "quantity": quantity},
        timeout=10,
    )
    answer.raise_for_status()
    body = answer.json()
    ids = body.get("order_sn_list") or body.get("order_ids") or body["data"]["order_ids"]
    return str(ids[0])


def move(coop: Cooperative, platform: str, order_id: str, state: str) -> None:
    env = coop.envs[platform]
    answer = requests.post(
        f"{env.base_url}/_sandbox/orders/{order_id}/status",
        json={"status": NATIVE[platform][state]},
        timeout=10,
    )
    answer.raise_for_status()


def pull(coop: Cooperative, platform: str) -> bool:
    # Order searches take whole seconds: end the window just past the orders placed this second.
    end = utcnow() + timedelta(seconds=1)
    with coop.app.app_context():
        moved = services.pull_orders(db.session.get_one(Shop, coop.shops[platform]), end)
        db.session.commit()
        db.session.remove()
    return moved


def on_hand(coop: Cooperative, sku: str = SKU) -> int:
    with coop.app.app_context():
        value = db.session.get_one(Variant, coop.variants[sku]).stock
        db.session.remove()
    return value


def planned_stock(coop: Cooperative, platform: str, sku: str = SKU) -> int | None:
    """The stock the next price/stock push would send the shop for ``sku`` (None: no change)."""
    with coop.app.app_context():
        plan = planning.make_plan(db.session.get_one(Shop, coop.shops[platform]))
        db.session.remove()
    return next((c.stock for c in plan.price_stock if c.seller_sku == sku), None)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_open_order_reserves_stock_on_every_shop(
    cooperative: Cooperative, platform: str
) -> None:
    order_id = place(cooperative, platform, "open", 3)

    assert pull(cooperative, platform) is True
    with cooperative.app.app_context():
        order = db.session.scalar(select(Order).where(Order.platform_order_id == order_id))
        assert order is not None
        assert order.status == OrderStatus.TO_SHIP
        assert sum(line.quantity for line in order.lines) == 3
        assert {line.variant_id for line in order.lines} == {cooperative.variants[SKU]}
        db.session.remove()
    assert on_hand(cooperative) == STOCK  # nothing has left the shelf yet
    for other in PLATFORMS:
        assert planned_stock(cooperative, other) == STOCK - 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_pulling_again_stores_each_order_once(cooperative: Cooperative, platform: str) -> None:
    order_id = place(cooperative, platform, "open", 1)
    assert pull(cooperative, platform) is True

    assert pull(cooperative, platform) is False  # the overlap window re-reads it: no change
    with cooperative.app.app_context():
        orders = db.session.scalars(
            select(Order).where(Order.shop_id == cooperative.shops[platform])
        ).all()
        assert [o.platform_order_id for o in orders] == [order_id]
        assert len(orders[0].lines) == 1
        db.session.remove()


def test_shipping_lowers_on_hand_once_and_cancelling_releases(cooperative: Cooperative) -> None:
    shipped = place(cooperative, "shopee", "open", 2)
    cancelled = place(cooperative, "shopee", "open", 5)
    pull(cooperative, "shopee")
    assert planned_stock(cooperative, "lazada") == STOCK - 7

    move(cooperative, "shopee", shipped, "shipped")
    move(cooperative, "shopee", cancelled, "cancelled")
    assert pull(cooperative, "shopee") is True
    assert on_hand(cooperative) == STOCK - 2
    assert planned_stock(cooperative, "lazada") == STOCK - 2

    move(cooperative, "shopee", shipped, "shipped")  # a later update of the same state
    pull(cooperative, "shopee")
    assert on_hand(cooperative) == STOCK - 2
    with cooperative.app.app_context():
        audit = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "order_shipped")
        ).all()
        assert [(a.variant_sku, a.old_value, a.new_value) for a in audit] == [
            (SKU, str(STOCK), str(STOCK - 2))
        ]
        db.session.remove()


def test_an_order_shipped_before_the_shop_was_connected_does_not_lower_stock(
    cooperative: Cooperative,
) -> None:
    env = cooperative.envs["shopee"]
    requests.post(
        f"{env.base_url}/_sandbox/buyers",
        json={"skus": [SKU], "count": 4, "days": 0.5},  # the first four are completed/shipped
        timeout=10,
    ).raise_for_status()

    pull(cooperative, "shopee")

    assert on_hand(cooperative) == STOCK


def test_a_line_with_an_unknown_sku_is_kept_unmatched(cooperative: Cooperative) -> None:
    with cooperative.app.app_context():
        shop = db.session.get_one(Shop, cooperative.shops["tiktok"])
        now = utcnow()
        seen = RemoteOrder(
            "X1",
            OrderStatus.TO_SHIP,
            "AWAITING_SHIPMENT",
            now,
            now,
            50_000,
            [RemoteLine("L1", "NOT-OURS", "Hàng lạ", 1, 50_000)],
        )
        assert services.upsert_order(shop, seen) is True
        line = db.session.scalar(select(OrderLine).where(OrderLine.platform_line_id == "L1"))
        assert line is not None
        assert line.variant_id is None
        assert line.seller_sku == "NOT-OURS"
        db.session.rollback()
        db.session.remove()


def test_the_targeted_push_writes_the_new_stock_to_the_other_shops(
    cooperative: Cooperative,
) -> None:
    place(cooperative, "lazada", "open", 4)
    pull(cooperative, "lazada")

    with cooperative.app.app_context():
        for platform in PLATFORMS:
            stock.push_stock_and_listing(db.session.get_one(Shop, cooperative.shops[platform]))
            db.session.commit()
        db.session.remove()

    for platform in ("shopee", "tiktok"):
        env = cooperative.envs[platform]
        assert remote_stock(env, cooperative.app, cooperative.shops[platform], SKU) == STOCK - 4
    assert planned_stock(cooperative, "shopee") is None  # nothing left to push
