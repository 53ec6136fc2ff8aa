"""A manager on a phone opens "Tài khoản": readable at 360 px, no accessibility violation,
the profile saves, a wrong current password is told beside its field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_catalogue_flow import log_in
from tests.browser.test_catalogue_flow import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def no_axe_violations(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_manager_edits_the_account_on_a_phone(phone: Any) -> None:
    page = phone
    log_in(page, "manager@demo.vn")
    page.get_by_role("link", name="Tài khoản").click()
    page.get_by_role("heading", name="Tài khoản của bạn").wait_for()
    no_sideways_scroll(page)
    no_axe_violations(page)
    page.screenshot(path=str(page.output_dir / "account.png"), full_page=True)

    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu hồ sơ.").wait_for()
    assert page.get_by_label("Số điện thoại").input_value() == "0912 345 678"

    page.get_by_label("Mật khẩu hiện tại").fill("không phải mật khẩu")
    page.get_by_label("Mật khẩu mới", exact=True).fill("mật khẩu mới 2026")
    page.get_by_label("Nhập lại mật khẩu mới").fill("mật khẩu mới 2026")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.get_by_text("Mật khẩu hiện tại không đúng.").wait_for()
    no_sideways_scroll(page)
    no_axe_violations(page)  # the error is tied to its field (aria-describedby)
    page.screenshot(path=str(page.output_dir / "account-error.png"), full_page=True)
