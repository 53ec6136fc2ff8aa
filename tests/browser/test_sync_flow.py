"""Issue 5's "done when", on a phone: a manager connects three sandbox shops, maps the
categories, previews and applies a sync to each with its progress bar, sees the listings on
the sandboxes' storefronts, changes one price and sees only that pushed, and reads a
refusal explained in Vietnamese with a link to the field that fixes it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_catalogue_flow import grant_own_shop
from tests.browser.test_catalogue_flow import log_in
from tests.browser.test_catalogue_flow import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.worker]
SHOPS = {"shopee": "Kết nối Shopee", "lazada": "Kết nối Lazada", "tiktok": "Kết nối TikTok Shop"}


def connect(page: Any, button: str, email: str) -> None:
    page.goto("/shops/")
    page.get_by_role("button", name=button).click()
    grant_own_shop(page, email)
    page.wait_for_url("**/shops/")


def sync_pages(page: Any) -> dict[str, str]:
    """Each connected shop's sync page by platform, read off the shops page."""
    page.goto("/shops/")
    titles = {"Shopee": "shopee", "Lazada": "lazada", "TikTok Shop": "tiktok"}
    found = {}
    for card in page.locator("li.shop").all():
        title = card.locator(".title .muted").inner_text().strip("· ").strip()
        found[titles[title]] = card.get_by_role("link", name="Đồng bộ").get_attribute("href")
    return found


def map_categories(page: Any) -> None:
    """Choose a leaf category for each of ours, then a value for each attribute it asks."""
    count = page.locator("form.mapping").count()
    for index in range(count):
        form = page.locator("form.mapping").nth(index)
        form.locator("select").first.select_option(index=1)
        form.get_by_role("button", name="Lưu").click()
        page.get_by_text("Đã lưu.").wait_for()
    for index in range(count):
        form = page.locator("form.mapping").nth(index)
        for field in form.locator("select[name^=attr-]").all():
            field.select_option(index=1)
        for field in form.locator("input[name^=attr-]").all():
            # A numeric attribute (Lazada's shelf life in months) takes a number.
            field.fill("12" if "shelf" in (field.get_attribute("name") or "") else "Việt Nam")
        form.get_by_role("button", name="Lưu").click()
        page.get_by_text("Đã lưu.").wait_for()
    assert page.locator("form.mapping .ok").count() == count


def plan_text(page: Any, url: str) -> str:
    page.goto(url)
    return str(page.locator("#plan").inner_text())


def wait_until_ready(page: Any, url: str) -> None:
    for _ in range(120):  # the worker is still making the demo photos' renditions
        if "0 sản phẩm chưa sẵn sàng" in plan_text(page, url):
            return
        page.wait_for_timeout(1000)
    raise AssertionError(plan_text(page, url))


def apply_sync(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Đồng bộ ngay").click()
    page.get_by_text("Đã đồng bộ xong.").wait_for(timeout=120_000)
    assert page.locator("progress").get_attribute("value") == "100"


TITLES = {"shopee": "Shopee", "lazada": "Lazada", "tiktok": "TikTok Shop"}


def open_storefront(page: Any, platform: str) -> None:
    """The shop's page on the sandbox, reached as the manager does: from its card on /shops."""
    page.goto("/shops/")
    card = page.locator("li.shop", has_text=f"· {TITLES[platform]}")
    card.get_by_role("link", name="Xem trên sàn thử").click()
    page.wait_for_url(f"**/sandbox/{platform}/storefront?shop=*")


def a_listed_product(page: Any) -> tuple[str, str]:
    """The product page URL and first variant SKU of a product now live on Shopee."""
    open_storefront(page, "shopee")
    parent = str(page.locator("li.listing[data-sku^='OCOP-']").first.get_attribute("data-sku"))
    page.goto(f"/products/{parent.removeprefix('OCOP-')}")
    return page.url, page.locator(".variants code").first.inner_text()


def storefront_price(page: Any, platform: str, product_url: str, sku: str) -> str:
    """The price buyers see for the variant on the sandbox's storefront.

    A one-variant product is a model-less item on Shopee, listed under the parent SKU."""
    open_storefront(page, platform)
    listing = page.locator(f"li.listing[data-sku='OCOP-{product_url.rsplit('/', 1)[1]}']")
    assert listing.count() == 1, page.locator("li.listing, tr[data-sku]").evaluate_all(
        "els => els.map(e => e.dataset.sku)"
    )
    row = listing.locator(f"tr[data-sku='{sku}']")
    row = row if row.count() else listing.locator("tr[data-sku]").first
    return str(row.locator("td.price").inner_text()).replace("\xa0", " ")


def edit(page: Any, product_url: str, field: str, value: str) -> None:
    page.goto(product_url)
    page.get_by_role("link", name="Sửa", exact=True).click()
    page.locator(field).fill(value)
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu sản phẩm.").wait_for()


def test_manager_syncs_three_shops_and_follows_a_price_change_and_a_refusal(
    phone: Any,
) -> None:
    page = phone
    log_in(page, "manager6@demo.vn")
    for button in SHOPS.values():
        connect(page, button, "manager6@demo.vn")
    pages = sync_pages(page)
    assert set(pages) == set(SHOPS)

    for platform, url in pages.items():
        page.goto(url)
        map_categories(page)
        wait_until_ready(page, url)
        plan = plan_text(page, url)
        assert "0 sản phẩm mới lên sàn" not in plan
        no_sideways_scroll(page)
        page.screenshot(path=str(page.output_dir / f"plan-{platform}.png"), full_page=True)
        apply_sync(page, url)
        page.screenshot(path=str(page.output_dir / f"synced-{platform}.png"), full_page=True)
        plan = plan_text(page, url)
        assert "0 sản phẩm mới lên sàn" in plan
        assert "0 thay đổi giá/tồn kho" in plan

    product_url, sku = a_listed_product(page)
    for platform in SHOPS:  # the listings, as buyers see them on each sandbox
        assert storefront_price(page, platform, product_url, sku).endswith("₫")
        no_sideways_scroll(page)
        page.screenshot(path=str(page.output_dir / f"storefront-{platform}.png"), full_page=True)

    # One price changes: the preview and the log show that change and nothing else.
    edit(page, product_url, "#variants-0-price", "987000")
    plan = plan_text(page, pages["shopee"])
    assert "0 sản phẩm mới lên sàn" in plan
    assert "0 cập nhật nội dung" in plan
    assert "1 thay đổi giá/tồn kho" in plan
    apply_sync(page, pages["shopee"])
    page.goto(pages["shopee"])
    newest = page.locator("#log li").first.inner_text().replace("\xa0", " ")
    assert sku in newest
    assert "987.000 ₫" in newest
    assert storefront_price(page, "shopee", product_url, sku) == "987.000 ₫"

    # Shopee refuses a description under ten characters: the log explains it in Vietnamese.
    edit(page, product_url, "#description", "Ngon")
    apply_sync(page, pages["shopee"])
    page.goto(pages["shopee"])
    refusal = page.locator("#log li.error").first
    assert "Shopee đã từ chối" in refusal.inner_text()
    assert "Cần sửa:" in refusal.inner_text()
    no_sideways_scroll(page)
    page.screenshot(path=str(page.output_dir / "refusal.png"), full_page=True)
    refusal.get_by_role("link", name="Mô tả").click()
    page.wait_for_url(re.compile(r".*/products/\d+/edit#description$"))
