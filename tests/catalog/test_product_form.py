"""Creating and editing products: every rule refuses bad input in Vietnamese and saves nothing."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from tests import factories


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class TestCreate:
    def test_product_with_two_variants(
        self, client: Any, auth: Any, manager: Any, cooperative: Any, product_form: dict
    ) -> None:
        auth.login_as(manager)
        response = client.post("/products/new", data=product_form)
        assert response.status_code == 302
        product = db.session.scalars(select(Product)).one()
        assert product.cooperative_id == cooperative.id
        assert product.name == "Cà phê Arabica Sơn La"
        assert product.slug == "ca-phe-arabica-son-la"
        assert product.ocop_stars == 4
        assert product.status == ProductStatus.ACTIVE
        assert [(v.sku, v.price, v.list_price, v.stock) for v in product.variants] == [
            ("CF-ARA-250", 125_000, 150_000, 40),
            ("CF-ARA-500", 230_000, None, 12),
        ]
        assert product.created_by_id == manager.id
        detail = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "125.000\xa0₫" in detail
        assert "10/05/2024" in detail  # dd/mm/yyyy in Vietnamese

    def test_add_variant_button_adds_a_row_and_saves_nothing(
        self, client: Any, auth: Any, manager: Any, product_form: dict
    ) -> None:
        auth.login_as(manager)
        form = {k: v for k, v in product_form.items() if k != "save"} | {"add_variant": "1"}
        html = client.post("/products/new", data=form).get_data(as_text=True)
        assert 'name="variants-2-sku"' in html
        assert count(Product) == 0

    def test_description_keeps_simple_formatting_only(
        self, client: Any, auth: Any, manager: Any, product_form: dict
    ) -> None:
        auth.login_as(manager)
        product_form["description"] = '<p class="x">Ngon <a href="http://x">link</a><b>đậm</b></p>'
        client.post("/products/new", data=product_form)
        product = db.session.scalars(select(Product)).one()
        assert product.description == "<p>Ngon link<b>đậm</b></p>"

    def test_same_sku_is_allowed_in_another_cooperative(
        self, client: Any, auth: Any, manager: Any, other_cooperative: Any, product_form: dict
    ) -> None:
        factories.ProductFactory(cooperative=other_cooperative, variants=[{"sku": "CF-ARA-250"}])
        auth.login_as(manager)
        assert client.post("/products/new", data=product_form).status_code == 302


BAD_INPUT = [
    ("name", "", "name", "Nhập tên sản phẩm."),
    ("name", "Cà", "name", "Tên phải dài từ 3 đến 200 ký tự."),
    ("name", "x" * 201, "name", "Tên phải dài từ 3 đến 200 ký tự."),
    ("variants-0-price", "-5000", "price", "Nhập số tiền bằng đồng, chỉ dùng chữ số"),
    ("variants-0-price", "500", "price", "Giá phải từ 1.000 ₫ đến 1 tỷ ₫."),
    ("variants-0-price", "5.000.000.000", "price", "Giá phải từ 1.000 ₫ đến 1 tỷ ₫."),
    ("variants-0-price", "12,5k", "price", "Nhập số tiền bằng đồng, chỉ dùng chữ số"),
    ("variants-0-list_price", "100.000", "list_price", "Giá niêm yết không được thấp hơn giá bán."),
    ("variants-0-stock", "-1", "stock", "Tồn kho phải từ 0 đến 1.000.000."),
    ("variants-0-stock", "99999999", "stock", "Tồn kho phải từ 0 đến 1.000.000."),
    ("variants-0-stock", "nhiều", "stock", "Nhập một số nguyên."),
    ("variants-0-weight_g", "0", "weight_g", "Nhập một số từ 1 đến 100000."),
    ("variants-0-sku", "CF ARA/250", "sku", "Mã SKU chỉ được dùng chữ cái, chữ số và - _ ."),
    ("variants-0-sku", "Cà-phê", "sku", "Mã SKU chỉ được dùng chữ cái, chữ số và - _ ."),
    ("variants-0-sku", "", "sku", "Mỗi biến thể cần có mã SKU."),
    ("variants-1-sku", "cf-ara-250", "variants", "Mỗi biến thể cần một mã SKU riêng."),
    ("variants-0-barcode", "8934567890121", "barcode", "Mã vạch không hợp lệ"),
    ("ocop_stars", "6", "ocop_stars", "Lựa chọn không hợp lệ."),
    ("ocop_stars", "2", "ocop_stars", "Lựa chọn không hợp lệ."),
    ("ocop_expires_on", "2023-01-01", "ocop_expires_on", "Ngày hết hạn phải sau ngày cấp."),
    ("ocop_certificate_no", "", "ocop_certificate_no", "cần số giấy chứng nhận OCOP"),
    ("description", "<script>alert(1)</script>", "description", "không được chứa mã script"),
    ("description", '<img src=x onerror="alert(1)">', "description", "không được chứa mã script"),
    ("category_id", "99999", "category_id", "Lựa chọn không hợp lệ."),
]


class TestBadInput:
    @pytest.mark.parametrize(
        ("key", "value", "field", "message"),
        BAD_INPUT,
        ids=[f"{row[0]}={row[1][:20]!r}" for row in BAD_INPUT],
    )
    def test_refused_with_message_and_nothing_saved(
        self,
        client: Any,
        auth: Any,
        manager: Any,
        product_form: dict,
        key: str,
        value: str,
        field: str,
        message: str,
    ) -> None:
        auth.login_as(manager)
        product_form[key] = value
        response = client.post("/products/new", data=product_form)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert "Chưa có gì được lưu." in html
        assert (count(Product), count(Variant), count(AuditEntry)) == (0, 0, 0)

    def test_sku_of_another_product_is_refused(
        self, client: Any, auth: Any, manager: Any, cooperative: Any, product_form: dict
    ) -> None:
        factories.ProductFactory(cooperative=cooperative, variants=[{"sku": "cf-ara-500"}])
        auth.login_as(manager)
        response = client.post("/products/new", data=product_form)
        assert response.status_code == 422
        assert "Mã SKU cf-ara-500 đã được dùng cho sản phẩm khác." in response.get_data(
            as_text=True
        )
        assert count(Product) == 1

    def test_no_variant_left_is_refused(
        self, client: Any, auth: Any, manager: Any, product_form: dict
    ) -> None:
        auth.login_as(manager)
        product_form["variants-0-remove"] = "y"
        product_form["variants-1-remove"] = "y"
        response = client.post("/products/new", data=product_form)
        assert "Sản phẩm cần ít nhất một biến thể." in response.get_data(as_text=True)
        assert count(Product) == 0


class TestEdit:
    def _form_for(self, client: Any, product: Product) -> dict[str, str]:
        """The edit form as the browser would submit it unchanged."""
        html = client.get(f"/products/{product.id}/edit").get_data(as_text=True)
        data: dict[str, str] = {}
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
            data[name] = value
        for name, value in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', html):
            data.setdefault(value, name)
        for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
            chosen = re.search(r'<option selected value="([^"]*)"', body) or re.search(
                r'<option value="([^"]*)" selected', body
            )
            data[name] = chosen.group(1) if chosen else "0"
        for name, body in re.findall(
            r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S
        ):
            data[name] = body.strip()
        data = {k: html_lib.unescape(v) for k, v in data.items() if not k.endswith("remove")}
        data.pop("add_variant", None)
        data["save"] = "1"
        return data

    def test_price_change_is_saved_with_history(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        product = factories.ProductFactory(cooperative=cooperative, variants=[{"price": 120_000}])
        auth.login_as(manager)
        form = self._form_for(client, product)
        form["variants-0-price"] = "135.000"
        response = client.post(f"/products/{product.id}/edit", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)
        assert product.variants[0].price == 135_000
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.field == "price")).one()
        assert (entry.old_value, entry.new_value, entry.user_id) == ("120000", "135000", manager.id)
        history = client.get(f"/products/{product.id}").get_data(as_text=True)
        assert "120000" in history
        assert "135000" in history

    def test_unchanged_save_writes_no_field_history(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        product = factories.ProductFactory(cooperative=cooperative)
        auth.login_as(manager)
        client.post(f"/products/{product.id}/edit", data=self._form_for(client, product))
        assert count(AuditEntry) == 0

    def test_second_save_of_the_same_version_is_refused(
        self, client: Any, auth: Any, manager: Any, cooperative: Any, app: Any
    ) -> None:
        product = factories.ProductFactory(cooperative=cooperative, name="Chè Shan Tuyết")
        colleague = factories.member(cooperative, role="staff")
        auth.login_as(manager)
        mine = self._form_for(client, product)
        other_client = app.test_client()
        other_client.post("/login", data={"email": colleague.email, "password": factories.PASSWORD})
        theirs = self._form_for(other_client, product)

        theirs["name"] = "Chè Shan Tuyết cổ thụ"
        assert other_client.post(f"/products/{product.id}/edit", data=theirs).status_code == 302
        mine["name"] = "Chè Shan Tuyết Tà Xùa"
        response = client.post(f"/products/{product.id}/edit", data=mine)

        html = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Người khác đã lưu sản phẩm này trong lúc bạn đang sửa" in html
        assert "Chè Shan Tuyết cổ thụ" in html  # their change is shown
        assert colleague.name in html
        assert product.name == "Chè Shan Tuyết cổ thụ"  # and kept

    def test_archive_and_restore(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        product = factories.ProductFactory(cooperative=cooperative)
        auth.login_as(manager)
        client.post(f"/products/{product.id}/archive")
        assert product.status == ProductStatus.ARCHIVED
        assert product.name not in client.get("/products/").get_data(as_text=True)
        assert product.name in client.get("/products/?status=archived").get_data(as_text=True)
        client.post(f"/products/{product.id}/restore")
        assert product.status == ProductStatus.DRAFT
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["archived", "restored"]
