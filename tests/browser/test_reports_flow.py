"""An official on a 360 px screen: the dashboard, another period, province → commune →
cooperative, and an XLSX export that opens in openpyxl with the page's figures."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.browser.conftest import LIVE_APPS
from tests.browser.test_account_page import no_axe_violations
from tests.browser.test_catalogue_flow import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def add_sales(base_url: str) -> tuple[str, str, int]:
    """A day of sales for every demo cooperative in October and November 2026 (the demo has
    no order history yet); returns one cooperative's commune, name and October gross."""
    from marketplace.catalog.models import Cooperative
    from marketplace.catalog.models import Product
    from marketplace.extensions import db
    from marketplace.sales import ledger
    from marketplace.sales.models import SalesDaily

    app = LIVE_APPS[base_url]
    with app.app_context():
        coops = db.session.scalars(select(Cooperative).order_by(Cooperative.id)).all()
        for n, coop in enumerate(coops):
            coop.shares_sales_figures = True  # the flow is about drilling, not suppression
            product = db.session.scalar(select(Product.id).where(Product.cooperative_id == coop.id))
            for month, gross in ((10, 1_000_000 * (n + 1)), (11, 700_000 * (n + 1))):
                db.session.add(
                    SalesDaily(
                        day=date(2026, month, 5 + n),
                        cooperative_id=coop.id,
                        area_id=coop.area_id,
                        shop_id=0,
                        channel="shopee" if n % 2 else "lazada",
                        product_id=product or 0,
                        orders=n + 1,
                        units=2 * (n + 1),
                        gross=gross,
                        net=gross * 9 // 10,
                        unsettled_gross=0,
                        adjusted_gross=0,
                        updated_at=datetime(2026, month, 6 + n, tzinfo=UTC),
                    )
                )
        db.session.flush()
        ledger.rebuild_months(date(2026, 10, 1), date(2026, 11, 30))  # written by hand
        first = coops[0]
        found = (first.area.name, first.name, 1_000_000)
        db.session.commit()
        db.session.remove()
    return found


def shot(page: Any, name: str) -> None:
    no_sideways_scroll(page)
    no_axe_violations(page)
    page.screenshot(path=str(page.output_dir / f"{name}.png"), full_page=True)


def test_official_reads_the_dashboard_on_a_phone(phone: Any, live_server: str) -> None:
    page = phone
    commune, coop, october_gross = add_sales(live_server)
    page.goto("/login")
    page.get_by_label("Email").fill("official@demo.vn")
    page.get_by_label("Mật khẩu").fill("demo1234")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/reports/")
    page.get_by_role("heading", name="Báo cáo bán hàng: Tỉnh Sơn La").wait_for()
    page.get_by_text("Số liệu đến").first.wait_for()
    shot(page, "1-dashboard")

    # Another period: October 2026.
    page.get_by_label("Kỳ báo cáo", exact=True).select_option("month")
    page.get_by_label("Năm", exact=True).fill("2026")
    page.get_by_label("Tháng", exact=True).select_option("10")
    page.get_by_role("button", name="Xem").click()
    page.get_by_text("Từ 01/10/2026 đến 31/10/2026").wait_for()
    assert page.locator("svg.chart title").count() == 3  # drawn on the server
    shot(page, "2-october")

    # Province → commune → cooperative.
    page.locator("#table-commune").get_by_role("link", name=commune).click()
    page.get_by_role("heading", name=f"Báo cáo bán hàng: {commune}").wait_for()
    assert "month=10" in page.url
    shot(page, "3-commune")
    page.locator("#table-cooperative").get_by_role("link", name=coop).click()
    page.get_by_role("heading", name=f"Báo cáo bán hàng: {coop}").wait_for()
    gross_cell = page.locator("#table-totals tbody tr").nth(2).locator("td").first
    assert gross_cell.inner_text().replace("\u00a0", " ") == "1.000.000 ₫"
    shot(page, "4-cooperative")

    # The totals as XLSX: the download arrives and holds the page's figures.
    with page.expect_download() as info:
        page.get_by_role("link", name="So sánh tổng số dạng Excel (XLSX)").click()
    path = Path(info.value.path())
    book = load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "So sánh tổng số"
    gross = next(row for row in rows if row[0] == "Doanh thu gộp")
    assert gross[1] == october_gross
    # printed, the page is the report an official sends up
    page.emulate_media(media="print")
    assert page.locator("form.period-form").is_hidden()
    page.screenshot(path=str(page.output_dir / "5-print.png"), full_page=True)
