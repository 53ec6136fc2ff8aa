"""A shop whose orders were last pulled more than three minutes ago is a problem, said in
Vietnamese on /shops (per shop) and on the manager's home, the product list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

BANNER = "Đơn hàng của Gian hàng Chè Mộc Châu (Lazada) cập nhật lần cuối"
NEVER = "Đơn hàng của Gian hàng Chè Mộc Châu (Lazada) chưa được tải lần nào"
FACT = "Đơn hàng cập nhật lần cuối"


def shop(cooperative: Any, pulled_ago: timedelta | None, **kw: Any) -> Shop:
    """A Lazada shop connected an hour ago, its orders last pulled ``pulled_ago`` ago."""
    now = utcnow()
    made = Shop(
        cooperative_id=cooperative.id,
        platform="lazada",
        platform_shop_id="VN-MOC-CHAU",
        name="Gian hàng Chè Mộc Châu",
        access_token="a",
        refresh_token="r",
        access_expires_at=now + timedelta(days=7),
        created_at=now - timedelta(hours=1),
        last_orders_pulled_at=None if pulled_ago is None else now - pulled_ago,
        **kw,
    )
    db.session.add(made)
    db.session.flush()
    return made


def pages(client: Any) -> tuple[str, str]:
    """/shops and the manager's home (it leads to the product list)."""
    home = client.get("/", follow_redirects=True)
    assert home.request.path == "/products/"
    return client.get("/shops/").get_data(as_text=True), home.get_data(as_text=True)


def test_a_pull_older_than_three_minutes_is_a_problem_on_shops_and_home(
    client: Any, auth: Any, manager: Any, cooperative: Any
) -> None:
    made = shop(cooperative, timedelta(minutes=10))
    auth.login_as(manager)
    shops_page, home = pages(client)
    when = (made.last_orders_pulled_at + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")
    assert f"{BANNER} {when}" in shops_page
    assert f"{BANNER} {when}" in home
    assert FACT in shops_page
    assert "(chậm)" in shops_page  # the shop's own line says it is late


@pytest.mark.parametrize(
    ("pulled_ago", "status"),
    [
        (timedelta(seconds=50), ShopStatus.CONNECTED),  # pulled within the minute: fine
        (timedelta(minutes=10), ShopStatus.DISCONNECTED),  # nothing to pull any more
    ],
)
def test_a_recent_pull_or_a_disconnected_shop_is_no_problem(
    client: Any,
    auth: Any,
    manager: Any,
    cooperative: Any,
    pulled_ago: timedelta,
    status: ShopStatus,
) -> None:
    shop(cooperative, pulled_ago, status=status)
    auth.login_as(manager)
    shops_page, home = pages(client)
    assert BANNER not in shops_page
    assert BANNER not in home
    assert "(chậm)" not in shops_page


def test_a_shop_never_pulled_since_connecting_is_a_problem(
    client: Any, auth: Any, manager: Any, cooperative: Any
) -> None:
    shop(cooperative, None)
    auth.login_as(manager)
    shops_page, home = pages(client)
    assert NEVER in shops_page
    assert NEVER in home


def test_another_cooperatives_late_shop_is_not_shown(
    client: Any, auth: Any, manager: Any, other_cooperative: Any
) -> None:
    shop(other_cooperative, timedelta(minutes=10))
    auth.login_as(manager)
    shops_page, home = pages(client)
    assert BANNER not in shops_page + home
