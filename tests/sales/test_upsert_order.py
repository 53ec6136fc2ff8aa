"""An order is upserted once whatever runs twice: a pull run again over the same window,
and two pulls (or a pull and a push) storing the same new order at the same moment."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.common.models import utcnow
from marketplace.connectors.types import Order as RemoteOrder
from marketplace.connectors.types import OrderLine as RemoteLine
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.sales import services
from marketplace.sales.models import Order
from marketplace.shops.models import Shop
from tests.sales.conftest import STOCK
from tests.sales.conftest import Cooperative
from tests.sales.test_orders import SKU
from tests.sales.test_orders import on_hand

pytestmark = pytest.mark.worker


def shipped(order_id: str) -> RemoteOrder:
    """An order placed just now and already shipped: its stock leaves once, on first sight."""
    now = utcnow()
    line = RemoteLine("L1", SKU, "Cà phê", 2, 95_000)
    return RemoteOrder(order_id, OrderStatus.SHIPPED, "shipped", now, now, 190_000, [line])


def stored(coop: Cooperative, order_id: str) -> list[Order]:
    with coop.app.app_context():
        found = db.session.scalars(select(Order).where(Order.platform_order_id == order_id)).all()
        db.session.remove()
    return list(found)


def upsert(coop: Cooperative, seen: RemoteOrder) -> bool:
    with coop.app.app_context():
        moved = services.upsert_order(db.session.get_one(Shop, coop.shops["lazada"]), seen)
        db.session.commit()
        db.session.remove()
    return moved


def test_storing_the_same_order_again_moves_its_stock_once(cooperative: Cooperative) -> None:
    seen = shipped("RERUN-1")
    assert upsert(cooperative, seen) is True
    assert upsert(cooperative, seen) is False  # the next pull's overlap reads it again
    assert len(stored(cooperative, "RERUN-1")) == 1
    assert on_hand(cooperative) == STOCK - 2


def test_an_order_another_pull_stores_meanwhile_is_counted_once(
    cooperative: Cooperative,
) -> None:
    """Between this pull's look-up of a new order and its insert, another pull (its own
    transaction, committed) stores the same order. SQLite has one writer at a time, so
    only PostgreSQL can interleave them."""
    if cooperative.app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has one writer: the two pulls cannot interleave")
    seen = shipped("RACE-1")
    raced: list[bool] = []

    def other_pull_first(session: Session, flush_context: Any, instances: Any) -> None:
        if not raced and any(isinstance(obj, Order) for obj in session.new):
            raced.append(True)
            other = threading.Thread(target=upsert, args=(cooperative, seen))
            other.start()
            other.join(timeout=30)
            assert not other.is_alive()

    event.listen(Session, "before_flush", other_pull_first)
    try:
        moved = upsert(cooperative, seen)
    finally:
        event.remove(Session, "before_flush", other_pull_first)

    assert raced
    assert moved is False  # the other pull moved the stock
    assert len(stored(cooperative, "RACE-1")) == 1
    assert on_hand(cooperative) == STOCK - 2
