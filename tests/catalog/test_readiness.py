"""Readiness from our own fields: name length, weight and package size per platform, shown
on the product page with a link to the field that fixes it, and holding the plan back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from marketplace.catalog.readiness import content_problems
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.listings.sync import plan as planning
from marketplace.shops.models import Shop
from tests import factories

COMPLETE = {"weight_g": 550, "length_cm": 25, "width_cm": 12, "height_cm": 9}


def messages(product: Any, platform: str) -> list[str]:
    return [p.message for p in content_problems(product, platform)]


class TestRules:
    def test_a_complete_product_has_no_problem_anywhere(self) -> None:
        product = factories.ProductFactory(variants=[{"sku": "MO-500"} | COMPLETE])
        for platform in ("shopee", "lazada", "tiktok"):
            assert messages(product, platform) == []

    def test_a_short_name_is_too_short_for_shopee_only(self) -> None:
        product = factories.ProductFactory(name="Chè", variants=[COMPLETE])
        assert messages(product, "shopee") == [
            "Shopee cần tên sản phẩm dài từ 5 đến 100 ký tự (hiện có 3)."
        ]
        assert messages(product, "lazada") == []

    def test_a_long_name_is_too_long_for_shopee(self) -> None:
        product = factories.ProductFactory(name="Chè " * 30, variants=[COMPLETE])
        assert "Shopee cần tên sản phẩm dài từ 5 đến 100 ký tự (hiện có 119)." in messages(
            product, "shopee"
        )

    def test_weight_is_needed_by_every_api_platform_and_size_by_lazada(self) -> None:
        product = factories.ProductFactory(variants=[{"sku": "MO-250"}])
        assert messages(product, "tiktok") == ["TikTok Shop cần khối lượng của biến thể MO-250."]
        assert messages(product, "lazada") == [
            "Lazada cần khối lượng của biến thể MO-250.",
            "Lazada cần kích thước gói hàng (dài, rộng, cao) của biến thể MO-250.",
        ]

    def test_each_problem_points_at_the_form_field(self) -> None:
        product = factories.ProductFactory(
            name="Chè", variants=[COMPLETE, {"sku": "MO-1000", "weight_g": 1050}]
        )
        found = [(p.page, p.anchor) for p in content_problems(product, "lazada")]
        assert found == [("edit", "variants-1-length_cm")]
        found = [(p.page, p.anchor) for p in content_problems(product, "shopee")]
        assert found == [("edit", "name")]


def connected_shop(cooperative: Any) -> Shop:
    now = utcnow()
    shop = Shop(
        cooperative=cooperative,
        platform="lazada",
        platform_shop_id="VN1",
        name="Lazada HTX",
        access_token="a",
        refresh_token="r",
        access_expires_at=now + timedelta(hours=1),
        refresh_expires_at=None,
    )
    db.session.add(shop)
    db.session.flush()
    return shop


class TestProductPage:
    def test_without_shops_each_platform_lists_what_is_missing_with_links(
        self, client: FlaskClient, auth: Any, cooperative: Any, manager: Any
    ) -> None:
        product = factories.ProductFactory(cooperative=cooperative, variants=[{"sku": "MO-250"}])
        auth.login_as(manager)

        page = client.get(f"/products/{product.id}").get_data(as_text=True)

        assert "Lazada cần khối lượng của biến thể MO-250." in page
        assert f'href="/products/{product.id}/edit#variants-0-weight_g"' in page

    def test_a_connected_shop_shows_its_own_problems_and_the_plan_holds_the_product(
        self, client: FlaskClient, auth: Any, cooperative: Any, manager: Any
    ) -> None:
        shop = connected_shop(cooperative)
        product = factories.ProductFactory(cooperative=cooperative, variants=[{"sku": "MO-250"}])
        auth.login_as(manager)

        page = client.get(f"/products/{product.id}").get_data(as_text=True)

        assert "Lazada HTX" in page
        assert "Nhóm của sản phẩm chưa được gắn với ngành hàng của gian hàng này." in page
        assert f'href="/shops/{shop.id}/sync#mapping"' in page
        assert "Lazada cần kích thước gói hàng (dài, rộng, cao) của biến thể MO-250." in page
        held = [m.message for m in planning.make_plan(shop).not_ready[product.id]]
        assert "Lazada cần khối lượng của biến thể MO-250." in held
