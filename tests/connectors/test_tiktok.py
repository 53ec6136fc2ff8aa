"""TikTok Shop connector against its sandbox, over real HTTP on loopback."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from marketplace.connectors import tiktok as tiktok_pkg
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.connectors.http import HttpClient
from marketplace.connectors.http import RetryPolicy
from marketplace.connectors.registry import get_connector
from marketplace.connectors.tiktok import TikTokConnector
from marketplace.connectors.tiktok import sign
from marketplace.connectors.tiktok import verify_webhook
from marketplace.connectors.tiktok import webhook_signature
from marketplace.connectors.tiktok.catalogue import PRODUCT_PAGE
from marketplace.connectors.tiktok.orders import ORDER_IDS_PER_CALL
from marketplace.connectors.tiktok.orders import ORDER_PAGE
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantPayload
from marketplace.sandbox.tiktok import core as sandbox_core
from marketplace.sandbox.tiktok import create_app
from tests.connectors.env_tiktok import APP_KEY
from tests.connectors.env_tiktok import APP_SECRET
from tests.connectors.env_tiktok import build_env
from tests.connectors.env_tiktok import consent_via
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.harness import serve

T1_BODY = '{"order_status":"AWAITING_SHIPMENT"}'
T1_QUERY = {
    "app_key": "38abcd",
    "timestamp": "1700000000",
    "shop_cipher": "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3",
    "page_size": "20",
    "access_token": "TTP_xxx",
    "sign": "ignored",
}
T1_STRING = (
    "e59af819cc/order/202309/orders/searchapp_key38abcdpage_size20shop_cipher"
    "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3timestamp1700000000"
    '{"order_status":"AWAITING_SHIPMENT"}e59af819cc'
)
T2_QUERY = {"app_key": "38abcd", "timestamp": "1700000000"}
T5_BODY = (
    '{"type":1,"tts_notification_id":"7327","shop_id":"7494","timestamp":1700000000,'
    '"data":{"order_id":"576","order_status":"AWAITING_SHIPMENT","update_time":1700000000}}'
)


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One sandbox server per module (stopping one costs half a second); reset per test."""
    with serve(create_app(str(tmp_path_factory.mktemp("tiktok") / "tiktok.db"))) as url:
        yield url


@pytest.fixture
def env(sandbox_url: str) -> PlatformEnv:
    requests.post(f"{sandbox_url}/_sandbox/reset", timeout=10).raise_for_status()
    return build_env(sandbox_url)


@pytest.fixture
def shop(env: PlatformEnv, tokens: TokenSet) -> TikTokConnector:
    connector = env.connector(tokens)
    assert isinstance(connector, TikTokConnector)
    return connector


def leaf_with_required(connector: TikTokConnector) -> tuple[str, dict[str, str]]:
    for node in connector.categories():
        if not node.leaf:
            continue
        specs = connector.category_attributes(node.platform_id)
        required = {s.platform_id: (s.options or ("Việt Nam",))[0] for s in specs if s.required}
        if required:
            return node.platform_id, required
    raise AssertionError("no leaf category with required attributes")


def payload(connector: TikTokConnector, sku: str, variants: int = 2, **kw: Any) -> ItemPayload:
    category, attributes = leaf_with_required(connector)
    image = connector.upload_image(jpeg(), "xoai.jpg")
    values: dict[str, Any] = {
        "seller_sku": sku,
        "name": "Xoài tròn Yên Châu loại 1",
        "description_html": "<p>Xoài tròn Yên Châu, Sơn La.</p>",
        "category_id": category,
        "images": [image],
        "variants": [
            VariantPayload(
                f"{sku}-{i}", 50_000 + i * 1000, 10 + i, options={"Khối lượng": f"{i} kg"}
            )
            for i in range(1, variants + 1)
        ],
        "attributes": attributes,
        "weight_g": 1000,
    }
    values.update(kw)
    return ItemPayload(**values)


