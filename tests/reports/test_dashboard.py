"""The dashboard page: who may see what, the period form, drill-downs, bad input."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.reports.conftest import World

NOV = "/reports/?kind=month&year=2026&month=11"


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_the_officials_home_leads_to_the_dashboard(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    assert client.get("/").headers["Location"].endswith("/reports/")


def test_the_province_official_sees_the_province(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    html = page(client, NOV)
    assert "1.210.000\u00a0₫" in html  # November's gross, the withholding household left out
    assert "Xã Chiềng An" in html
    assert "Xã Mường Bình" in html
    assert "Số liệu đến" in html
    assert f"area={world.commune_a.id}" in html  # the drill-down to a commune


def test_an_official_of_commune_a_sees_nothing_of_commune_b(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official_a)
    html = page(client, NOV)
    assert ">400.000\u00a0₫<" in html
    assert "DN Cà phê B" not in html
    assert "Xã Mường Bình" not in html
    assert "810.000" not in html
    assert "1.210.000" not in html
    page(client, f"{NOV}&area={world.commune_b.id}", 404)
    page(client, f"{NOV}&area={world.province.id}", 404)
    page(client, f"{NOV}&cooperative={world.coop_b.id}", 404)


def test_an_official_of_another_province_gets_nothing(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    from marketplace.auth.models import Role
    from tests import factories

    elsewhere = factories.ProvinceFactory(name="Điện Biên")
    stranger = factories.UserFactory(role=Role.OFFICIAL, area_id=elsewhere.id)
    auth.login_as(stranger)
    html = page(client, NOV)
    assert "HTX Chè A" not in html
    assert "1.210.000" not in html
    page(client, f"{NOV}&cooperative={world.coop_a.id}", 404)
    page(client, f"{NOV}&area={world.commune_a.id}", 404)


def test_a_manager_gets_403(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login_as(world.manager)
    page(client, NOV, 403)


def test_drill_down_to_commune_then_cooperative(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    html = page(client, f"{NOV}&area={world.commune_a.id}")
    assert ">400.000\u00a0₫<" in html
    assert "DN Cà phê B" not in html
    assert f"cooperative={world.coop_a.id}" in html
    html = page(client, f"{NOV}&cooperative={world.coop_a.id}")
    assert "400.000\u00a0₫" in html
    assert "Mật ong" not in html


def test_admin_may_pick_any_area(client: FlaskClient, auth: AuthActions, world: World) -> None:
    from marketplace.auth.models import Role
    from tests import factories

    auth.login_as(factories.UserFactory(role=Role.ADMIN))
    html = page(client, f"{NOV}&area={world.commune_b.id}")
    assert "810.000\u00a0₫" in html
    assert f'<option value="{world.commune_b.id}" selected>' in html


def test_comparisons_with_previous_period(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    html = page(client, f"{NOV}&area={world.commune_b.id}")
    # November 810.000 against October 90.000: +800 %
    assert "+800 %" in html


def test_adjustments_and_restated_months_are_told(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    html = page(client, NOV)
    assert "bao gồm" in html
    assert "-20.000" in html


def test_a_closed_month_changed_after_it_ended_is_told(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    from datetime import UTC
    from datetime import date
    from datetime import datetime

    from marketplace.extensions import db
    from tests.reports.conftest import daily

    late = daily(world.coop_a, world.tea.id, date(2024, 3, 31), "shopee", gross=5_000)
    late.updated_at = datetime(2024, 4, 2, 3, tzinfo=UTC)  # a late pull, after March closed
    timely = daily(world.coop_a, world.tea.id, date(2024, 4, 10), "shopee", gross=7_000)
    timely.updated_at = datetime(2024, 4, 10, 3, tzinfo=UTC)
    db.session.flush()
    auth.login_as(world.official)
    html = page(client, "/reports/?kind=quarter&year=2024&quarter=1")
    assert "Số liệu tháng 03/2024 đã được điều chỉnh lúc 02/04/2024 10:00" in html
    html = page(client, "/reports/?kind=month&year=2024&month=4")
    assert "sau khi tháng đó đã khép lại" not in html


BAD = [
    ("/reports/?kind=custom&start=2026-13-01&end=2026-11-30", "Ngày không hợp lệ"),
    ("/reports/?kind=custom&start=2026-11-30&end=2026-11-01", "Ngày đầu không được sau ngày cuối"),
    ("/reports/?kind=custom&start=2026-11-30", "Hãy chọn cả ngày đầu và ngày cuối"),
    ("/reports/?kind=custom&start=0001-01-01&end=2026-01-01", "từ năm 2000 đến năm 2100"),
    ("/reports/?kind=week", "Lựa chọn không hợp lệ"),
    ("/reports/?kind=month&year=99999", "Hãy chọn năm từ 2000 đến 2100"),
    ("/reports/?kind=month&year=2026&month=13", "Lựa chọn không hợp lệ"),
    ("/reports/?format=xlsx&table=buyers", "Lựa chọn không hợp lệ"),
    ("/reports/?format=pdf&table=totals", "Lựa chọn không hợp lệ"),
    ("/reports/?format=xlsx", "Hãy chọn bảng cần tải về"),
    ("/reports/?area=99999999999999999999", "Không có khu vực hay hợp tác xã này"),
    ("/reports/?cooperative=abc", "Số nguyên không hợp lệ"),
]


def test_bad_input_gets_a_vietnamese_message(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    for url, message in BAD:
        html = page(client, url, 400)
        assert message in html, url
        assert "1.210.000" not in html


def test_huge_ids_inside_range_are_404(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    page(client, f"{NOV}&area={2**31 - 1}", 404)
    page(client, f"{NOV}&cooperative={2**31 - 1}", 404)


def _count(app: Any, client: FlaskClient, url: str) -> int:
    from sqlalchemy import event

    from marketplace.extensions import db

    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_page_runs_a_constant_number_of_queries(
    app: Any, client: FlaskClient, auth: AuthActions, world: World
) -> None:
    from datetime import date

    from marketplace.extensions import db
    from tests import factories
    from tests.reports.conftest import daily

    auth.login_as(world.official)
    _count(app, client, NOV)  # the tests' shared session keeps what a first request loaded
    before = _count(app, client, NOV)
    for n in range(6):
        coop = factories.CooperativeFactory(area=world.commune_b)
        product = factories.ProductFactory(cooperative=coop, ocop_stars=3)
        daily(coop, product.id, date(2026, 11, 1 + n), "tiktok", orders=1, units=1, gross=1000)
    db.session.flush()
    assert _count(app, client, NOV) == before


def test_figures_up_to_the_oldest_pull_of_the_areas_shops(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    from datetime import UTC
    from datetime import datetime

    from marketplace.extensions import db
    from tests.shops.shop_rows import make_shop

    early = make_shop(world.coop_a, "shopee", "fresh-a")
    late = make_shop(world.coop_b, "lazada", "fresh-b")
    early.last_orders_pulled_at = datetime(2026, 12, 5, 7, 5, tzinfo=UTC)  # 14:05 in Vietnam
    late.last_orders_pulled_at = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    db.session.flush()
    auth.login_as(world.official)
    assert "Số liệu đến 14:05 05/12/2026" in page(client, NOV)
    # commune B's figures are as fresh as its own shop
    assert "Số liệu đến 16:00 05/12/2026" in page(client, f"{NOV}&area={world.commune_b.id}")
