"""The product list: search ignoring diacritics and case, filters, pages."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.catalog.models import ProductStatus
from marketplace.common.text import fold
from marketplace.common.text import search_terms
from tests import factories


class TestFold:
    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("Cà phê Sơn La", "ca phe son la"),
            ("ĐẶC SẢN Điện Biên", "dac san dien bien"),
            ("Chè  Shan\tTuyết", "che shan tuyet"),
            ("Mận hậu Mộc Châu", "man hau moc chau"),
            ("", ""),
        ],
        ids=["coffee", "upper-d-stroke", "spaces", "plum", "empty"],
    )
    def test_fold(self, text: str, folded: str) -> None:
        assert fold(text) == folded

    def test_like_wildcards_are_dropped(self) -> None:
        assert search_terms("100% cà_phê") == ["100", "ca", "phe"]


@pytest.fixture
def shelf(cooperative: Any) -> dict[str, Any]:
    tea, coffee = factories.CategoryFactory(), factories.CategoryFactory()
    make = factories.ProductFactory
    return {
        "coffee": make(
            cooperative=cooperative, name="Cà phê Sơn La", category=coffee, ocop_stars=4
        ),
        "tea": make(cooperative=cooperative, name="Chè Shan Tuyết Mộc Châu", category=tea),
        "draft": make(cooperative=cooperative, name="Mận sấy", status=ProductStatus.DRAFT),
        "old": make(cooperative=cooperative, name="Cà phê cũ", status=ProductStatus.ARCHIVED),
        "tea_cat": tea,
    }


def names(client: Any, query: str) -> str:
    return client.get(f"/products/?{query}").get_data(as_text=True)


class TestProductList:
    @pytest.mark.parametrize(
        "query",
        ["ca phe son la", "CA PHE", "Cà Phê sơn", "son la"],
        ids=["unaccented", "upper", "accented", "second-word"],
    )
    def test_search_ignores_diacritics_and_case(
        self, client: Any, auth: Any, manager: Any, shelf: dict, query: str
    ) -> None:
        auth.login_as(manager)
        html = names(client, f"q={query}")
        assert "Cà phê Sơn La" in html
        assert "Chè Shan Tuyết" not in html

    def test_every_word_must_match(self, client: Any, auth: Any, manager: Any, shelf: dict) -> None:
        auth.login_as(manager)
        assert "Cà phê Sơn La" not in names(client, "q=ca+phe+moc+chau")

    def test_search_by_sku(self, client: Any, auth: Any, manager: Any, shelf: dict) -> None:
        auth.login_as(manager)
        sku = shelf["tea"].variants[0].sku.lower()
        assert "Chè Shan Tuyết" in names(client, f"q={sku}")

    def test_archived_hidden_unless_asked(
        self, client: Any, auth: Any, manager: Any, shelf: dict
    ) -> None:
        auth.login_as(manager)
        assert "Cà phê cũ" not in names(client, "q=ca+phe")
        assert "Cà phê cũ" in names(client, "q=ca+phe&status=archived")

    def test_filters(self, client: Any, auth: Any, manager: Any, shelf: dict) -> None:
        auth.login_as(manager)
        by_status = names(client, "status=draft")
        assert "Mận sấy" in by_status
        assert "Cà phê Sơn La" not in by_status
        by_category = names(client, f"category={shelf['tea_cat'].id}")
        assert "Chè Shan Tuyết" in by_category
        assert "Cà phê Sơn La" not in by_category
        by_stars = names(client, "stars=4")
        assert "Cà phê Sơn La" in by_stars
        assert "Chè Shan Tuyết" not in by_stars

    def test_pages(self, app: Any, client: Any, auth: Any, manager: Any, cooperative: Any) -> None:
        per_page = app.config["PRODUCTS_PER_PAGE"]
        for n in range(per_page + 3):
            factories.ProductFactory(cooperative=cooperative, name=f"Gạo nếp {n:02d}")
        auth.login_as(manager)
        first, second = names(client, "q=gao"), names(client, "q=gao&page=2")
        assert first.count("Gạo nếp") == per_page
        assert second.count("Gạo nếp") == 3
        assert "page=2" in first
        assert "q=gao" in first

    def test_other_cooperatives_products_never_listed(
        self, client: Any, auth: Any, manager: Any, other_cooperative: Any
    ) -> None:
        factories.ProductFactory(cooperative=other_cooperative, name="Mật ong bạc hà")
        auth.login_as(manager)
        assert "Mật ong" not in names(client, "q=mat+ong")
        assert "Mật ong" not in names(client, "")