def signed_get(env: PlatformEnv, token: str, path: str, **overrides: str) -> requests.Response:
    params = {"app_key": APP_KEY, "timestamp": str(int(time.time()))}
    params.update({k: v for k, v in overrides.items() if k != "sign"})
    params["sign"] = overrides.get("sign") or sign(APP_SECRET, path, params)[1]
    return requests.get(
        env.base_url + path, params=params, headers={"x-tts-access-token": token}, timeout=10
    )


class TestSigning:
    @pytest.mark.parametrize(
        ("secret", "path", "query", "body", "expected"),
        [
            (
                "e59af819cc",
                "/order/202309/orders/search",
                T1_QUERY,
                T1_BODY,
                "4addbc76ea27e139841d10fdb800a4263c5e56bc3fe0cbb6135db468a1e4a6d1",
            ),
            (
                "e59af819cc",
                "/authorization/202309/shops",
                T2_QUERY,
                "",
                "29bdce7213899bb2fc09f0f5848c8f0a0ca6a66766b28fa62629b96985b38b63",
            ),
            (
                "abc000def111",
                "/authorization/202309/shops",
                {"app_key": "123456", "timestamp": "1234567890"},
                "",
                "c8767e4fd7a1b48a0ce3fd23197f058159ce11b53f1ae1ad6d1ec931a1da5540",
            ),
            (
                "e59af819cc",
                "/product/202309/images/upload",
                T2_QUERY,
                "",  # multipart: the body is not signed
                "a1fd88390d36c5d9825bd66b502323349928d7cdac25280b72a5a181a93268c9",
            ),
        ],
        ids=["T1-order-search", "T2-shops", "T3-tutorial", "T4-multipart"],
    )
    def test_vectors(
        self, secret: str, path: str, query: dict[str, str], body: str, expected: str
    ) -> None:
        assert sign(secret, path, query, body)[1] == expected

    def test_t1_signed_string(self) -> None:
        assert sign("e59af819cc", "/order/202309/orders/search", T1_QUERY, T1_BODY)[0] == T1_STRING

    def test_t3_signed_string(self) -> None:
        plain, _ = sign(
            "abc000def111",
            "/authorization/202309/shops",
            {"app_key": "123456", "timestamp": "1234567890"},
        )
        assert (
            plain
            == "abc000def111/authorization/202309/shopsapp_key123456timestamp1234567890abc000def111"
        )

    def test_t5_webhook(self) -> None:
        expected = "d76a648ec04d4197fdde0512e636bab1c9f2de89bc2d655dacf441d057d32aa0"
        assert webhook_signature("38abcd", "e59af819cc", T5_BODY) == expected
        assert verify_webhook("38abcd", "e59af819cc", T5_BODY, expected)
        assert not verify_webhook("38abcd", "e59af819cc", T5_BODY + " ", expected)

    def test_registered(self) -> None:
        assert get_connector("tiktok") is TikTokConnector
        assert tiktok_pkg.sign is sign


