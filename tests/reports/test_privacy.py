"""The suppression rule in the page and both exports; exports equal the page's figures."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from datetime import datetime

from flask.testing import FlaskClient
from openpyxl import load_workbook

from marketplace.extensions import db
from marketplace.reports import privacy
from marketplace.reports.export import HEADER_ROW
from marketplace.reports.queries import Figures
from marketplace.reports.queries import Withheld
from tests.conftest import AuthActions
from tests.reports.conftest import World

NOV = "/reports/?kind=month&year=2026&month=11"


def xlsx(client: FlaskClient, url: str) -> list[list[object]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def csv_rows(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_a_cell_of_only_a_withholding_household_is_hidden() -> None:
    assert privacy.guard(Figures(gross=50), Withheld(1, 1, Figures(gross=50))) is None
    assert privacy.guard(Figures(gross=90), Withheld(2, 2, Figures(gross=90))) is None


def test_a_mixed_cell_is_shown_without_the_household() -> None:
    got = privacy.guard(Figures(orders=3, gross=450), Withheld(2, 1, Figures(orders=1, gross=50)))
    assert got == Figures(orders=2, gross=400)


def test_rows_are_guarded_and_sorted_again_hidden_last() -> None:
    rows = [("a", Figures(gross=900)), ("h", Figures(gross=800)), ("b", Figures(gross=100))]
    parts = {"h": Withheld(1, 1, Figures(gross=800)), "a": Withheld(2, 1, Figures(gross=850))}
    assert privacy.guard_rows(rows, parts) == [
        ("b", Figures(gross=100)),
        ("a", Figures(gross=50)),
        ("h", None),
    ]


def test_no_difference_gives_the_household_back(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    """Province total minus every other cooperative (each on its own page) is zero."""
    auth.login_as(world.official)
    total = xlsx(client, f"{NOV}&format=xlsx&table=totals")[HEADER_ROW + 2][1]
    others = 0
    for coop in (world.coop_a, world.coop_b):
        url = f"{NOV}&cooperative={coop.id}&format=xlsx&table=totals"
        others += xlsx(client, url)[HEADER_ROW + 2][1]
    assert total == others == 1_210_000


def test_the_page_hides_the_household(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login_as(world.official)
    html = client.get(NOV).get_data(as_text=True)
    assert "Hộ Mật ong" in html  # the row is there…
    assert ">50.000\u00a0₫<" not in html  # …its figure is not
    assert ">45.000\u00a0₫<" not in html
    assert "Mật ong</th>" not in html  # its product is left out of the top products
    # the drill-down into the household shows dashes, not its sales
    html = client.get(f"{NOV}&cooperative={world.house_a.id}").get_data(as_text=True)
    assert ">50.000\u00a0₫<" not in html
    assert "—" in html


def test_once_it_agrees_its_figures_show(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    world.house_a.shares_sales_figures = True
    db.session.flush()
    auth.login_as(world.official)
    html = client.get(NOV).get_data(as_text=True)
    assert ">50.000\u00a0₫<" in html
    assert ">1.260.000\u00a0₫<" in html


def test_exports_hide_it_too(client: FlaskClient, auth: AuthActions, world: World) -> None:
    auth.login_as(world.official)
    rows = xlsx(client, f"{NOV}&format=xlsx&table=cooperative")
    body = {row[0]: row[1:] for row in rows[HEADER_ROW:]}
    assert body["Hộ Mật ong"] == ["—"] * 5
    assert body["DN Cà phê B"][2] == 810_000
    text = csv_rows(client, f"{NOV}&format=csv&table=cooperative")
    by_name = {row[0]: row[1:] for row in text[HEADER_ROW:]}
    assert by_name["Hộ Mật ong"] == ["—"] * 5
    assert by_name["DN Cà phê B"][2] == "810000"
    subject = xlsx(client, f"{NOV}&format=xlsx&table=subject")
    household = [row for row in subject[HEADER_ROW:] if row[0] == "Hộ kinh doanh"]
    assert household
    assert household[0][1:] == ["—"] * 5


def test_the_xlsx_equals_the_page(client: FlaskClient, auth: AuthActions, world: World) -> None:
    from marketplace.common.formatting import money

    auth.login_as(world.official)
    html = client.get(NOV).get_data(as_text=True)
    for table in ("totals", "channel", "commune", "stars", "trend", "accounts"):
        rows = xlsx(client, f"{NOV}&format=xlsx&table={table}")
        assert rows[HEADER_ROW - 1][0]  # the header row
        for row in rows[HEADER_ROW:]:
            assert str(row[0]) in html
            for value in row[1:]:
                if isinstance(value, int):
                    with client.application.test_request_context():
                        shown = {f">{money(value)}<", f">{value}<", f">{value:+d} %<"}
                    assert any(s in html for s in shown), (table, row, value)
    channel = xlsx(client, f"{NOV}&format=xlsx&table=channel")
    assert [(r[0], r[3]) for r in channel[HEADER_ROW:]] == [
        ("Shopee", 1_100_000),  # without the household's 50.000
        ("Lazada", 110_000),
    ]
    totals = xlsx(client, f"{NOV}&format=xlsx&table=totals")
    assert totals[HEADER_ROW + 2][1] == 1_210_000  # gross, this period, without the household
    assert totals[2][0].startswith("Từ 01/11/2026")
    assert totals[3][0].startswith("Số liệu đến")


def test_the_csv_carries_the_same_rows(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    auth.login_as(world.official)
    book = xlsx(client, f"{NOV}&format=xlsx&table=commune")
    text = csv_rows(client, f"{NOV}&format=csv&table=commune")
    assert [[str(v) for v in row] for row in book[HEADER_ROW - 1 :]] == text[HEADER_ROW - 1 :]


def test_orders_booked_by_the_ledger_show_on_the_page(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    """Orders upserted as a pull upserts them and booked by the ledger, not rows by hand."""
    from marketplace.connectors.types import Order as RemoteOrder
    from marketplace.connectors.types import OrderLine as RemoteLine
    from marketplace.connectors.types import OrderStatus
    from marketplace.sales import services
    from tests.shops.shop_rows import make_shop

    shop = make_shop(world.coop_a, "tiktok", "report-shop")
    sku = world.tea.variants[0].sku
    placed = datetime(2026, 9, 10, 3, tzinfo=UTC)
    line = RemoteLine("L1", sku, sku, 3, 107_000)
    seen = RemoteOrder("SEPT-1", OrderStatus.SHIPPED, "IN_TRANSIT", placed, placed, 321_000, [line])
    services.upsert_order(shop, seen)
    db.session.flush()
    auth.login_as(world.official)
    html = client.get("/reports/?kind=month&year=2026&month=9").get_data(as_text=True)
    assert "321.000\u00a0₫" in html
    assert "TikTok Shop" in html
