"""The listing timeline, the drift report and "retry selected", as the manager sees them."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.common.models import utcnow
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import backoff
from marketplace.listings.sync import fixes
from marketplace.listings.sync.models import PriceStockDrift
from marketplace.listings.sync.models import SyncEvent
from marketplace.shops.models import Shop
from tests import factories
from tests.conftest import AuthActions


def make_shop(cooperative: Cooperative, name: str = "Gian hàng Mộc Châu") -> Shop:
    shop = Shop(
        cooperative_id=cooperative.id,
        platform="shopee",
        platform_shop_id=name,
        name=name,
        access_token="access",
        refresh_token="refresh",
        access_expires_at=utcnow() + timedelta(hours=4),
    )
    db.session.add(shop)
    db.session.flush()
    return shop


def make_listing(shop: Shop, product: Product, **values: Any) -> Listing:
    listing = Listing(
        shop_id=shop.id,
        product_id=product.id,
        seller_sku=f"OCOP-{product.id}",
        platform_item_id=values.pop("platform_item_id", f"9{product.id}"),
        status=values.pop("status", ListingStatus.LIVE),
        **values,
    )
    listing.variants = [
        ListingVariant(
            variant_id=v.id, platform_variant_id=f"7{v.id}", price=v.price, stock=v.stock
        )
        for v in product.variants
    ]
    db.session.add(listing)
    db.session.flush()
    return listing


def event(listing: Listing, action: str, outcome: str = "ok", **values: Any) -> SyncEvent:
    for key in ("sent", "received"):
        if key in values:
            values[key] = json.dumps(values[key])
    row = SyncEvent(
        shop_id=listing.shop_id, listing_id=listing.id, action=action, outcome=outcome, **values
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def product(cooperative: Cooperative) -> Product:
    return factories.ProductFactory(
        cooperative=cooperative,
        category=factories.CategoryFactory(),
        variants=[
            {"sku": "CHE-200", "options": "Khối lượng: 200 g", "price": 120_000, "stock": 20},
            {"sku": "CHE-500", "options": "Khối lượng: 500 g", "price": 260_000, "stock": 8},
        ],
    )


@pytest.fixture
def shop(cooperative: Cooperative) -> Shop:
    return make_shop(cooperative)


class TestTimeline:
    def test_a_refusal_is_explained_in_vietnamese_with_a_link_to_the_field(
        self, client: Any, auth: AuthActions, manager: Any, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(shop, product, status=ListingStatus.FAILED, platform_item_id=None)
        listing.refused_hash = "a" * 64
        event(
            listing,
            "create",
            "rejected",
            field="variants[1].weight_g",
            code="error_param",
            detail="error_param: Wrong parameters, detail: weight must be positive.",
            sent={"name": product.name, "category_id": "100", "images": 1, "variants": []},
        )
        auth.login_as(manager)
        html = client.get(f"/shops/{shop.id}/listings/{listing.id}").get_data(as_text=True)
        assert (
            "Shopee đã từ chối: “error_param: Wrong parameters, detail: weight must be positive.”"
            in html
        )
        url = f"/products/{product.id}/edit#variants-1-weight_g"
        assert f'Cần sửa: <a href="{url}">Khối lượng (g) · CHE-500</a>' in html
        assert "Đang chờ: sàn đã từ chối sản phẩm này" in html
        assert "Bị sàn từ chối" in html
        assert 'name="listing_id" value="' in html  # the "Retry now" form

    def test_a_price_and_stock_write_shows_what_went_and_what_came_back(
        self, client: Any, auth: AuthActions, manager: Any, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(shop, product)
        event(
            listing,
            "price_stock",
            sent={"sku": "CHE-200", "price": 135_000, "stock": 20},
            received={"price": 135_000, "stock": 3, "drift": 1},
        )
        event(listing, "update", sent={"changed": ["images", "name"], "name": product.name})
        auth.login_as(manager)
        html = client.get(f"/shops/{shop.id}/listings/{listing.id}").get_data(as_text=True)
        assert "cập nhật giá và tồn kho" in html
        assert re.search(r"đã gửi: 135\.000\s₫, tồn kho 20", html)
        assert re.search(r'<span class="error">đọc lại: 135\.000\s₫, tồn kho 3</span>', html)
        assert "đã đổi: Ảnh sản phẩm, Tên sản phẩm" in html

    def test_a_transient_failure_says_when_it_is_tried_again(
        self, client: Any, auth: AuthActions, manager: Any, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(shop, product, attempts=2, retry_at=utcnow() + timedelta(minutes=20))
        event(listing, "update", "failed", detail="HTTP 503")
        auth.login_as(manager)
        html = client.get(f"/shops/{shop.id}/listings/{listing.id}").get_data(as_text=True)
        assert "Không liên lạc được với Shopee: HTTP 503." in html
        assert "Hệ thống sẽ tự thử lại" in html
        assert "(lần thứ 3)" in html

    def test_another_cooperatives_listing_is_404(
        self,
        client: Any,
        auth: AuthActions,
        manager: Any,
        other_cooperative: Cooperative,
        shop: Shop,
        product: Product,
    ) -> None:
        theirs = make_shop(other_cooperative, "Gian hàng khác")
        their_listing = make_listing(
            theirs, factories.ProductFactory(cooperative=other_cooperative)
        )
        mine = make_listing(shop, product)
        auth.login_as(manager)
        assert client.get(f"/shops/{theirs.id}/listings/{their_listing.id}").status_code == 404
        assert client.get(f"/shops/{shop.id}/listings/{their_listing.id}").status_code == 404
        assert client.get(f"/shops/{theirs.id}/drift").status_code == 404
        assert client.get(f"/shops/{shop.id}/listings/{mine.id}").status_code == 200
        assert client.get(f"/shops/{shop.id}/listings/99999999").status_code == 404


class TestProductPage:
    def test_links_each_shop_listing_to_its_timeline(
        self, client: Any, auth: AuthActions, manager: Any, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(shop, product, retry_at=utcnow() + timedelta(minutes=5))
        make_shop(manager.memberships[0].cooperative, "Gian hàng Lazada")
        auth.login_as(manager)
        html = client.get(f"/products/{product.id}").get_data(as_text=True)
        assert "Trên các gian hàng đã kết nối" in html
        assert f'href="/shops/{shop.id}/listings/{listing.id}"' in html
        assert "đang chờ sửa hoặc gửi lại" in html
        assert "Chưa lên sàn" in html  # the other shop


class TestDriftReport:
    def test_open_and_resolved_drift(
        self, client: Any, auth: AuthActions, manager: Any, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(shop, product)
        auth.login_as(manager)
        html = client.get(f"/shops/{shop.id}/drift").get_data(as_text=True)
        assert "Không có chênh lệch: sàn hiển thị đúng những gì đã gửi." in html
        first, second = product.variants
        for variant, resolved in ((first, None), (second, utcnow())):
            db.session.add(
                PriceStockDrift(
                    shop_id=shop.id,
                    listing_id=listing.id,
                    variant_id=variant.id,
                    seller_sku=variant.sku,
                    wanted_price=135_000,
                    wanted_stock=20,
                    seen_price=135_000,
                    seen_stock=3,
                    resolved_at=resolved,
                )
            )
        db.session.flush()
        html = client.get(f"/shops/{shop.id}/drift").get_data(as_text=True)
        assert "Chênh lệch giá và tồn kho trên Gian hàng Mộc Châu" in html
        still = html.split('id="open"')[1].split('id="resolved"')[0]
        assert "CHE-200" in still
        assert "CHE-500" not in still
        assert '<span class="error">tồn kho 3</span>' in still
        assert "CHE-500" in html.split('id="resolved"')[1]


class TestRetrySelected:
    def test_clears_the_backoff_and_starts_the_sync(
        self, client: Any, auth: AuthActions, manager: Any, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(
            shop, product, attempts=3, retry_at=utcnow() + timedelta(hours=1), refused_hash="b"
        )
        listing.variants[0].refused_price, listing.variants[0].refused_stock = 135_000, 20
        auth.login_as(manager)
        response = client.post(f"/shops/{shop.id}/retry", data={"listing_id": [str(listing.id)]})
        assert response.status_code == 200
        assert "1 sản phẩm sẽ được gửi lại." in response.get_data(as_text=True)
        db.session.refresh(listing)
        assert (listing.attempts, listing.retry_at, listing.refused_hash) == (0, None, None)
        assert listing.variants[0].refused_price is None
        record = db.session.get(jobs.JobRecord, f"sync-shop-{shop.id}")
        assert record is not None
        assert record.kind == "shop_sync"

    @pytest.mark.parametrize(
        ("values", "message"),
        [
            ([], "Hãy chọn ít nhất một sản phẩm để gửi lại."),
            (["abc"], "Một số mục đã chọn không thuộc gian hàng này. Chưa thay đổi gì."),
            (["1 OR 1=1"], "Một số mục đã chọn không thuộc gian hàng này. Chưa thay đổi gì."),
            (["٣"], "Một số mục đã chọn không thuộc gian hàng này. Chưa thay đổi gì."),
            (["other"], "Một số mục đã chọn không thuộc gian hàng này. Chưa thay đổi gì."),
        ],
        ids=["none", "text", "injection", "arabic-digit", "another-shop"],
    )
    def test_bad_choices_change_nothing(
        self,
        client: Any,
        auth: AuthActions,
        manager: Any,
        shop: Shop,
        product: Product,
        values: list[str],
        message: str,
    ) -> None:
        later = utcnow() + timedelta(hours=1)
        mine = make_listing(shop, product, attempts=2, retry_at=later)
        other_shop = make_shop(manager.memberships[0].cooperative, "Gian hàng thứ hai")
        theirs = make_listing(
            other_shop, factories.ProductFactory(cooperative=shop.cooperative), attempts=1
        )
        chosen = [str(theirs.id) if v == "other" else v for v in values]
        if chosen:
            chosen.append(str(mine.id))  # with a good one: still all or nothing
        auth.login_as(manager)
        response = client.post(
            f"/shops/{shop.id}/retry", data={"listing_id": chosen}, follow_redirects=True
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        db.session.refresh(mine)
        db.session.refresh(theirs)
        assert (mine.attempts, mine.retry_at is not None, theirs.attempts) == (2, True, 1)
        assert db.session.get(jobs.JobRecord, f"sync-shop-{shop.id}") is None

    def test_another_cooperatives_shop_is_404(
        self, client: Any, auth: AuthActions, manager: Any, other_cooperative: Cooperative
    ) -> None:
        theirs = make_shop(other_cooperative, "Gian hàng khác")
        listing = make_listing(
            theirs, factories.ProductFactory(cooperative=other_cooperative), attempts=1
        )
        auth.login_as(manager)
        response = client.post(f"/shops/{theirs.id}/retry", data={"listing_id": [listing.id]})
        assert response.status_code == 404
        db.session.refresh(listing)
        assert listing.attempts == 1

    def test_needs_the_csrf_token(
        self,
        app: Flask,
        client: Any,
        auth: AuthActions,
        manager: Any,
        shop: Shop,
        product: Product,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        listing = make_listing(shop, product, attempts=1)
        auth.login_as(manager)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        response = client.post(f"/shops/{shop.id}/retry", data={"listing_id": [listing.id]})
        assert response.status_code == 400
        db.session.refresh(listing)
        assert listing.attempts == 1


class TestBackoffRules:
    def test_waits_double_up_to_half_a_day(self) -> None:
        minutes = [backoff.delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 30)]
        assert minutes == [0, 10, 20, 40, 320, 640, 720]

    def test_a_rate_limit_waits_at_least_as_long_as_asked(
        self, shop: Shop, product: Product
    ) -> None:
        listing = make_listing(shop, product)
        now = utcnow()
        backoff.failed(listing, RateLimited("banned", retry_after=3600), now)
        assert (listing.attempts, listing.retry_at) == (1, now + timedelta(hours=1))
        backoff.failed(listing, Retryable("HTTP 503"), now)
        assert (listing.attempts, listing.retry_at) == (2, now + timedelta(minutes=10))

    @pytest.mark.parametrize(
        ("error", "kind"),
        [
            (Rejected("bad name", field="name"), backoff.Kind.REJECTED),
            (Retryable("HTTP 503"), backoff.Kind.RETRY),
            (RateLimited("slow down", retry_after=90), backoff.Kind.RETRY),
            (NotFound("item 1"), backoff.Kind.RETRY),
            (AuthError("expired", refreshable=False), backoff.Kind.FATAL),
            (ConnectorError("wrong sign"), backoff.Kind.FATAL),
        ],
        ids=["rejected", "5xx", "rate-limit", "not-found", "auth", "sign"],
    )
    def test_classify(self, error: Exception, kind: backoff.Kind) -> None:
        assert backoff.classify(error) is kind


class TestFieldLinks:
    @pytest.mark.parametrize(
        ("field", "sku", "label", "anchor"),
        [
            ("name", "", "Tên sản phẩm", "/products/{p}/edit#name"),
            ("description_html", "", "Mô tả", "/products/{p}/edit#description"),
            ("brand", "", "Thương hiệu", "/products/{p}/edit#brand"),
            ("price", "CHE-500", "Giá bán (đồng)", "/products/{p}/edit#variants-1-price"),
            ("stock", "", "Số lượng tồn kho", "/products/{p}/edit#variants-0-stock"),
            ("variants[1].seller_sku", "", "Mã SKU", "/products/{p}/edit#variants-1-sku"),
            ("images", "", "Ảnh sản phẩm", "/products/{p}#photos"),
            ("attributes.brand_id", "", "Ngành hàng", "/shops/{s}/sync#map-{c}"),
            ("category_id", "", "Ngành hàng", "/shops/{s}/sync#map-{c}"),
            ("", "", "Sản phẩm", "/products/{p}/edit"),
        ],
        ids=[
            "name",
            "description",
            "brand",
            "price-by-sku",
            "stock",
            "indexed-variant",
            "images",
            "attribute",
            "category",
            "unknown",
        ],
    )
    def test_each_field_links_where_it_is_fixed(
        self,
        app: Flask,
        shop: Shop,
        product: Product,
        field: str,
        sku: str,
        label: str,
        anchor: str,
    ) -> None:
        with app.test_request_context(headers={"Accept-Language": "vi"}):
            fix = fixes.for_field(field, product, shop.id, sku)
        assert label in fix.label
        assert fix.url == anchor.format(p=product.id, s=shop.id, c=product.category_id)

    def test_shipping_channels_are_outside_our_app(
        self, app: Flask, shop: Shop, product: Product
    ) -> None:
        with app.test_request_context():
            fix = fixes.for_field("logistic_info", product, shop.id)
        assert fix.url is None
        assert "trang quản lý người bán" in fix.label

    def test_only_refusals_have_a_fix(self, shop: Shop, product: Product) -> None:
        listing = make_listing(shop, product)
        assert fixes.for_event(event(listing, "update", "failed", detail="HTTP 503")) is None
        assert db.session.scalar(select(SyncEvent).where(SyncEvent.listing_id == listing.id))