class TestSandboxChecks:
    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"sign": "0" * 64}, 106001),
            ({"timestamp": "-301"}, 36009004),
            ({"timestamp": "+120"}, 36009004),
            ({"timestamp": "soon"}, 36009004),
            ({"app_key": "nobody"}, 36009004),
        ],
        ids=["wrong-sign", "stale-timestamp", "future-timestamp", "bad-timestamp", "bad-app-key"],
    )
    def test_rejected_with_tiktok_codes(
        self, env: PlatformEnv, tokens: TokenSet, overrides: dict[str, str], code: int
    ) -> None:
        # Offsets are applied now, not at collection: a long suite would age a fixed value.
        if overrides.get("timestamp", "")[:1] in {"-", "+"}:
            overrides = {
                **overrides,
                "timestamp": str(int(time.time()) + int(overrides["timestamp"])),
            }
        answer = signed_get(env, tokens.access_token, "/authorization/202309/shops", **overrides)
        doc = answer.json()
        assert doc["code"] == code
        assert set(doc) == {"code", "message", "request_id", "data"}

    def test_well_signed_call_passes(self, env: PlatformEnv, tokens: TokenSet) -> None:
        doc = signed_get(env, tokens.access_token, "/authorization/202309/shops").json()
        assert doc["code"] == 0
        assert doc["data"]["shops"][0]["cipher"] == tokens.shop_id

    def test_missing_token(self, env: PlatformEnv, tokens: TokenSet) -> None:
        doc = signed_get(env, "", "/authorization/202309/shops").json()
        assert doc["code"] == 36009004

    def test_shop_cipher_required(self, env: PlatformEnv, tokens: TokenSet) -> None:
        doc = signed_get(env, tokens.access_token, "/product/202309/categories").json()
        assert doc["code"] == 106013

    def test_body_is_signed(self, env: PlatformEnv, tokens: TokenSet) -> None:
        path = "/product/202502/products/search"
        params = {
            "app_key": APP_KEY,
            "timestamp": str(int(time.time())),
            "shop_cipher": tokens.shop_id,
            "page_size": "10",
        }
        params["sign"] = sign(APP_SECRET, path, params, "{}")[1]
        answer = requests.post(
            env.base_url + path,
            params=params,
            data=b'{"status":"ACTIVATE"}',  # not the body that was signed
            headers={"x-tts-access-token": tokens.access_token, "Content-Type": "application/json"},
            timeout=10,
        )
        assert answer.json()["code"] == 106001

    @pytest.mark.parametrize(
        ("method", "path", "code", "status"),
        [
            ("GET", "/product/202309/nowhere", 36009009, 404),
            ("DELETE", "/product/202309/categories", 36009010, 405),
        ],
        ids=["invalid-path", "invalid-method"],
    )
    def test_unknown_path_and_method(
        self, env: PlatformEnv, method: str, path: str, code: int, status: int
    ) -> None:
        answer = requests.request(method, env.base_url + path, timeout=10)
        assert answer.status_code == status
        assert answer.json()["code"] == code

    def test_json_content_type_required(self, env: PlatformEnv, tokens: TokenSet) -> None:
        path = "/product/202502/products/search"
        params = {
            "app_key": APP_KEY,
            "timestamp": str(int(time.time())),
            "shop_cipher": tokens.shop_id,
            "page_size": "10",
        }
        params["sign"] = sign(APP_SECRET, path, params, "{}")[1]
        answer = requests.post(
            env.base_url + path,
            params=params,
            data=b"{}",
            headers={"x-tts-access-token": tokens.access_token, "Content-Type": "text/plain"},
            timeout=10,
        )
        assert answer.json()["code"] == 36009022

    def test_qps_limit_per_api(
        self, env: PlatformEnv, tokens: TokenSet, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sandbox_core, "QPS_LIMIT", 3)
        path = "/product/202309/categories"
        codes = [
            signed_get(env, tokens.access_token, path, shop_cipher=tokens.shop_id).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]

    def test_rate_limit_answer(self, env: PlatformEnv, tokens: TokenSet) -> None:
        env.control("faults", {"rate_limit_next": 1})
        answer = signed_get(env, tokens.access_token, "/authorization/202309/shops")
        assert answer.status_code == 429
        assert answer.json()["code"] == 36009002


