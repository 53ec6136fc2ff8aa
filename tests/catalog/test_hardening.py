"""Inputs found by a second reading: each refused cleanly or handled, never a 500."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from marketplace.catalog import tasks
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from tests import factories
from tests.catalog.test_product_form import TestEdit


def edit_form(client: Any, product: Product) -> dict[str, str]:
    return TestEdit()._form_for(client, product)


class TestVariantEdits:
    def test_swapping_two_skus_is_saved(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        product = factories.ProductFactory(
            cooperative=cooperative,
            variants=[{"sku": "A-1", "price": 10_000}, {"sku": "B-2", "price": 20_000}],
        )
        auth.login_as(manager)
        form = edit_form(client, product)
        form["variants-0-sku"], form["variants-1-sku"] = "B-2", "A-1"
        assert client.post(f"/products/{product.id}/edit", data=form).status_code == 302
        db.session.expire_all()
        assert {v.sku: v.price for v in product.variants} == {"B-2": 10_000, "A-1": 20_000}

    def test_removing_and_re_adding_a_sku_is_saved(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        product = factories.ProductFactory(
            cooperative=cooperative, variants=[{"sku": "A-1"}, {"sku": "B-2"}]
        )
        auth.login_as(manager)
        form = edit_form(client, product)
        form["variants-1-id"] = "-1"  # a stale or forged id with the product's own SKU
        assert client.post(f"/products/{product.id}/edit", data=form).status_code == 302
        assert sorted(db.session.scalars(select(Variant.sku)).all()) == ["A-1", "B-2"]

    def test_add_variant_at_the_limit_says_so(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        auth.login_as(manager)
        form = {"name": "Chè", "add_variant": "1"} | {
            f"variants-{i}-sku": f"S{i}" for i in range(50)
        }
        html = client.post("/products/new", data=form).get_data(as_text=True)
        assert "Mỗi sản phẩm có tối đa 50 biến thể." in html

    def test_control_characters_are_refused(
        self, client: Any, auth: Any, manager: Any, product_form: dict[str, str]
    ) -> None:
        auth.login_as(manager)
        product_form["name"] = "Chè\x01 Shan Tuyết"
        response = client.post("/products/new", data=product_form)
        assert response.status_code == 422
        assert "Hãy xóa các ký tự điều khiển vô hình." in response.get_data(as_text=True)
        assert db.session.scalars(select(Product)).all() == []


class TestOddRequests:
    @pytest.mark.parametrize(
        "url",
        [
            "/products/99999999999999999999",
            "/products/99999999999999999999/edit",
            "/products/?page=99999999999999999999&category=99999999999999999999&stars=-7",
            "/shops/99999999999999999999/sync",
        ],
        ids=["detail", "edit", "list-args", "shop"],
    )
    def test_huge_numbers_are_not_a_500(
        self, client: Any, auth: Any, manager: Any, url: str
    ) -> None:
        auth.login_as(manager)
        assert client.get(url).status_code in {200, 404}

    @pytest.mark.parametrize(
        "target",
        [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
        ],
        ids=["tab", "double-slash", "backslash", "absolute", "javascript"],
    )
    def test_no_open_redirect(self, client: Any, manager: Any, target: str) -> None:
        login = client.post(
            "/login?next=" + target, data={"email": manager.email, "password": factories.PASSWORD}
        )
        assert login.headers["Location"] == "/"
        switch = client.post("/locale", data={"locale": "vi", "next": target})
        assert switch.headers["Location"] == "/"

    def test_callback_with_a_non_ascii_state(self, client: Any, auth: Any, manager: Any) -> None:
        auth.login_as(manager)
        page = client.get("/shops/callback/shopee?code=x&state=%C3%A9", follow_redirects=True)
        assert "Việc kết nối chưa hoàn tất" in page.get_data(as_text=True)


class TestExportSafety:
    def test_formulas_and_control_characters_in_names(
        self, app: Any, manager: Any, cooperative: Any
    ) -> None:
        factories.ProductFactory(cooperative=cooperative, name='=HYPERLINK("http://x","bấm")')
        factories.ProductFactory(cooperative=cooperative, name="Mận\x0b hậu")
        record = tasks.export_catalog.enqueue(
            cooperative_id=cooperative.id, for_cooperative=cooperative.id, by_user=manager.id
        )
        tasks.export_catalog(record.id, cooperative.id)
        assert record.status == "finished"
        sheet = load_workbook(Path(app.config["EXPORT_DIR"]) / record.result_file).active
        names = [row[0].value for row in sheet.iter_rows(min_row=2)]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        assert '\'=HYPERLINK("http://x","bấm")' in names
        assert not any(re.search(r"[\x00-\x1f]", str(n)) for n in names)

    def test_archived_products_are_left_out(self, app: Any, manager: Any, cooperative: Any) -> None:
        factories.ProductFactory(cooperative=cooperative, name="Chè đang bán")
        factories.ProductFactory(
            cooperative=cooperative, name="Chè nháp", status=ProductStatus.DRAFT
        )
        factories.ProductFactory(
            cooperative=cooperative, name="Chè đã lưu trữ", status=ProductStatus.ARCHIVED
        )
        record = tasks.export_catalog.enqueue(
            cooperative_id=cooperative.id, for_cooperative=cooperative.id, by_user=manager.id
        )
        tasks.export_catalog(record.id, cooperative.id)
        sheet = load_workbook(Path(app.config["EXPORT_DIR"]) / record.result_file).active
        names = {row[0].value for row in sheet.iter_rows(min_row=2)}
        assert names == {"Chè đang bán", "Chè nháp"}
        export = Path(app.config["EXPORT_DIR"]) / record.result_file
        assert export.stat().st_mode & 0o077 == 0  # the cooperative's data: the app's user only
