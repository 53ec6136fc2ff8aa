"""/shops shows each shop's history walk: a progress bar while it runs, how far back it
went when done; "pull again" is a manager's, for a connected shop of their cooperative."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select

from marketplace import jobs
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.sales.models import OrderHistory
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests import factories


def shop(cooperative: Any, name: str = "VN-MOC-CHAU", **kw: Any) -> Shop:
    now = utcnow()
    made = Shop(
        cooperative_id=cooperative.id,
        platform="lazada",
        platform_shop_id=name,
        name=f"Gian hàng {name}",
        access_token="a",
        refresh_token="r",
        access_expires_at=now + timedelta(days=7),
        last_orders_pulled_at=now,
        **kw,
    )
    db.session.add(made)
    db.session.flush()
    return made


def walk(made: Shop, done: int, finished: bool = False) -> OrderHistory:
    anchor = datetime(2026, 12, 1, 3, tzinfo=UTC)
    state = OrderHistory(
        shop_id=made.id,
        anchor=anchor,
        oldest=anchor - timedelta(days=365),
        reached=anchor - timedelta(days=15 * done),
        windows_total=25,
        windows_done=done,
        orders_seen=42,
        finished_at=utcnow() if finished else None,
    )
    db.session.add(state)
    db.session.flush()
    return state


def histories() -> int:
    return int(db.session.scalar(select(func.count()).select_from(OrderHistory)) or 0)


def test_a_running_walk_shows_its_bar_and_a_finished_one_how_far_back(
    client: Any, auth: Any, manager: Any, cooperative: Any
) -> None:
    running, done, never = shop(cooperative, "A"), shop(cooperative, "B"), shop(cooperative, "C")
    walk(running, 5)
    walk(done, 25, finished=True)
    auth.login_as(manager)

    page = client.get("/shops/").get_data(as_text=True)

    assert f'data-job-url="/jobs/pull-history-{running.id}"' in page
    assert '<progress max="100" value="20"' in page
    assert "Đang lấy đơn hàng cũ: xong 5 trên 25 đợt." in page
    assert "Lịch sử đơn hàng: đã lấy đến 12/2025" in page  # 1 Dec 2025 10:00 in Vietnam
    assert "42 đơn hàng" in page
    assert "Chưa lấy đơn hàng cũ." in page
    assert page.count(">Lấy lại đơn hàng cũ</button>") == 1  # not while one runs
    assert page.count(">Lấy đơn hàng cũ</button>") == 1
    assert never.id  # the card without a walk got the first button


def test_the_page_reads_the_walks_once_whatever_the_number_of_shops(
    app: Any, client: Any, auth: Any, manager: Any, cooperative: Any
) -> None:
    auth.login_as(manager)
    walk(shop(cooperative, "A"), 3)
    counted: list[str] = []

    def count(*args: Any) -> None:
        counted.append(args[2])

    client.get("/shops/")  # the first page after login also loads what the session caches
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get("/shops/")
        one = len(counted)
        for name in ("B", "C", "D"):
            walk(shop(cooperative, name), 7, finished=name == "C")
        counted.clear()
        client.get("/shops/")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(counted) == one, counted


def test_a_manager_pulls_the_history_again(
    client: Any, auth: Any, manager: Any, cooperative: Any
) -> None:
    made = shop(cooperative)
    walk(made, 25, finished=True)
    auth.login_as(manager)

    response = client.post(f"/shops/{made.id}/history", follow_redirects=True)

    assert "Đơn hàng cũ đang được lấy về ở chế độ nền." in response.get_data(as_text=True)
    record = db.session.get_one(jobs.JobRecord, f"pull-history-{made.id}")
    assert (record.status, record.queue, record.user_id) == (jobs.QUEUED, jobs.DEFAULT, manager.id)
    state = db.session.get_one(OrderHistory, made.id)
    db.session.refresh(state)
    assert (state.windows_done, state.finished_at) == (0, None)  # a fresh walk from now


def test_a_disconnected_shop_is_refused_and_nothing_is_queued(
    client: Any, auth: Any, manager: Any, cooperative: Any
) -> None:
    made = shop(cooperative, status=ShopStatus.DISCONNECTED)
    auth.login_as(manager)

    response = client.post(f"/shops/{made.id}/history", follow_redirects=True)

    assert "Chỉ lấy được đơn hàng cũ từ gian hàng đang kết nối." in response.get_data(as_text=True)
    assert db.session.get(jobs.JobRecord, f"pull-history-{made.id}") is None
    assert histories() == 0


def test_another_cooperatives_shop_is_404_and_staff_get_403(
    client: Any, auth: Any, cooperative: Any, other_manager: Any
) -> None:
    made = shop(cooperative)
    auth.login_as(other_manager)
    assert client.post(f"/shops/{made.id}/history").status_code == 404
    auth.logout()
    auth.login_as(factories.member(cooperative, role="staff"))
    assert client.post(f"/shops/{made.id}/history").status_code == 403
    assert db.session.get(jobs.JobRecord, f"pull-history-{made.id}") is None
    assert histories() == 0