class TestAuth:
    def test_tokens_have_absolute_expiries(self, env: PlatformEnv, tokens: TokenSet) -> None:
        lifetime = tokens.access_expires_at - datetime.now(UTC)
        assert timedelta(days=7) - timedelta(minutes=1) < lifetime <= timedelta(days=7)
        assert tokens.refresh_expires_at is not None
        assert tokens.shop_id.startswith("GCP_")
        assert tokens.shop_name == "TikTok Shop HTX Xoài tròn Yên Châu"

    def test_code_is_single_use(self, env: PlatformEnv) -> None:
        connector = env.connector()
        params = env.consent(connector.authorize_url("http://127.0.0.1/cb", "s1"))
        assert params["state"] == "s1"
        connector.exchange_code(params["code"], {})
        with pytest.raises(AuthError) as caught:
            env.connector().exchange_code(params["code"], {})
        assert not caught.value.refreshable

    def test_code_expires_after_30_minutes(self, env: PlatformEnv) -> None:
        connector = env.connector()
        params = env.consent(connector.authorize_url("http://127.0.0.1/cb", "s1"))
        env.control("clock", {"advance": 31 * 60})
        with pytest.raises(AuthError, match="expired"):
            connector.exchange_code(params["code"], {})

    def test_seller_cancels(self, env: PlatformEnv) -> None:
        connector = env.connector()
        params = consent_via(connector.authorize_url("http://127.0.0.1/cb", "s2"), "cancel")
        assert params == {"code": "null", "error": "auth_denied", "state": "s2"}
        with pytest.raises(AuthError):
            connector.exchange_code(params["code"], params)

    def test_consent_page(self, env: PlatformEnv) -> None:
        url = env.connector().authorize_url("http://127.0.0.1/cb", "s")
        page = requests.get(url, timeout=10).text
        assert "TikTok Shop HTX Xoài tròn Yên Châu" in page
        assert "<script" not in page
        assert "style=" not in page
        assert "<style" not in page
        css = requests.get(env.base_url + "/open/static/consent.css", timeout=10)
        assert css.status_code == 200

    def test_expired_access_token_then_refresh(
        self, env: PlatformEnv, shop: TikTokConnector
    ) -> None:
        env.control("clock", {"advance": 7 * 86400 + 60})
        with pytest.raises(AuthError) as caught:
            shop.categories()
        assert caught.value.refreshable
        assert caught.value.code == "105002"
        fresh = shop.refresh()
        assert fresh.access_token != ""
        assert fresh.shop_id.startswith("GCP_")
        assert shop.categories()

    def test_refresh_token_is_single_use(self, env: PlatformEnv, tokens: TokenSet) -> None:
        env.connector(tokens).refresh()
        stale = env.connector(tokens)
        with pytest.raises(AuthError) as caught:
            stale.refresh()
        assert not caught.value.refreshable

    @pytest.mark.parametrize(
        ("control", "body"),
        [("clock", {"advance": 366 * 86400}), ("faults", {"revoked": True})],
        ids=["expired", "revoked"],
    )
    def test_dead_refresh_token(
        self, env: PlatformEnv, shop: TikTokConnector, control: str, body: dict[str, Any]
    ) -> None:
        env.control(control, body)
        with pytest.raises(AuthError) as caught:
            shop.refresh()
        assert not caught.value.refreshable

    def test_revoked_access_token(self, env: PlatformEnv, shop: TikTokConnector) -> None:
        env.control("faults", {"revoked": True})
        with pytest.raises(AuthError):
            shop.categories()


