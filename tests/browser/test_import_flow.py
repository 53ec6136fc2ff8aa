"""A manager on a phone reads the listings a shop already has, and links one to a product."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from marketplace.connectors.http import HttpClient
from marketplace.connectors.shopee import ShopeeConnector
from marketplace.connectors.types import AppConfig
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import VariantPayload
from marketplace.sandbox.shopee import DEMO_PARTNER_ID
from marketplace.sandbox.shopee import DEMO_PARTNER_KEY
from tests.browser import conftest as browser_conftest
from tests.browser.test_catalogue_flow import log_in
from tests.browser.test_catalogue_flow import no_sideways_scroll
from tests.connectors import env_shopee
from tests.connectors.harness import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.worker]
NAME = "Chè Shan Tuyết hộp quà Tết (đăng từ trước)"


@pytest.fixture(scope="module", autouse=True)
def _no_demo_photos() -> Iterator[None]:
    """Photos play no part here: without them the worker is not busy making renditions
    for a minute before it reaches the import job (autouse runs before ``live_server``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(browser_conftest, "add_demo_photos", lambda: None)
        yield


def sell_before_the_app(live_server: str) -> None:
    """The seller's own listing on the (mounted) Shopee sandbox shop, made without our app."""
    base = f"{live_server}/sandbox/shopee"
    app = AppConfig(base, str(DEMO_PARTNER_ID), DEMO_PARTNER_KEY, auth_base_url=base)
    connector = ShopeeConnector(app, HttpClient("shopee:browser-test"))
    params = env_shopee.consent(connector.authorize_url("http://127.0.0.1/callback", "s"))
    params.pop("state", None)
    tokens = connector.exchange_code(params.pop("code"), params)
    shop = ShopeeConnector(app, HttpClient("shopee:browser-test"), tokens)
    image = shop.upload_image(jpeg(), "qua-tet.jpg")
    shop.create_item(
        ItemPayload(
            seller_sku="HTX-QUA-TET",
            name=NAME,
            description_html="<p>Hộp quà Tết chè shan tuyết cổ thụ Mộc Châu.</p>",
            category_id="100861",
            images=[image],
            attributes={"100037": "Việt Nam", "100095": "12 tháng"},
            variants=[
                VariantPayload("QUA-TET-200", 150_000, 4, options={"Hộp": "200 g"}, weight_g=300),
                VariantPayload("QUA-TET-500", 320_000, 2, options={"Hộp": "500 g"}, weight_g=650),
            ],
        )
    )


def test_manager_reads_the_shop_and_links_a_listing(phone: Any, live_server: str) -> None:
    sell_before_the_app(live_server)
    page = phone
    log_in(page, "manager3@demo.vn")
    page.goto("/shops/")
    page.get_by_role("button", name="Kết nối Shopee").click()
    page.get_by_role("button", name="Cấp quyền", exact=True).click()
    page.wait_for_url("**/shops/")
    page.get_by_role("link", name="Đồng bộ").first.click()
    page.get_by_role("link", name="Sản phẩm có sẵn trên gian hàng").click()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Đọc sản phẩm trên gian hàng").click()
    page.get_by_text("Đã đọc xong sản phẩm trên gian hàng.").wait_for(timeout=90_000)
    assert page.locator("progress").get_attribute("value") == "100"
    page.get_by_role("link", name="Xem kết quả").click()

    card = page.locator("li.item", has_text=NAME)
    assert card.get_by_text("Không sản phẩm nào trong danh mục có mã SKU này.").is_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(page.output_dir / "import.png"), full_page=True)
    page.goto(page.url.replace("/import", "/sync"))
    assert "1 sản phẩm trên gian hàng chưa gắn với danh mục." in page.locator("#plan").inner_text()
    page.get_by_role("link", name="Gắn hoặc bỏ qua").click()

    card = page.locator("li.item", has_text=NAME)
    card.locator("select").select_option(index=1)
    card.get_by_role("button", name="Gắn…").click()
    assert page.locator("#what li").count() == 2  # one line per variant of the listing
    no_sideways_scroll(page)
    page.screenshot(path=str(page.output_dir / "link.png"), full_page=True)
    page.get_by_role("button", name="Gắn với").click()
    page.get_by_text("Đã gắn. Lần đồng bộ tới sẽ cập nhật sản phẩm này").wait_for()
    assert page.locator("li.item", has_text=NAME).count() == 0
    no_sideways_scroll(page)
    page.goto(page.url.replace("/import", "/sync"))
    assert page.locator("#unlinked").count() == 0
