"""The sync page's rules and category mapping forms: bad input is refused beside its field,
in Vietnamese, and changes nothing."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.connectors.errors import Retryable
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import CategoryNode
from marketplace.extensions import db
from marketplace.listings.models import CategoryMapping
from marketplace.listings.sync import mapping as mapping_service
from marketplace.shops.models import Shop
from tests import factories
from tests.conftest import AuthActions
from tests.listings.sync.test_log_views import make_shop

LEAVES = [
    CategoryNode("100", "Thực phẩm", None, False),
    CategoryNode("101", "Trà", "100", True),
    CategoryNode("102", "Cà phê", "100", True),
]
SPECS = [
    AttributeSpec("origin", "Xuất xứ", True, ("Việt Nam", "Khác")),
    AttributeSpec("shelf", "Hạn sử dụng", False),
]


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shop's category tree and attributes, as the cached platform answers give them."""
    monkeypatch.setattr(
        mapping_service, "leaf_categories", lambda shop: [c for c in LEAVES if c.leaf]
    )
    monkeypatch.setattr(mapping_service, "attributes", lambda shop, category_id: SPECS)


@pytest.fixture
def shop(cooperative: Cooperative) -> Shop:
    return make_shop(cooperative)


@pytest.fixture
def category(cooperative: Cooperative) -> Category:
    product = factories.ProductFactory(
        cooperative=cooperative, category=factories.CategoryFactory()
    )
    return product.category


@pytest.fixture
def logged_in(auth: AuthActions, manager: Any, platform: None, shop: Shop, category: Any) -> None:
    """Logging in commits: what a view's rollback must not undo is made before."""
    auth.login_as(manager)


def text(response: Any) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def rules(shop: Shop) -> tuple[int, int, int, bool]:
    db.session.refresh(shop)
    return (
        shop.price_markup_percent,
        shop.price_markup_fixed,
        shop.stock_buffer,
        shop.delist_at_zero,
    )


def mapping_rows() -> list[tuple[int, str, str]]:
    rows = db.session.scalars(select(CategoryMapping)).all()
    return [(r.category_id, r.platform_category_id, r.attributes) for r in rows]


GOOD_RULES = {
    "price_markup_percent": "10",
    "price_markup_fixed": "5.000",
    "stock_buffer": "2",
    "delist_at_zero": "y",
}