class TestCatalogue:
    def test_categories_brands_attributes(self, shop: TikTokConnector) -> None:
        nodes = shop.categories()
        assert any(n.leaf for n in nodes)
        assert all(n.parent_id is None for n in nodes if not n.leaf)
        category, required = leaf_with_required(shop)
        assert required
        assert shop.brands(category)

    def test_full_flow(self, shop: TikTokConnector) -> None:
        item = payload(shop, "XOAI-01")
        created = shop.create_item(item)
        assert [v.platform_variant_id != "" for v in created.variants] == [True, True]
        for sku in ("XOAI-01", "XOAI-01-2"):
            found = shop.find_by_seller_sku(sku)
            assert found is not None
            assert found.platform_item_id == created.platform_item_id
        assert shop.find_by_seller_sku("NOPE") is None
        updates = [
            PriceStock(created.platform_item_id, v.platform_variant_id, v.seller_sku, 77_000, 5)
            for v in created.variants
        ]
        assert all(r.ok for r in shop.update_price_stock(updates))
        found = shop.find_by_seller_sku("XOAI-01-1")
        assert found is not None
        assert {(v.price, v.stock) for v in found.variants} == {(77_000, 5)}
        shop.delist(created.platform_item_id)
        assert status_of(shop, "XOAI-01") == "delisted"
        shop.relist(created.platform_item_id)
        assert status_of(shop, "XOAI-01") == "live"

    def test_update_item(self, shop: TikTokConnector) -> None:
        created = shop.create_item(payload(shop, "TRA-01"))
        changed = payload(shop, "TRA-01", name="Trà Shan Tuyết Tà Xùa")
        updated = shop.update_item(created.platform_item_id, changed)
        assert [v.platform_variant_id for v in updated.variants] == [
            v.platform_variant_id for v in created.variants
        ]
        found = shop.find_by_seller_sku("TRA-01")
        assert found is not None
        assert found.name == "Trà Shan Tuyết Tà Xùa"

    def test_list_items_pages(self, env: PlatformEnv, tokens: TokenSet) -> None:
        # A client that really waits out a rate limit: a page and one more creates in a row
        # reach TikTok's 50 QPS.
        http = HttpClient("tiktok:pages", retry=RetryPolicy(6, 0.2, 1.0))
        shop = env.connector_cls(env.app, http, tokens)
        assert isinstance(shop, TikTokConnector)
        item = payload(shop, "P", variants=1)
        made = {
            shop.create_item(
                replace(
                    item,
                    seller_sku=f"P{i}",
                    name=f"{item.name} {i}",
                    variants=[replace(item.variants[0], seller_sku=f"P{i}-1")],
                )
            ).platform_item_id
            for i in range(PRODUCT_PAGE + 1)
        }
        seen: list[RemoteItem] = []
        cursor: str | None = None
        pages = 0
        while True:
            page = shop.list_items(cursor)
            seen += page.items
            pages += 1
            cursor = page.next_cursor
            if cursor is None:
                break
        assert pages == 2
        assert {i.platform_item_id for i in seen} == made

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"name": "X" * 256}, "name", "title"),
            ({"attributes": {}}, "attributes", "Xuất xứ"),
            ({"category_id": "600001"}, "category_id", "leaf"),
            ({"brand": "999"}, "brand", "brand"),
        ],
        ids=["title-too-long", "missing-required-attribute", "not-a-leaf", "unknown-brand"],
    )
    def test_rejected(
        self, shop: TikTokConnector, change: dict[str, Any], field: str, message: str
    ) -> None:
        with pytest.raises(Rejected, match=message) as caught:
            shop.create_item(payload(shop, "BAD-1", **change))
        assert caught.value.field == field

    def test_duplicate_seller_sku_rejected(self, shop: TikTokConnector) -> None:
        shop.create_item(payload(shop, "DUP"))
        with pytest.raises(Rejected) as caught:
            shop.create_item(
                payload(shop, "OTHER", variants=1, seller_sku="OTHER")
                if False
                else ItemPayload(**{**payload(shop, "DUP").__dict__, "seller_sku": "DUP2"})
            )
        assert caught.value.field == "seller_sku"

    def test_small_image_rejected(self, shop: TikTokConnector) -> None:
        with pytest.raises(Rejected) as caught:
            shop.upload_image(jpeg(100), "tiny.jpg")
        assert caught.value.field == "image"

    def test_rate_limited_then_succeeds(self, env: PlatformEnv, shop: TikTokConnector) -> None:
        env.control("faults", {"rate_limit_next": 2})
        assert shop.categories()
        assert len(env.sleeps) == 2
        assert all(s >= 1.0 for s in env.sleeps)

    def test_server_errors_are_retried_then_raised(
        self, env: PlatformEnv, shop: TikTokConnector
    ) -> None:
        env.control("faults", {"error_share": 1.0})
        with pytest.raises(Retryable):
            shop.categories()
        assert len(env.sleeps) == 3  # four attempts
        env.control("faults", {"error_share": 0.0})
        assert shop.categories()

    def test_lost_price_response_is_retried(self, env: PlatformEnv, shop: TikTokConnector) -> None:
        item = shop.create_item(payload(shop, "LOSTP", variants=1))
        variant = item.variants[0]
        env.control("faults", {"lose_response_next_writes": 1})
        update = PriceStock(item.platform_item_id, variant.platform_variant_id, "LOSTP-1", 9000, 2)
        assert shop.update_price_stock([update])[0].ok
        found = shop.find_by_seller_sku("LOSTP-1")
        assert found is not None
        assert (found.variants[0].price, found.variants[0].stock) == (9000, 2)

    def test_lost_create_response_is_idempotent(
        self, env: PlatformEnv, shop: TikTokConnector
    ) -> None:
        item = payload(shop, "LOST")
        env.control("faults", {"lose_response_next_writes": 1})
        created = shop.create_item(item)
        assert created.seller_sku == "LOST"
        assert len(env.sleeps) == 1
        page = shop.list_items()
        assert [i.seller_sku for i in page.items] == ["LOST"]

    def test_price_stock_split_per_product_and_batch(self, shop: TikTokConnector) -> None:
        big = shop.create_item(payload(shop, "BIG", variants=25))
        small = shop.create_item(payload(shop, "SMALL", variants=2))
        updates = [
            PriceStock(item.platform_item_id, v.platform_variant_id, v.seller_sku, 60_000, 3)
            for item in (big, small)
            for v in item.variants
        ]
        before = shop.http.calls
        results = shop.update_price_stock(updates)
        # BIG: 2 chunks (20 + 5), SMALL: 1 chunk; each chunk one prices + one inventory call.
        assert shop.http.calls - before == 6
        assert [r.seller_sku for r in results] == [u.seller_sku for u in updates]
        assert all(r.ok for r in results)
        found = shop.find_by_seller_sku("BIG-25")
        assert found is not None
        assert {(v.price, v.stock) for v in found.variants} == {(60_000, 3)}

    def test_price_stock_unknown_variant(self, shop: TikTokConnector) -> None:
        item = shop.create_item(payload(shop, "ONE", variants=1))
        results = shop.update_price_stock(
            [PriceStock(item.platform_item_id, "123", "ghost", 1000, 1)]
        )
        assert not results[0].ok


