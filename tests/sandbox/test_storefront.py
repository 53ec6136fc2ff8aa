"""Each sandbox's storefront shows its demo shop's listings as a buyer sees them.

Listings are made through the platform's own API by our connectors, against the
sandbox served over real HTTP, as tests/connectors/ do; the page is then read through
its hooks: ``li.listing[data-sku]``, ``tr[data-sku]``, ``td.price`` and ``td.stock``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from marketplace.auth.models import Role
from marketplace.common.models import utcnow
from marketplace.connectors.base import Connector
from marketplace.connectors.http import HttpClient
from marketplace.connectors.http import RetryPolicy
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantPayload
from marketplace.extensions import db
from marketplace.sandbox.mount import register_demo_apps
from marketplace.shops.models import PlatformApp
from marketplace.shops.models import Shop
from tests import factories
from tests.conftest import make_app
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.harness import serve
from tests.databases import fresh_database
from tests.databases import redis_url_for

PLATFORMS = ["lazada", "shopee", "tiktok"]
pytestmark = pytest.mark.worker  # the sandboxes keep their own state; no test database needed


@dataclass
class Shown:
    """One listing as the page shows it."""

    sku: str
    name: str = ""
    status: str = ""
    kind: str = ""
    variants: dict[str, dict[str, str]] = field(default_factory=dict)  # SKU → option/price/stock


class Storefront(HTMLParser):
    """The listings of a storefront page, read through its hooks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.listings: list[Shown] = []
        self._row: dict[str, str] | None = None
        self._field = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = values.get("class", "").split()
        if tag == "li" and "listing" in classes:
            self.listings.append(Shown(values["data-sku"]))
        elif tag == "tr" and "data-sku" in values:
            self._row = self.listings[-1].variants.setdefault(values["data-sku"], {})
        elif tag == "h2" and "sf-name" in classes:
            self._field = "name"
        elif tag == "span" and "sf-status" in classes:
            self._field = "status"
            self.listings[-1].kind = classes[-1].removeprefix("sf-")
        elif self._row is not None and {"option", "price", "stock"} & set(classes):
            self._field = next(c for c in classes if c in ("option", "price", "stock"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "span", "td"):
            self._field = ""
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        text = data.replace("\xa0", " ")  # Babel puts a no-break space before ₫
        if self._field in ("name", "status"):
            listing = self.listings[-1]
            setattr(listing, self._field, getattr(listing, self._field) + text.strip())
        elif self._field and self._row is not None:
            self._row[self._field] = self._row.get(self._field, "") + text.strip()

    def skus(self) -> list[str]:
        return [listing.sku for listing in self.listings]

    def by_sku(self, sku: str) -> Shown:
        return next(listing for listing in self.listings if listing.sku == sku)


@dataclass
class Served:
    env: PlatformEnv
    app: Flask  # the sandbox app, to play the platform's own review where it has no API

    def page(self, query: str = "") -> requests.Response:
        answer = requests.get(f"{self.env.base_url}/storefront{query}", timeout=10)
        assert answer.status_code == 200
        return answer

    def shown(self, query: str = "") -> Storefront:
        return Storefront(self.page(query).text)


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS)
def served(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Served]:
    """A fresh sandbox served over HTTP, its shop empty."""
    name: str = request.param
    app = importlib.import_module(f"marketplace.sandbox.{name}").create_app(str(tmp_path / "s.db"))
    with serve(app) as url:
        yield Served(importlib.import_module(f"tests.connectors.env_{name}").build_env(url), app)


@pytest.fixture
def tokens(served: Served) -> TokenSet:
    """A shop authorized through the sandbox's consent page."""
    return served.env.authorize()


@pytest.fixture
def seller(served: Served, tokens: TokenSet) -> Seller:
    # A client that really waits out a rate limit: fifty creates in a row reach TikTok's 50 QPS.
    http = HttpClient(f"{served.env.name}:storefront", retry=RetryPolicy(6, 0.2, 1.0))
    return Seller(served.env.connector_cls(served.env.app, http, tokens))