@pytest.mark.usefixtures("logged_in")
class TestRules:
    def test_saves_the_rules(self, client: Any, shop: Shop) -> None:
        response = client.post(f"/shops/{shop.id}/sync/settings", data=GOOD_RULES)
        assert response.status_code == 302
        assert rules(shop) == (10, 5000, 2, True)
        assert "Đã lưu." in text(client.get(response.headers["Location"]))

    def test_empty_numbers_mean_zero(self, client: Any, shop: Shop) -> None:
        shop.stock_buffer = 4
        data = {"price_markup_percent": "", "price_markup_fixed": " ", "stock_buffer": ""}
        assert client.post(f"/shops/{shop.id}/sync/settings", data=data).status_code == 302
        assert rules(shop) == (0, 0, 0, False)

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("price_markup_percent", "201", "Nhập một số từ -50 đến 200."),
            ("price_markup_percent", "-51", "Nhập một số từ -50 đến 200."),
            ("price_markup_fixed", "1.000.001", "Nhập một số từ -1000000 đến 1000000."),
            ("stock_buffer", "-1", "Nhập một số từ 0 đến 10000."),
            ("stock_buffer", "10001", "Nhập một số từ 0 đến 10000."),
            ("stock_buffer", "mười", "Nhập một số nguyên."),
            ("price_markup_percent", "1,5", "Nhập một số nguyên."),
            ("price_markup_percent", "²", "Nhập một số nguyên."),
            ("price_markup_percent", "٣", "Nhập một số nguyên."),
            ("stock_buffer", str(2**63), "Nhập một số nguyên."),
            ("price_markup_fixed", "9" * 20, "Nhập một số nguyên."),
        ],
    )
    def test_bad_numbers_are_refused_beside_the_field_and_change_nothing(
        self, client: Any, shop: Shop, name: str, value: str, message: str
    ) -> None:
        before = rules(shop)
        response = client.post(f"/shops/{shop.id}/sync/settings", data=GOOD_RULES | {name: value})
        page = text(response)
        assert response.status_code == 422
        assert f'<div id="{name}-error"><p class="error">{message}</p></div>' in page
        assert f'aria-describedby="{name}-error"' in page
        assert f'value="{value}"' in page  # what was typed is kept
        assert page.count(message) == 1
        assert rules(shop) == before

    def test_needs_the_csrf_token(
        self, app: Any, client: Any, shop: Shop, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        before = rules(shop)
        response = client.post(f"/shops/{shop.id}/sync/settings", data=GOOD_RULES)
        assert response.status_code == 400
        assert rules(shop) == before

    def test_the_page_carries_the_forms_csrf_token(
        self, app: Any, client: Any, shop: Shop, category: Category, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        page = text(client.get(f"/shops/{shop.id}/sync"))
        for form in re.findall(r"<form method=\"post\".*?</form>", page, re.DOTALL):
            assert re.search(r'name="csrf_token" value="[^"]+"', form), form
        assert 'class="mapping"' in page
        assert '<label for="price_markup_percent">Tăng giá theo phần trăm</label>' in page


@pytest.mark.usefixtures("logged_in")
class TestCategoryMapping:
    def test_saves_the_mapping_with_its_attributes(
        self, client: Any, shop: Shop, category: Category
    ) -> None:
        data = {
            "category_id": str(category.id),
            "platform_category_id": "101",
            "attr-origin": "Việt Nam",
            "attr-shelf": " 12 ",
            "attr-unknown": "bỏ qua",
        }
        response = client.post(f"/shops/{shop.id}/sync/mapping", data=data)
        assert response.status_code == 302
        [(category_id, platform_id, attributes)] = mapping_rows()
        assert (category_id, platform_id) == (category.id, "101")
        assert json.loads(attributes) == {"origin": "Việt Nam", "shelf": "12"}

    @pytest.mark.parametrize(
        ("change", "message", "error_id"),
        [
            (
                {"platform_category_id": ""},
                "Hãy chọn ngành hàng ở cấp cuối cùng trong cây ngành hàng của sàn.",
                "map-{category}-error",
            ),
            (
                {"platform_category_id": "100"},  # not a leaf: the platform's tree says so
                "Hãy chọn ngành hàng ở cấp cuối cùng trong cây ngành hàng của sàn.",
                "map-{category}-error",
            ),
            (
                {"platform_category_id": "x" * 41},
                "Tối đa 40 ký tự.",
                "map-{category}-error",
            ),
            (
                {"attr-origin": "Trung Quốc"},  # not in the platform's list
                "Hãy chọn một giá trị có trong danh sách cho: Xuất xứ",
                "attr-{category}-origin-error",
            ),
            (
                {"attr-shelf": "1" * 256},
                "Tối đa 255 ký tự.",
                "attr-{category}-shelf-error",
            ),
            (
                {"attr-shelf": "12\x00"},
                "Hãy xóa các ký tự điều khiển vô hình.",
                "attr-{category}-shelf-error",
            ),
        ],
        ids=["no-category", "not-a-leaf", "too-long", "not-listed", "long-value", "control"],
    )
    def test_bad_input_is_refused_beside_the_field_and_changes_nothing(
        self,
        client: Any,
        shop: Shop,
        category: Category,
        change: dict[str, str],
        message: str,
        error_id: str,
    ) -> None:
        saved = CategoryMapping(
            shop_id=shop.id,
            category_id=category.id,
            platform_category_id="102",
            attributes=json.dumps({"origin": "Khác"}),
            missing="",
        )
        db.session.add(saved)
        db.session.commit()  # the test's SAVEPOINT: a view's rollback must not undo it
        before = mapping_rows()
        data = {
            "category_id": str(category.id),
            "platform_category_id": "101",
            "attr-origin": "Việt Nam",
            "attr-shelf": "12",
        } | change
        response = client.post(f"/shops/{shop.id}/sync/mapping", data=data)
        page = text(response)
        error_id = error_id.format(category=category.id)
        assert response.status_code == 422
        assert f'<div id="{error_id}"><p class="error">{message}</p></div>' in page
        assert f'aria-describedby="{error_id}"' in page
        assert mapping_rows() == before

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (
                {f"attr-a{n}": "x" for n in range(101)},
                "Có quá nhiều thuộc tính. Hãy tải lại trang.",
            ),
            ({"attr-" + "a" * 65: "x"}, "Thuộc tính không xác định. Hãy tải lại trang."),
            ({"attr-": "x"}, "Thuộc tính không xác định. Hãy tải lại trang."),
        ],
        ids=["too-many", "long-name", "no-name"],
    )
    def test_forged_attribute_fields_are_refused_above_the_form(
        self, client: Any, shop: Shop, category: Category, extra: dict[str, str], message: str
    ) -> None:
        data = {"category_id": str(category.id), "platform_category_id": "101"} | extra
        response = client.post(f"/shops/{shop.id}/sync/mapping", data=data)
        error_id = f"map-{category.id}-form-error"
        assert response.status_code == 422
        assert f'<div id="{error_id}"><p class="error">{message}</p></div>' in text(response)
        assert mapping_rows() == []

    @pytest.mark.parametrize(
        "value", ["", "abc", "0", "999999", "99999999999", str(2**63), "²", "٣"]
    )
    def test_a_category_that_is_not_ours_is_refused(
        self, client: Any, shop: Shop, category: Category, value: str
    ) -> None:
        data = {"category_id": value, "platform_category_id": "101"}
        response = client.post(f"/shops/{shop.id}/sync/mapping", data=data)
        assert response.status_code == 422
        assert "Hãy chọn một nhóm sản phẩm của chúng ta." in text(response)
        assert mapping_rows() == []

    def test_the_platform_not_answering_is_said_and_saves_nothing(
        self, client: Any, shop: Shop, category: Category, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def down(shop: Shop) -> list[CategoryNode]:
            raise Retryable("timeout")

        monkeypatch.setattr(mapping_service, "leaf_categories", down)
        data = {"category_id": str(category.id), "platform_category_id": "101"}
        response = client.post(f"/shops/{shop.id}/sync/mapping", data=data, follow_redirects=True)
        assert "Gian hàng không phản hồi: timeout" in text(response)
        assert mapping_rows() == []
        assert db.session.scalar(select(func.count(CategoryMapping.id))) == 0