def status_of(connector: Connector, sku: str) -> str:
    found = connector.find_by_seller_sku(sku)
    assert found is not None
    return found.status


class TestOrders:
    def test_orders_windows_pages_details_settlements(
        self, env: PlatformEnv, shop: TikTokConnector
    ) -> None:
        created = shop.create_item(payload(shop, "XOAI"))
        skus = [v.seller_sku for v in created.variants]
        # Updated within 20 days, they fall in the two newest of the three windows below,
        # so at least one window needs more than one search page.
        count = 2 * ORDER_PAGE + 20
        env.simulate_orders(skus, count, 20)
        end = datetime.now(UTC) + timedelta(minutes=1)
        start = end - timedelta(days=41)
        ids: list[str] = []
        pages = 0
        window = timedelta(days=shop.order_window_days)
        lo = start
        while lo < end:
            hi = min(lo + window, end)
            cursor: str | None = None
            while True:
                page = shop.list_orders(lo, hi, cursor)
                ids += page.items
                pages += 1
                cursor = page.next_cursor
                if cursor is None:
                    break
            lo = hi
        assert len(ids) == len(set(ids)) == count
        assert pages > 3
        before = shop.http.calls
        orders = shop.order_details(ids)
        assert shop.http.calls - before == math.ceil(count / ORDER_IDS_PER_CALL)
        assert {o.platform_order_id for o in orders} == set(ids)
        assert all(line.seller_sku in skus for o in orders for line in o.lines)
        statuses = {o.status for o in orders}
        assert OrderStatus.CANCELLED in statuses
        assert OrderStatus.COMPLETED in statuses
        assert OrderStatus.RETURNED in statuses
        # One statement call per order: a sample keeps under the 50 QPS of that API.
        sample = ids[:30]
        settled = shop.settlements(sample)
        assert settled
        for s in settled:
            assert s.net == s.gross - sum(s.fees.values())
        completed = [
            o for o in orders if o.status is OrderStatus.COMPLETED and o.platform_order_id in sample
        ]
        gross = {s.platform_order_id: s.gross for s in settled}
        for order in completed:
            assert gross[order.platform_order_id] == sum(
                line.unit_price * line.quantity for line in order.lines
            )
        by_id = {o.platform_order_id: o for o in orders}
        for s in settled:
            assert s.raw["statement_transactions"]
            assert s.fees.get("tax", 0) > 0 or s.fees.get("refund")
            assert s.final == (by_id[s.platform_order_id].platform_status == "COMPLETED")
            if by_id[s.platform_order_id].status is OrderStatus.RETURNED:
                assert s.fees["refund"] == s.gross
        assert not any(
            o.platform_order_id in gross for o in orders if o.status.value == "cancelled"
        )
        assert all(o.delivery_region == "Mai Sơn, Sơn La" for o in orders)
        returned = [o for o in orders if o.status is OrderStatus.RETURNED]
        assert all(line.returned_quantity == line.quantity for o in returned for line in o.lines)

    def test_window_longer_than_allowed(self, shop: TikTokConnector) -> None:
        end = datetime.now(UTC)
        with pytest.raises(ValueError, match="15 days"):
            shop.list_orders(end - timedelta(days=16), end)