class Seller:
    """Lists products through the connector, in a category the sandbox accepts."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        leaf = next(c for c in connector.categories() if c.leaf)
        self.category = leaf.platform_id
        self.attributes = {
            a.platform_id: (a.options[0] if a.options else "Sơn La")
            for a in connector.category_attributes(leaf.platform_id)
            if a.required
        }
        self.image: ImageRef = connector.upload_image(jpeg(), "main.jpg")

    def create(self, sku: str, name: str, variants: list[VariantPayload]) -> RemoteItem:
        return self.connector.create_item(
            ItemPayload(
                seller_sku=sku,
                name=name,
                description_html="<p>Đặc sản của hợp tác xã, làm thủ công.</p>",
                category_id=self.category,
                images=[self.image],
                attributes=self.attributes,
                weight_g=300,
                variants=variants,
            )
        )

    def single(self, sku: str, name: str, price: int = 89_000, stock: int = 7) -> RemoteItem:
        return self.create(sku, name, [variant(f"{sku}-1", price, stock)])


def variant(sku: str, price: int, stock: int, options: dict[str, str] | None = None) -> Any:
    return VariantPayload(
        seller_sku=sku,
        price=price,
        stock=stock,
        options=options or {},
        weight_g=300,
        length_cm=20,
        width_cm=10,
        height_cm=8,
    )


TEA = [
    variant("CHE-250", 125_000, 10, {"Khối lượng": "250 g"}),
    variant("CHE-500", 240_000, 0, {"Khối lượng": "500 g"}),
    variant("CHE-1000", 600_000, 12, {"Khối lượng": "1000 g"}),
]


def single_variant_sku(platform: str, parent: str) -> str:
    # A Shopee item without models keeps only the item's SKU; the others store the variant's.
    return parent if platform == "shopee" else f"{parent}-1"


class TestStorefront:
    def test_listings_show_names_skus_prices_and_stock_newest_first(
        self, served: Served, seller: Seller
    ) -> None:
        seller.create("CHE", "Chè Shan Tuyết Mộc Châu hộp quà", TEA)
        seller.single("MAT-ONG", "Mật ong hoa ban Sơn La", price=1_250_000)
        answer = served.page()
        assert "2 sản phẩm" in answer.text  # in Vietnamese
        page = Storefront(answer.text)
        assert page.skus() == ["MAT-ONG", "CHE"]
        tea = page.by_sku("CHE")
        assert tea.name == "Chè Shan Tuyết Mộc Châu hộp quà"
        assert (tea.status, tea.kind) == ("Đang bán", "live")
        assert tea.variants == {
            "CHE-250": {"option": "Khối lượng: 250 g", "price": "125.000 ₫", "stock": "10"},
            "CHE-500": {"option": "Khối lượng: 500 g", "price": "240.000 ₫", "stock": "0"},
            "CHE-1000": {"option": "Khối lượng: 1000 g", "price": "600.000 ₫", "stock": "12"},
        }
        honey = page.by_sku("MAT-ONG")
        assert honey.name == "Mật ong hoa ban Sơn La"
        sku = single_variant_sku(served.env.name, "MAT-ONG")
        assert honey.variants == {sku: {"price": "1.250.000 ₫", "stock": "7"}}

    def test_an_empty_shop_says_so(self, served: Served) -> None:
        answer = served.page()
        assert "Gian hàng chưa có sản phẩm nào." in answer.text
        assert "0 sản phẩm" in answer.text
        assert Storefront(answer.text).listings == []

    def test_fifty_a_page_and_page_two_holds_the_oldest(
        self, served: Served, seller: Seller
    ) -> None:
        for n in range(1, 52):
            seller.single(f"SP-{n:02d}", f"Sản phẩm số {n}")
        first = served.page()
        assert [s.sku for s in Storefront(first.text).listings] == [
            f"SP-{n:02d}" for n in range(51, 1, -1)
        ]
        assert "Trang 1/2" in first.text
        assert 'href="/storefront?page=2"' in first.text
        second = served.page("?page=2")
        assert Storefront(second.text).skus() == ["SP-01"]
        assert "Trang 2/2" in second.text
        assert 'href="/storefront?page=1"' in second.text
        # Out of range or not a number: the nearest page, never an error.
        assert Storefront(served.page("?page=9").text).skus() == ["SP-01"]
        assert len(Storefront(served.page("?page=abc").text).listings) == 50

    def test_a_price_and_stock_change_shows(self, served: Served, seller: Seller) -> None:
        item = seller.create("CHE", "Chè Shan Tuyết Mộc Châu hộp quà", TEA)
        target = next(v for v in item.variants if v.seller_sku == "CHE-500")
        results = seller.connector.update_price_stock(
            [PriceStock(item.platform_item_id, target.platform_variant_id, "CHE-500", 99_000, 4)]
        )
        assert [r.ok for r in results] == [True]
        tea = served.shown().by_sku("CHE")
        assert tea.variants["CHE-500"] == {
            "option": "Khối lượng: 500 g",
            "price": "99.000 ₫",
            "stock": "4",
        }
        assert tea.variants["CHE-250"]["stock"] == "10"  # the others are untouched

    def test_a_delisted_listing_shows_in_the_platforms_words(
        self, served: Served, seller: Seller
    ) -> None:
        item = seller.single("MAT-ONG", "Mật ong hoa ban Sơn La")
        seller.connector.delist(item.platform_item_id)
        honey = served.shown().by_sku("MAT-ONG")
        hidden = {"shopee": "Đã ẩn", "lazada": "Ngưng hoạt động", "tiktok": "Đã hủy kích hoạt"}
        assert (honey.status, honey.kind) == (hidden[served.env.name], "hidden")

    # The platforms' review, which the sandboxes skip, and deletion: set in the store.
    STATUSES: dict[str, dict[str, tuple[str, str, str]]] = {
        "shopee": {
            "review": ("items", "REVIEWING", "Đang chờ duyệt"),
            "refused": ("items", "BANNED", "Vi phạm"),
            "deleted": ("items", "SELLER_DELETE", ""),
        },
        "lazada": {
            "review": ("products", "Pending QC", "Chờ duyệt"),
            "refused": ("products", "Rejected", "Bị từ chối"),
            "deleted": ("products", "Deleted", ""),
        },
        "tiktok": {
            "review": ("products", "PENDING", "Đang xét duyệt"),
            "refused": ("products", "FAILED", "Không được duyệt"),
            "deleted": ("products", "DELETED", ""),
        },
    }

    @pytest.mark.parametrize("kind", ["review", "refused", "deleted"])
    def test_review_refusal_and_deletion(self, served: Served, seller: Seller, kind: str) -> None:
        item = seller.single("MAT-ONG", "Mật ong hoa ban Sơn La")
        collection, code, label = self.STATUSES[served.env.name][kind]
        store = served.app.extensions["sandbox"].store
        doc = store.get(collection, item.platform_item_id)
        assert doc is not None
        doc["item_status" if served.env.name == "shopee" else "status"] = code
        store.put(collection, item.platform_item_id, doc)
        page = served.shown()
        if kind == "deleted":
            assert page.listings == []
            return
        shown = page.by_sku("MAT-ONG")
        assert (shown.status, shown.kind) == (label, kind)

    def test_own_stylesheet_only_and_spared_by_faults(self, served: Served) -> None:
        served.env.control("faults", {"error_share": 1, "latency_ms": 0})
        answer = served.page()  # the API is down, the storefront is not
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        html = answer.text
        for inline in ("<script", "<style", "style="):  # the CSP would refuse them
            assert inline not in html
        assert 'href="/storefront/static/storefront.css"' in html
        css = requests.get(f"{served.env.base_url}/storefront/static/storefront.css", timeout=10)
        assert css.status_code == 200
        assert "text/css" in css.headers["Content-Type"]


@pytest.fixture(scope="module")
def mounted(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    """The main app with the sandboxes mounted under /sandbox/<name>/, as ``make run`` does."""
    instance = tmp_path_factory.mktemp("storefront-links")
    return make_app(
        fresh_database(instance, "storefrontlinks"),
        redis_url_for(redis_base_url, 1),
        instance,
        SANDBOX_ENABLED=True,
        SANDBOX_STATE_DIR=str(instance / "sandbox"),
    )


def logged_in(app: Flask, email: str) -> Any:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    return client


class TestLinks:
    def test_admin_and_shops_pages_link_to_the_storefronts(self, mounted: Flask) -> None:
        base = "http://marketplace.test"
        with mounted.app_context():
            factories.bind(db.session)
            register_demo_apps(base)
            # A real (non-sandbox) Lazada app: its shop gets no link.
            lazada = db.session.scalars(
                select(PlatformApp).where(PlatformApp.platform == "lazada")
            ).one()
            lazada.sandbox = False
            cooperative = factories.CooperativeFactory()
            for platform in ("shopee", "lazada"):
                db.session.add(
                    Shop(
                        cooperative_id=cooperative.id,
                        platform=platform,
                        platform_shop_id=f"{platform}-1",
                        name=f"Gian hàng {platform}",
                        access_token="access",
                        refresh_token="refresh",
                        access_expires_at=utcnow(),
                    )
                )
            manager = factories.member(cooperative).email
            admin = factories.UserFactory(role=Role.ADMIN).email
            db.session.commit()
            db.session.remove()

        shops = logged_in(mounted, manager).get("/shops/").get_data(as_text=True)
        assert shops.count("Xem trên sàn thử") == 1
        assert f'href="{base}/sandbox/shopee/storefront?shop=shopee-1"' in shops

        page = logged_in(mounted, admin).get("/admin/sandbox/").get_data(as_text=True)
        assert page.count("Xem gian hàng trên sàn thử") == 3
        for name in PLATFORMS:
            assert f'href="/sandbox/{name}/storefront"' in page

        # The link works where the sandbox is mounted, its stylesheet under the mount too.
        client = mounted.test_client()
        storefront = client.get("/sandbox/shopee/storefront").get_data(as_text=True)
        assert "Shop HTX Chè Mộc Châu Xanh" in storefront
        assert "Gian hàng chưa có sản phẩm nào." in storefront
        css = "/sandbox/shopee/storefront/static/storefront.css"
        assert f'href="{css}"' in storefront
        assert client.get(css).status_code == 200
