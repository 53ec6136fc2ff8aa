"""Settlements pulled from each sandbox over HTTP: fees by kind, net, final, rollups."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func
from sqlalchemy import select

from marketplace import jobs
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales import services
from marketplace.sales import settlements
from marketplace.sales import tasks
from marketplace.sales.models import Order
from marketplace.sales.models import SalesDaily
from marketplace.sales.models import SalesEntry
from marketplace.shops.models import Shop
from tests.sales.conftest import PLATFORMS
from tests.sales.conftest import Cooperative
from tests.sales.test_orders import move
from tests.sales.test_orders import place
from tests.sales.test_orders import pull

pytestmark = pytest.mark.worker
PRICE = 115_000  # CAFE-0-250: 90 000 + 250 × 100
DONE = {"shopee": "COMPLETED", "lazada": "delivered", "tiktok": "COMPLETED"}
RETURNED = {"shopee": "TO_RETURN", "lazada": "returned"}


def tax(gross: int) -> int:
    """1 % VAT + 0.5 % PIT (the sandboxes' UNVERIFIED rates), rounded as they do."""
    return round(gross * 0.01) + round(gross * 0.005)


def expected_fees(platform: str, units: int) -> dict[str, int]:
    """The fees each sandbox's published (or UNVERIFIED) rates give for ``units`` units."""
    gross = PRICE * units
    if platform == "shopee":
        rates = {"commission": 0.05, "service": 0.03, "transaction": 0.04}
        return {k: round(gross * r) for k, r in rates.items()} | {"shipping": 7_000}
    if platform == "lazada":  # one row per unit
        per_unit = {"commission": 0.05, "transaction": 0.02}
        return {k: units * round(PRICE * r) for k, r in per_unit.items()} | {"shipping": 12_000}
    return {
        "commission": round(gross * 0.04),
        "transaction": round(gross * 0.05),
        "shipping": 15_000,
    }


def set_status(coop: Cooperative, platform: str, order_id: str, status: str, **extra: int) -> None:
    """Move a sandbox order to a state in the platform's own words."""
    url = f"{coop.envs[platform].base_url}/_sandbox/orders/{order_id}/status"
    requests.post(url, json={"status": status, **extra}, timeout=10).raise_for_status()


def later(coop: Cooperative, platform: str) -> None:
    """Move the sandbox's clock two seconds on, so that the next change has a later update
    time than the last pull saw (update times are whole seconds)."""
    url = f"{coop.envs[platform].base_url}/_sandbox/clock"
    requests.post(url, json={"advance": 2}, timeout=10).raise_for_status()


def pull_ahead(coop: Cooperative, platform: str) -> None:
    """An order pull whose window reaches past the sandbox's advanced clock."""
    with coop.app.app_context():
        shop = db.session.get_one(Shop, coop.shops[platform])
        services.pull_orders(shop, utcnow() + timedelta(seconds=30))
        db.session.commit()
        db.session.remove()


def settle(coop: Cooperative, platform: str) -> int:
    with coop.app.app_context():
        changed = settlements.pull_settlements(db.session.get_one(Shop, coop.shops[platform]))
        db.session.commit()
        db.session.remove()
    return changed


def order_of(coop: Cooperative, platform: str, order_id: str) -> Order:
    """The order as stored (sandboxes number orders alike: look in this test's shop)."""
    order = db.session.scalar(
        select(Order).where(
            Order.shop_id == coop.shops[platform], Order.platform_order_id == order_id
        )
    )
    assert order is not None
    return order


def daily(coop: Cooperative, platform: str) -> tuple[int, int, int, int]:
    """(gross, net, unsettled_gross, units) of the shop's daily rollups, all days."""
    row = db.session.execute(
        select(
            func.sum(SalesDaily.gross),
            func.sum(SalesDaily.net),
            func.sum(SalesDaily.unsettled_gross),
            func.sum(SalesDaily.units),
        ).where(SalesDaily.shop_id == coop.shops[platform])
    ).one()
    return tuple(int(v or 0) for v in row)  # type: ignore[return-value]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_completed_order_settles_with_fees_by_kind(
    cooperative: Cooperative, platform: str
) -> None:
    order_id = place(cooperative, platform, "open", 2)
    pull(cooperative, platform)
    with cooperative.app.app_context():
        assert daily(cooperative, platform) == (2 * PRICE, 0, 2 * PRICE, 2)
        db.session.remove()

    set_status(cooperative, platform, order_id, DONE[platform])
    pull(cooperative, platform)
    with cooperative.app.app_context():  # the pull saw it complete: its money is wanted
        assert settlements.awaiting(cooperative.shops[platform])
        db.session.remove()
    assert settle(cooperative, platform) == 1

    gross = 2 * PRICE
    fees = expected_fees(platform, 2)
    with cooperative.app.app_context():
        order = order_of(cooperative, platform, order_id)
        assert order.gross == gross
        assert order.fees == fees
        assert order.tax_withheld == tax(gross)
        assert order.net == gross - sum(fees.values()) - tax(gross)
        assert order.platform_settlement  # the platform's own figures, as sent
        assert order.settlement_final is True
        assert order.settlement_fetched_at is not None
        assert daily(cooperative, platform) == (gross, order.net, 0, 2)
        assert not settlements.awaiting(cooperative.shops[platform])
        db.session.remove()