class TestContractFlow:
    """The shared contract's sequence, step by step, against this sandbox."""

    def test_flow(self, env: PlatformEnv) -> None:
        tokens = env.authorize()
        shop = env.connector(tokens)
        image = shop.upload_image(jpeg(), "p.jpg")
        category = next(
            n.platform_id
            for n in shop.categories()
            if n.leaf and any(a.required for a in shop.category_attributes(n.platform_id))
        )
        attributes = {
            a.platform_id: a.options[0] for a in shop.category_attributes(category) if a.required
        }
        item = ItemPayload(
            seller_sku="CT-1",
            name="Mận hậu Mộc Châu",
            description_html="<p>Mận hậu</p>",
            category_id=category,
            images=[image],
            variants=[
                VariantPayload("CT-1-A", 30_000, 5, options={"Size": "S"}),
                VariantPayload("CT-1-B", 40_000, 6, options={"Size": "L"}),
            ],
            attributes=attributes,
        )
        created = shop.create_item(item)
        assert all(v.platform_variant_id for v in created.variants)
        for sku in ("CT-1", "CT-1-B"):
            found = shop.find_by_seller_sku(sku)
            assert found is not None
            assert found.platform_item_id == created.platform_item_id
        updates = [
            PriceStock(created.platform_item_id, v.platform_variant_id, v.seller_sku, 45_000, 9)
            for v in created.variants
        ] * (shop.price_stock_batch // 2 + 1)
        assert len(updates) > shop.price_stock_batch
        assert all(r.ok for r in shop.update_price_stock(updates))
        found = shop.find_by_seller_sku("CT-1")
        assert found is not None
        assert {(v.price, v.stock) for v in found.variants} == {(45_000, 9)}
        shop.delist(created.platform_item_id)
        assert status_of(shop, "CT-1") == "delisted"
        shop.relist(created.platform_item_id)
        assert status_of(shop, "CT-1") == "live"
        assert shop.refresh().access_token != tokens.access_token


class TestMounted:
    def test_consent_and_api_under_a_prefix(self, tmp_path: Path) -> None:
        from flask import Flask
        from werkzeug.middleware.dispatcher import DispatcherMiddleware

        host = Flask("host")
        host.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            host.wsgi_app, {"/sandbox/tiktok": create_app(str(tmp_path / "t.db"))}
        )
        with serve(host) as url:
            env = build_env(url + "/sandbox/tiktok")
            page = requests.get(
                env.connector().authorize_url("http://127.0.0.1/cb", "s"), timeout=10
            ).text
            assert 'action="/sandbox/tiktok/open/authorize"' in page
            assert "/sandbox/tiktok/open/static/consent.css" in page
            shop = env.connector(env.authorize())
            image = shop.upload_image(jpeg(), "p.jpg")
            assert image.url.startswith(url + "/sandbox/tiktok/tos/images/")
            assert requests.get(image.url, timeout=10).content == jpeg()
