"""A manager on a phone opens "Doanh số": this month's figures, last month's, and links
an order line's unknown SKU to a product, at 360 px, with no accessibility violation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.connectors.types import Order as RemoteOrder
from marketplace.connectors.types import OrderLine as RemoteLine
from marketplace.connectors.types import OrderStatus
from marketplace.demo import seed_demo
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales import periods
from marketplace.sales import services
from marketplace.sales.models import Order
from tests.browser.conftest import _browser_missing
from tests.browser.test_account_page import no_axe_violations
from tests.browser.test_catalogue_flow import log_in
from tests.browser.test_catalogue_flow import no_sideways_scroll
from tests.conftest import make_app
from tests.connectors.harness import serve
from tests.databases import fresh_database
from tests.databases import redis_url_for
from tests.shops.shop_rows import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.worker]

THIS_MONTH = periods.month(ledger.vietnam_day(utcnow()))
LAST_MONTH = periods.month(THIS_MONTH.start - timedelta(days=1))
UNKNOWN_SKU = "MC-CHE-OLD-100"


def _remote(order_id: str, placed: datetime, lines: list[tuple[str, int, int]]) -> RemoteOrder:
    return RemoteOrder(
        order_id,
        OrderStatus.COMPLETED,
        "COMPLETED",
        placed,
        placed,
        sum(q * p for _, q, p in lines),
        [RemoteLine(f"L{n}", sku, f"Chè {sku}", q, p) for n, (sku, q, p) in enumerate(lines)],
    )


def _add_orders() -> tuple[str, str]:
    """Two orders of manager@demo.vn's cooperative: this month (one line of an unknown
    SKU, settled with fees) and last month; the names of two of its products."""
    manager = db.session.scalar(select(User).where(User.email == "manager@demo.vn"))
    assert manager is not None
    coop = manager.memberships[0].cooperative
    mine = list(
        db.session.scalars(
            select(Variant).where(Variant.cooperative_id == coop.id).order_by(Variant.id)
        )
    )
    first = mine[0]
    second = next(v for v in mine if v.product_id != first.product_id)
    shop = make_shop(coop, "shopee", f"sales-page-{coop.id}")
    placed = datetime.combine(THIS_MONTH.start, time(3, 0), UTC)
    lines = [(first.sku, 3, 120_000), (UNKNOWN_SKU, 2, 45_000)]
    services.upsert_order(shop, _remote("SP-1", placed, lines))
    order = db.session.scalar(select(Order).where(Order.platform_order_id == "SP-1"))
    assert order is not None
    order.gross, order.net = order.total, order.total - 45_000
    order.fees = {"commission": 30_000, "transaction": 15_000}
    ledger.book(order)
    earlier = datetime.combine(LAST_MONTH.start, time(3, 0), UTC)
    services.upsert_order(shop, _remote("SP-0", earlier, [(first.sku, 1, 120_000)]))
    db.session.commit()
    return first.product.name, second.product.name


NAMES: list[str] = []  # the two products' names, set by ``live_server``


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Iterator[str]:
    """The app over HTTP with the demo data and a few orders (no worker: the page needs none)."""
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    instance = tmp_path_factory.mktemp("browser-sales")
    db_url = fresh_database(instance, "browser_sales")
    app = make_app(db_url, redis_url_for(redis_base_url, 2), instance)
    with app.app_context():
        seed_demo()
        db.session.commit()
        NAMES[:] = _add_orders()
        db.session.remove()
    with serve(app) as url:
        yield url


def text(page: Any, selector: str) -> str:
    """What a section reads, its money's no-break spaces as plain ones."""
    return str(page.locator(selector).inner_text()).replace("\xa0", " ")


def test_manager_reads_the_sales_and_links_an_unknown_sku(phone: Any) -> None:
    page = phone  # the conftest's phone, on this module's server
    best, other = NAMES
    log_in(page, "manager@demo.vn")
    page.get_by_role("link", name="Doanh số").click()
    page.get_by_role("heading", name="Doanh số của", exact=False).wait_for()
    assert "450.000 ₫" in text(page, "#totals")  # 3 × 120.000 + 2 × 45.000
    assert "405.000 ₫" in text(page, "#totals")  # net: 45.000 of fees
    fees = text(page, "#fees")
    assert "Hoa hồng sàn" in fees
    assert "30.000 ₫" in fees
    assert "Phí thanh toán" in fees
    assert best in text(page, "#products")
    no_sideways_scroll(page)
    no_axe_violations(page)
    page.screenshot(path=str(page.output_dir / "sales.png"), full_page=True)

    page.get_by_label("Kỳ").select_option(LAST_MONTH.value)
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_url(f"**/sales/?period={LAST_MONTH.value}")
    assert "120.000 ₫" in text(page, "#totals")
    no_sideways_scroll(page)

    unmatched = page.locator("#unmatched")
    assert UNKNOWN_SKU in text(page, "#unmatched")
    choice = page.get_by_label(f"Sản phẩm ứng với {UNKNOWN_SKU}")
    option = choice.locator("option", has_text=other).first
    choice.select_option(option.get_attribute("value"))
    unmatched.get_by_role("button", name="Liên kết").click()
    page.get_by_text("Đã liên kết: 1 dòng đơn hàng", exact=False).wait_for()
    assert "Mọi dòng đơn hàng đều đã liên kết" in text(page, "#unmatched")
    assert other in text(page, "#products")
    assert "Chưa liên kết với sản phẩm" not in text(page, "#products")
    no_sideways_scroll(page)
    no_axe_violations(page)
    page.screenshot(path=str(page.output_dir / "sales-linked.png"), full_page=True)