def test_a_revision_before_final_is_pulled_again_and_a_final_one_never(
    cooperative: Cooperative,
) -> None:
    order_id = place(cooperative, "tiktok", "open", 3)
    set_status(cooperative, "tiktok", order_id, "DELIVERED")  # statement still processing
    pull(cooperative, "tiktok")
    assert settle(cooperative, "tiktok") == 1
    with cooperative.app.app_context():
        order = order_of(cooperative, "tiktok", order_id)
        first_net, final = order.net, order.settlement_final
        db.session.remove()
    assert final is False

    set_status(cooperative, "tiktok", order_id, "DELIVERED", returned=1)  # one unit back
    assert settle(cooperative, "tiktok") == 1
    with cooperative.app.app_context():
        order = order_of(cooperative, "tiktok", order_id)
        assert order.fees["refund"] == PRICE
        assert order.net is not None
        assert first_net is not None
        assert order.net < first_net
        assert order.settlement_final is False
        db.session.remove()

    later(cooperative, "tiktok")
    set_status(cooperative, "tiktok", order_id, "COMPLETED", returned=0)
    pull_ahead(cooperative, "tiktok")
    settle(cooperative, "tiktok")
    with cooperative.app.app_context():
        order = order_of(cooperative, "tiktok", order_id)
        assert order.settlement_final is True
        fetched, net = order.settlement_fetched_at, order.net
        # The returned unit came off: two units' gross, the net the platform paid.
        assert daily(cooperative, "tiktok") == (2 * PRICE, net, 0, 2)
        db.session.remove()

    # Final: not asked again, even when the platform would fail.
    faults = f"{cooperative.envs['tiktok'].base_url}/_sandbox/faults"
    requests.post(faults, json={"error_share": 1.0}, timeout=10).raise_for_status()
    assert settle(cooperative, "tiktok") == 0
    with cooperative.app.app_context():
        assert order_of(cooperative, "tiktok", order_id).settlement_fetched_at == fetched
        db.session.remove()


@pytest.mark.parametrize("platform", ["shopee", "lazada"])
def test_a_returned_order_comes_off_when_it_happened(
    cooperative: Cooperative, platform: str
) -> None:
    order_id = place(cooperative, platform, "open", 1)
    set_status(cooperative, platform, order_id, DONE[platform])
    pull(cooperative, platform)
    settle(cooperative, platform)
    later(cooperative, platform)
    set_status(cooperative, platform, order_id, RETURNED[platform])
    pull_ahead(cooperative, platform)
    settle(cooperative, platform)

    with cooperative.app.app_context():
        order = order_of(cooperative, platform, order_id)
        assert order.settlement_final is True
        assert order.fees["refund"] == PRICE
        entries = db.session.scalars(
            select(SalesEntry).where(SalesEntry.order_id == order.id).order_by(SalesEntry.id)
        ).all()
        placed: date = ledger.vietnam_day(order.placed_at)
        returned = [e for e in entries if e.gross < 0]
        # Booked on the day of the platform's update that returned it (the sandboxes'
        # clocks cannot move days ahead: their signatures check the time).
        assert [e.day for e in returned] == [ledger.vietnam_day(order.platform_updated_at)]
        assert entries[0].day == placed
        assert entries[0].gross == PRICE
        assert sum(e.gross for e in entries) == 0
        assert sum(e.units for e in entries) == 0
        # What the cooperative still paid (Lazada keeps its payment fee and shipping).
        assert sum(e.net for e in entries) == order.net
        db.session.remove()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_cancelled_order_settles_at_nothing(cooperative: Cooperative, platform: str) -> None:
    order_id = place(cooperative, platform, "open", 2)
    pull(cooperative, platform)
    move(cooperative, platform, order_id, "cancelled")
    pull(cooperative, platform)
    settle(cooperative, platform)
    with cooperative.app.app_context():
        order = order_of(cooperative, platform, order_id)
        assert (order.gross, order.fees, order.net, order.tax_withheld) == (0, {}, 0, 0)
        assert order.settlement_final is True
        assert daily(cooperative, platform) == (0, 0, 0, 0)
        db.session.remove()


def test_the_platform_failing_changes_nothing_and_the_job_says_why(
    cooperative: Cooperative,
) -> None:
    order_id = place(cooperative, "shopee", "open", 1)
    set_status(cooperative, "shopee", order_id, "COMPLETED")
    pull(cooperative, "shopee")
    faults = f"{cooperative.envs['shopee'].base_url}/_sandbox/faults"
    requests.post(faults, json={"error_share": 1.0}, timeout=10).raise_for_status()
    shop_id = cooperative.shops["shopee"]
    with cooperative.app.app_context():
        record = tasks.pull_shop_settlements.enqueue(
            shop_id=shop_id, for_cooperative=cooperative.id
        )
        db.session.commit()
        tasks.pull_shop_settlements(record.id, shop_id)
        record = db.session.get_one(jobs.JobRecord, record.id)
        assert record.status == "failed"
        assert record.message == tasks.UNREACHABLE
        order = order_of(cooperative, "shopee", order_id)
        assert (order.net, order.settlement_fetched_at, order.settlement_final) == (
            None,
            None,
            False,
        )
        assert daily(cooperative, "shopee") == (PRICE, 0, PRICE, 1)
        db.session.remove()
    with (
        cooperative.app.app_context(),
        cooperative.app.test_request_context(headers={"Accept-Language": "vi"}),
    ):
        from flask_babel import gettext

        assert "không" in gettext(tasks.UNREACHABLE).lower()


def test_the_cron_queues_a_settlement_pull_per_shop(cooperative: Cooperative) -> None:
    with cooperative.app.app_context():
        assert tasks.pull_all_settlements() >= len(PLATFORMS)
        for shop_id in cooperative.shops.values():
            record = db.session.get(jobs.JobRecord, f"pull-settlements-{shop_id}")
            assert record is not None
            assert record.kind == "settlement_pull"
        db.session.remove()
