"""Lazada connector against its sandbox: signing vectors, auth, catalogue, orders, faults."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.connectors.lazada import LazadaConnector
from marketplace.connectors.lazada import sign
from marketplace.connectors.types import FeeKind
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantPayload
from marketplace.sandbox.lazada import create_app
from tests.connectors.env_lazada import APP_KEY
from tests.connectors.env_lazada import APP_SECRET
from tests.connectors.env_lazada import build_env
from tests.connectors.env_lazada import consent
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.harness import serve

PARTNER = "lazop-sdk-python-20181207"
L1 = {
    "app_key": "123456",
    "sign_method": "sha256",
    "timestamp": "1700000000000",
    "access_token": "50000600a12bcDEFghIJklMNopQRstUVwxYZ0123456789",
    "created_after": "2023-11-01T00:00:00+07:00",
    "status": "pending",
    "offset": "0",
    "limit": "100",
    "sort_by": "created_at",
    "sort_direction": "DESC",
}
L0 = {
    "app_key": "123456",
    "access_token": "test",
    "timestamp": "1517820392000",
    "sign_method": "sha256",
    "order_id": "1234",
}
L2 = {
    "app_key": "100132",
    "sign_method": "sha256",
    "timestamp": "1517820392000",
    "code": "0_100132_2DL4DV3jcU1UOT7WGI1A4rY91",
}
L3_PAYLOAD = (
    '<?xml version="1.0" encoding="UTF-8"?><Request><Product><Skus><Sku><SellerSku>SKU-1'
    "</SellerSku><Quantity>5</Quantity></Sku></Skus></Product></Request>"
)
SDK = {"app_key": "123456", "sign_method": "sha256", "timestamp": "1700000000000"}

VECTORS: list[tuple[str, str, dict[str, str], str]] = [
    (
        "helloworld",
        "/order/get",
        L0,
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A",
    ),
    (
        "helloworldsecret",
        "/orders/get",
        L1,
        "1331EA7BF08CD5DFDE8BB447AFB6C7070787B871C0D4C80F5AB580D001CD903D",
    ),
    (
        "helloworldsecret",
        "/orders/get",
        {**L1, "partner_id": PARTNER},
        "87553CD12DD7B9F8E8167E753FE99131720872A9104C71B69C49F86528152664",
    ),
    (
        "ExampleSecretKey1234567890abcdef",
        "/auth/token/create",
        L2,
        "9EC515E935CCC600593FDF1E00DB6C5EAD373C1B5AE187F18C5EF039C9746A36",
    ),
    (
        "ExampleSecretKey1234567890abcdef",
        "/auth/token/create",
        {**L2, "timestamp": "1700000000000", "partner_id": PARTNER},
        "2DB35CE77DBE7C5307C6EB18986167F40949E6E8D8FBB4247F5E9069E6898BDA",
    ),
    (
        "helloworldsecret",
        "/product/price_quantity/update",
        {**SDK, "partner_id": PARTNER, "access_token": "tok", "payload": L3_PAYLOAD},
        "41F6FF1FC718E0840F2BD543F26298B736AFC722D11F4A4D36C404D29EB1BCD0",
    ),
    (
        "helloworld",
        "/order/get",
        {**L0, "status": ""},
        "A2FCD72633A6D1FDC4A29A1FC1A8A6641F0A06CC40E2AB1C916296626159828B",
    ),
    (
        "helloworldsecret",
        "/image/upload",
        {**SDK, "partner_id": PARTNER, "access_token": "tok"},
        "0ED064AD1D3DB1F616ACA1F2392BC90551158EA396B734F0979CB0DF06FE29AF",
    ),
]
BASES = {
    "L0": (
        "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000"
    ),
    "L1": (
        "/orders/getaccess_token50000600a12bcDEFghIJklMNopQRstUVwxYZ0123456789app_key123456"
        "created_after2023-11-01T00:00:00+07:00limit100offset0sign_methodsha256sort_bycreated_at"
        "sort_directionDESCstatuspendingtimestamp1700000000000"
    ),
    "L2": (
        "/auth/token/createapp_key100132code0_100132_2DL4DV3jcU1UOT7WGI1A4rY91"
        "sign_methodsha256timestamp1517820392000"
    ),
}


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One served sandbox per module (stopping a server costs 0.5 s); reset per test."""
    path: Path = tmp_path_factory.mktemp("lazada") / "lazada.db"
    with serve(create_app(str(path))) as url:
        yield url


@pytest.fixture
def env(sandbox_url: str) -> PlatformEnv:
    requests.post(f"{sandbox_url}/_sandbox/reset", timeout=10).raise_for_status()
    return build_env(sandbox_url)


@pytest.fixture
def shop(env: PlatformEnv, tokens: TokenSet) -> LazadaConnector:
    connector = env.connector(tokens)
    assert isinstance(connector, LazadaConnector)
    return connector


def payload(shop: LazadaConnector, parent: str, variants: int = 2, **changes: Any) -> ItemPayload:
    image = shop.upload_image(jpeg(), "front.jpg")
    item = ItemPayload(
        seller_sku=parent,
        name="Cà phê Arabica Chiềng Mung rang xay",
        description_html="<p>Cà phê Arabica trồng ở Chiềng Mung, Mai Sơn.</p>",
        category_id="10101",
        images=[image],
        variants=[
            VariantPayload(
                seller_sku=f"{parent}-{n}",
                price=120_000 + n * 1000,
                stock=10 + n,
                options={"size": f"{250 * (n + 1)} g"},
                weight_g=300 + n,
            )
            for n in range(variants)
        ],
        attributes={"coffee_type": "Cà phê bột", "shelf_life": "12", "origin": "Sơn La"},
        brand="10001",
        weight_g=300,
    )
    for name, value in changes.items():
        setattr(item, name, value)
    return item


def raw_call(env: PlatformEnv, path: str, params: dict[str, str], secret: str = APP_SECRET) -> Any:
    full = {"app_key": APP_KEY, "sign_method": "sha256", **params}
    full["sign"] = sign(secret, path, full)[1]
    return requests.get(f"{env.base_url}/rest{path}", params=full, timeout=10).json()


def now_ms() -> str:
    return f"{int(time.time())}000"


class TestSigning:
    @pytest.mark.parametrize(
        ("secret", "path", "params", "expected"),
        VECTORS,
        ids=["L0", "L1", "L1-sdk", "L2", "L2-sdk", "L3", "L4", "L5"],
    )
    def test_vectors(self, secret: str, path: str, params: dict[str, str], expected: str) -> None:
        assert sign(secret, path, params)[1] == expected

    @pytest.mark.parametrize("name", ["L0", "L1", "L2"], ids=["L0", "L1", "L2"])
    def test_base_strings(self, name: str) -> None:
        secret, path, params, _ = VECTORS[{"L0": 0, "L1": 1, "L2": 3}[name]]
        assert sign(secret, path, params)[0] == BASES[name]

    def test_sign_param_is_ignored(self) -> None:
        assert sign("helloworld", "/order/get", {**L0, "sign": "X"}) == sign(
            "helloworld", "/order/get", L0
        )


class TestGateway:
    @pytest.mark.parametrize(
        ("params", "secret", "code"),
        [
            ({"timestamp": "NOW"}, "wrong-secret", "IncompleteSignature"),
            ({"timestamp": "1517820392000"}, APP_SECRET, "InvalidTimestamp"),
            ({}, APP_SECRET, "MissingParameter"),
        ],
        ids=["wrong-signature", "stale-timestamp", "no-timestamp"],
    )
    def test_rejected(
        self, env: PlatformEnv, params: dict[str, str], secret: str, code: str
    ) -> None:
        params = {k: now_ms() if v == "NOW" else v for k, v in params.items()}
        body = raw_call(env, "/category/tree/get", params, secret)
        assert body["code"] == code
        assert body["type"] == "ISV"
        assert body["request_id"]

    def test_post_form_and_timestamp_skew(self, env: PlatformEnv) -> None:
        full = {
            "app_key": APP_KEY,
            "sign_method": "sha256",
            "timestamp": f"{int(time.time()) - 7000}000",
        }
        full["sign"] = sign(APP_SECRET, "/category/tree/get", full)[1]
        body = requests.post(f"{env.base_url}/rest/category/tree/get", data=full, timeout=10).json()
        assert body["code"] == "0"
        assert body["data"][0]["children"]

    def test_missing_token(self, env: PlatformEnv) -> None:
        body = raw_call(env, "/products/get", {"timestamp": now_ms(), "filter": "all"})
        assert body["code"] == "MissingParameter"


class TestAuth:
    def test_exchange(self, env: PlatformEnv, tokens: TokenSet) -> None:
        assert tokens.shop_name == "Lazada HTX Cà phê Arabica Chiềng Mung"
        assert tokens.shop_id == "200154002"
        assert tokens.extra["country"] == "vn"
        life = tokens.access_expires_at - datetime.now(UTC)
        assert timedelta(days=6, hours=23) < life <= timedelta(days=7)
        assert tokens.refresh_expires_at is not None
        assert tokens.refresh_expires_at - tokens.access_expires_at == timedelta(days=23)

    def test_code_single_use(self, env: PlatformEnv) -> None:
        connector = env.connector()
        params = consent(connector.authorize_url("http://127.0.0.1/callback", "s"))
        connector.exchange_code(params["code"], {})
        with pytest.raises(AuthError) as caught:
            env.connector().exchange_code(params["code"], {})
        assert caught.value.code == "InvalidCode"
        assert not caught.value.refreshable

    def test_code_expires_after_30_minutes(self, env: PlatformEnv) -> None:
        connector = env.connector()
        params = consent(connector.authorize_url("http://127.0.0.1/callback", "s"))
        env.control("clock", {"advance": 31 * 60})
        with pytest.raises(AuthError, match="Invalid authorization code"):
            connector.exchange_code(params["code"], {})

    def test_cancel(self, env: PlatformEnv) -> None:
        url = env.connector().authorize_url("http://127.0.0.1/callback", "s")
        assert consent(url, "cancel") == {"error": "access_denied", "state": "s"}

    @pytest.mark.parametrize(
        "query",
        ["redirect_uri=http://evil.example/cb", "client_id=999", "uuid=1"],
        ids=["foreign-redirect", "unknown-app", "uuid"],
    )
    def test_consent_page_refuses(self, env: PlatformEnv, query: str) -> None:
        url = env.connector().authorize_url("http://127.0.0.1/callback", "s")
        name = query.split("=")[0]
        kept = "&".join(p for p in url.split("?")[1].split("&") if not p.startswith(name + "="))
        answer = requests.get(f"{url.split('?')[0]}?{kept}&{query}", timeout=10)
        assert answer.status_code == 400

    def test_consent_page(self, env: PlatformEnv) -> None:
        url = env.connector().authorize_url("http://127.0.0.1/callback", "s")
        page = requests.get(url, timeout=10).text
        assert "Lazada HTX Cà phê Arabica Chiềng Mung" in page
        assert "<script" not in page
        assert "style=" not in page

    def test_expired_access_token_then_refresh(
        self, env: PlatformEnv, shop: LazadaConnector
    ) -> None:
        env.control("clock", {"advance": 7 * 86400 + 60})
        with pytest.raises(AuthError) as caught:
            shop.list_items()
        assert caught.value.refreshable
        assert caught.value.code == "IllegalAccessToken"
        old = shop.tokens
        fresh = shop.refresh()
        assert old is not None
        assert fresh.refresh_token != old.refresh_token
        assert fresh.refresh_expires_at is not None
        assert old.refresh_expires_at is not None
        assert abs((fresh.refresh_expires_at - old.refresh_expires_at).total_seconds()) < 5
        assert shop.list_items().next_cursor is None

    def test_used_refresh_token(self, env: PlatformEnv, tokens: TokenSet) -> None:
        env.connector(tokens).refresh()
        with pytest.raises(AuthError) as caught:
            env.connector(tokens).refresh()
        assert not caught.value.refreshable
        assert caught.value.code == "IllegalRefreshToken"

    def test_expired_refresh_token(self, env: PlatformEnv, shop: LazadaConnector) -> None:
        env.control("clock", {"advance": 30 * 86400 + 60})
        with pytest.raises(AuthError) as caught:
            shop.refresh()
        assert not caught.value.refreshable

    def test_revoked(self, env: PlatformEnv, shop: LazadaConnector) -> None:
        env.control("faults", {"revoked": True})
        with pytest.raises(AuthError):
            shop.list_items()
        with pytest.raises(AuthError) as caught:
            shop.refresh()
        assert not caught.value.refreshable

    def test_needs_refresh(self, shop: LazadaConnector, tokens: TokenSet) -> None:
        assert not shop.needs_refresh(datetime.now(UTC))
        assert shop.needs_refresh(tokens.access_expires_at - timedelta(minutes=20))


class TestImages:
    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (jpeg(300), "300"),
            (b"not an image", "300"),
            (None, "303"),
        ],
        ids=["too-small", "not-image", "too-large"],
    )
    def test_rejected(self, shop: LazadaConnector, data: bytes | None, code: str) -> None:
        if data is None:
            buffer = io.BytesIO()
            Image.effect_noise((1800, 1800), 120).convert("RGB").save(buffer, "PNG")
            data = buffer.getvalue()
            assert len(data) > 1024 * 1024
        with pytest.raises(Rejected) as caught:
            shop.upload_image(data, "x.jpg")
        assert caught.value.code == code

    def test_upload_is_hosted(self, shop: LazadaConnector) -> None:
        ref = shop.upload_image(jpeg(), "a.jpg")
        answer = requests.get(ref.url, timeout=10)
        assert answer.headers["Content-Type"] == "image/jpeg"
        assert answer.content == jpeg()


class TestProducts:
    def test_create_find_list(self, shop: LazadaConnector) -> None:
        created = shop.create_item(payload(shop, "CF-ARA"))
        assert created.status == "live"
        assert all(v.platform_variant_id for v in created.variants)
        for sku in ("CF-ARA", "CF-ARA-1"):
            found = shop.find_by_seller_sku(sku)
            assert found is not None
            assert found.platform_item_id == created.platform_item_id
            assert found.seller_sku == "CF-ARA"
        assert shop.find_by_seller_sku("NOPE") is None

    def test_list_pages(self, shop: LazadaConnector) -> None:
        image = shop.upload_image(jpeg(), "a.jpg")
        for n in range(52):
            shop.create_item(
                ItemPayload(
                    seller_sku=f"P{n}",
                    name=f"Mật ong {n}",
                    description_html="",
                    category_id="10201",
                    images=[image],
                    variants=[VariantPayload(f"P{n}-1", 100_000, 5, weight_g=500)],
                )
            )
        seen: list[RemoteItem] = []
        cursor: str | None = None
        pages = 0
        while True:
            page = shop.list_items(cursor)
            seen += page.items
            pages += 1
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert pages == 2
        assert len({i.platform_item_id for i in seen}) == 52
        assert shop.find_by_seller_sku("P51") is not None

    @pytest.mark.parametrize(
        ("changes", "field", "code"),
        [
            ({"attributes": {"origin": "Sơn La"}}, "attributes.coffee_type", "500"),
            (
                {"attributes": {"coffee_type": "Trà", "origin": "Sơn La"}},
                "attributes.coffee_type",
                "500",
            ),
            ({"category_id": "10100"}, "category_id", "4134"),
            ({"category_id": "424242"}, "category_id", "201"),
            ({"name": ""}, "name", "500"),
            ({"name": "x" * 256}, "name", "500"),
            ({"images": []}, "images", "4139"),
            ({"images": [ImageRef("http://x/y.jpg", "http://x/y.jpg")]}, "images", "500"),
            ({"brand": "99999"}, "brand", "4142"),
        ],
        ids=[
            "missing-attribute",
            "bad-option",
            "not-leaf",
            "bad-category",
            "no-name",
            "long-name",
            "no-image",
            "foreign-image",
            "bad-brand",
        ],
    )
    def test_rejected(
        self, shop: LazadaConnector, changes: dict[str, Any], field: str, code: str
    ) -> None:
        with pytest.raises(Rejected) as caught:
            shop.create_item(payload(shop, "BAD", **changes))
        assert caught.value.field == field
        assert caught.value.code == code
        assert caught.value.message

    def test_too_many_images(self, shop: LazadaConnector) -> None:
        item = payload(shop, "NINE")
        item.images = item.images * 9
        with pytest.raises(Rejected) as caught:
            shop.create_item(item)
        assert (caught.value.code, caught.value.field) == ("4169", "images")

    def test_duplicate_sku(self, shop: LazadaConnector) -> None:
        shop.create_item(payload(shop, "DUP"))
        other = payload(shop, "OTHER")
        other.variants[0].seller_sku = "DUP-0"
        with pytest.raises(Rejected) as caught:
            shop.create_item(other)
        assert caught.value.code == "4105"
        assert caught.value.field == "variants[0].seller_sku"

    def test_lost_create_response_is_idempotent(
        self, env: PlatformEnv, shop: LazadaConnector
    ) -> None:
        item = payload(shop, "LOST")
        env.control("faults", {"lose_response_next_writes": 1})
        created = shop.create_item(item)
        assert created.seller_sku == "LOST"
        assert len(shop.list_items().items) == 1

    def test_delist_relist(self, shop: LazadaConnector) -> None:
        created = shop.create_item(payload(shop, "DL"))
        shop.delist(created.platform_item_id)
        shop.delist(created.platform_item_id)  # already inactive: still fine
        found = shop.find_by_seller_sku("DL")
        assert found is not None
        assert found.status == "delisted"
        shop.relist(created.platform_item_id)
        found = shop.find_by_seller_sku("DL")
        assert found is not None
        assert found.status == "live"
        with pytest.raises(NotFound):
            shop.delist("1")

    def test_update_item(self, shop: LazadaConnector) -> None:
        item = payload(shop, "UP")
        created = shop.create_item(item)
        item.name = "Cà phê Arabica hạt rang mộc"
        updated = shop.update_item(created.platform_item_id, item)
        assert updated.name == item.name


class TestPriceStock:
    def test_split_and_applied(self, shop: LazadaConnector) -> None:
        image = shop.upload_image(jpeg(), "a.jpg")
        items = [
            shop.create_item(
                ItemPayload(
                    seller_sku=f"PS{n}",
                    name=f"Trà Shan tuyết {n}",
                    description_html="",
                    category_id="10102",
                    images=[image],
                    attributes={"tea_type": "Trà xanh"},
                    variants=[
                        VariantPayload(
                            f"PS{n}-{k}", 50_000, 1, options={"size": f"{k}"}, weight_g=100
                        )
                        for k in range(5)
                    ],
                )
            )
            for n in range(5)
        ]
        updates = [
            PriceStock(i.platform_item_id, v.platform_variant_id, v.seller_sku, 77_000 + k, 40 + k)
            for i in items
            for k, v in enumerate(i.variants)
        ]
        assert len(updates) > shop.price_stock_batch
        before = shop.http.calls
        results = shop.update_price_stock(updates)
        assert shop.http.calls - before == 2
        assert all(r.ok for r in results)
        found = shop.find_by_seller_sku("PS3-4")
        assert found is not None
        assert {(v.price, v.stock) for v in found.variants if v.seller_sku == "PS3-4"} == {
            (77_004, 44)
        }

    def test_partial_failure(self, shop: LazadaConnector) -> None:
        created = shop.create_item(payload(shop, "PF"))
        good = created.variants[0]
        results = shop.update_price_stock(
            [
                PriceStock(
                    created.platform_item_id, good.platform_variant_id, good.seller_sku, 99_000, 3
                ),
                PriceStock(created.platform_item_id, "1", "UNKNOWN", 1000, 1),
            ]
        )
        assert [r.ok for r in results] == [True, False]
        assert isinstance(results[1].error, Rejected)
        assert (results[1].error.message, results[1].error.field) == ("SKU not found", "seller_sku")

    def test_rate_limited_then_succeeds(self, env: PlatformEnv, shop: LazadaConnector) -> None:
        env.control("faults", {"rate_limit_next": 2})
        assert shop.list_items().items == []
        assert len(env.sleeps) == 2
        assert all(s >= 1.0 for s in env.sleeps)


class TestCategories:
    def test_tree_attributes_brands(self, shop: LazadaConnector) -> None:
        nodes = {n.platform_id: n for n in shop.categories()}
        assert nodes["10101"].leaf
        assert nodes["10101"].parent_id == "10100"
        assert not nodes["10000"].leaf
        assert nodes["10000"].parent_id is None
        specs = {a.platform_id: a for a in shop.category_attributes("10101")}
        assert specs["coffee_type"].required
        assert "Cà phê bột" in specs["coffee_type"].options
        assert "name" not in specs
        assert "brand_id" not in specs
        brands = shop.brands("10101")
        assert "No Brand" in {b.name for b in brands}


class TestOrders:
    def test_windows_pages_details_settlements(
        self, env: PlatformEnv, shop: LazadaConnector
    ) -> None:
        created = shop.create_item(payload(shop, "ORD"))
        skus = [v.seller_sku for v in created.variants]
        env.simulate_orders(skus, 120, 10)
        end = datetime.now(UTC) + timedelta(minutes=1)
        start = end - timedelta(days=41)
        ids: list[str] = []
        calls = 0
        window = start
        while window < end:
            upper = min(end, window + timedelta(days=shop.order_window_days))
            cursor: str | None = None
            while True:
                page = shop.list_orders(window, upper, cursor)
                calls += 1
                ids += page.items
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            window = upper
        assert len(ids) == len(set(ids)) == 120
        assert calls >= 4
        orders = shop.order_details(ids)
        assert {o.platform_order_id for o in orders} == set(ids)
        assert all(line.seller_sku in skus for o in orders for line in o.lines)
        assert {o.status.value for o in orders} >= {"cancelled", "returned", "completed"}
        settlements = shop.settlements(ids[:20])
        assert len(settlements) == 20
        for s in settlements:
            assert s.net == s.gross - sum(s.fees.values())
        assert any(s.fees.get("commission", 0) > 0 for s in settlements)
        assert set().union(*(s.fees for s in settlements)) <= {k.value for k in FeeKind}
        assert any(s.fees.get("tax", 0) > 0 and s.raw["transactions"] for s in settlements)
        by_id = {o.platform_order_id: o for o in orders}
        for s in settlements:  # a returned order's price comes back; a cancelled one has none
            if by_id[s.platform_order_id].status.value == "returned":
                assert s.fees["refund"] == s.gross
                assert s.final
            if by_id[s.platform_order_id].status.value == "cancelled":
                assert (s.gross, s.fees, s.net) == (0, {}, 0)
        assert all(o.delivery_region == "Mai Sơn, Sơn La" for o in orders)
        assert any(line.returned_quantity for o in orders for line in o.lines)

    @pytest.mark.parametrize(
        ("params", "code"),
        [
            ({}, "MissingParameter"),
            ({"created_after": "2026-01-01"}, "17"),
            ({"created_after": "2026-01-01T00:00:00+07:00", "limit": "101"}, "19"),
            ({"created_after": "2026-01-01T00:00:00+07:00", "offset": "5001"}, "14"),
            ({"created_after": "2026-01-01T00:00:00+07:00", "status": "nope"}, "36"),
        ],
        ids=["no-window", "bad-date", "limit", "offset", "status"],
    )
    def test_query_limits(
        self, env: PlatformEnv, tokens: TokenSet, params: dict[str, str], code: str
    ) -> None:
        body = raw_call(
            env,
            "/orders/get",
            {"timestamp": now_ms(), "access_token": tokens.access_token, **params},
        )
        assert body["code"] == code

    def test_items_batch_limit(self, env: PlatformEnv, tokens: TokenSet) -> None:
        ids = "[" + ",".join(str(n) for n in range(51)) + "]"
        body = raw_call(
            env,
            "/orders/items/get",
            {"timestamp": now_ms(), "access_token": tokens.access_token, "order_ids": ids},
        )
        assert body["code"] == "38"


class TestContractFlow:
    """The lead's contract suite, step by step, using only what the connector offers."""

    def test_flow(self, env: PlatformEnv) -> None:
        tokens = env.authorize()
        shop = env.connector(tokens)
        image = shop.upload_image(jpeg(), "front.jpg")
        leaf = next(n for n in shop.categories() if n.leaf)
        attributes = {
            a.platform_id: (a.options[0] if a.options else "Sơn La")
            for a in shop.category_attributes(leaf.platform_id)
            if a.required
        }
        item = ItemPayload(
            seller_sku="HTX-CF",
            name="Cà phê Arabica",
            description_html="<p>Rang xay</p>",
            category_id=leaf.platform_id,
            images=[image],
            variants=[
                VariantPayload(f"HTX-CF-{n}", 100_000 + n, 5, options={"Khối lượng": f"{n} g"})
                for n in range(25)
            ],
            attributes=attributes,
            weight_g=500,
        )
        created = shop.create_item(item)
        assert len(created.variants) == 25
        assert all(v.platform_variant_id for v in created.variants)
        for sku in ("HTX-CF", "HTX-CF-7"):
            found = shop.find_by_seller_sku(sku)
            assert found is not None
            assert found.platform_item_id == created.platform_item_id
        results = shop.update_price_stock(
            [
                PriceStock(created.platform_item_id, v.platform_variant_id, v.seller_sku, 90_000, 7)
                for v in created.variants
            ]
        )
        assert all(r.ok for r in results)
        found = shop.find_by_seller_sku("HTX-CF")
        assert found is not None
        assert {(v.price, v.stock) for v in found.variants} == {(90_000, 7)}
        fresh = shop.refresh()
        shop = env.connector(fresh)
        shop.delist(created.platform_item_id)
        shop.relist(created.platform_item_id)
        env.simulate_orders([v.seller_sku for v in created.variants], 30, 40)
        end = datetime.now(UTC) + timedelta(hours=1)  # orders up to the sandbox clock's now
        start, ids = end - timedelta(days=42), []
        while start < end:
            upper = min(end, start + timedelta(days=shop.order_window_days))
            cursor: str | None = None
            while True:
                page = shop.list_orders(start, upper, cursor)
                ids += page.items
                if (cursor := page.next_cursor) is None:
                    break
            start = upper
        assert len(set(ids)) == 30
        orders = shop.order_details(ids)
        assert all(line.seller_sku.startswith("HTX-CF-") for o in orders for line in o.lines)
        for settlement in shop.settlements(ids):
            assert settlement.net == settlement.gross - sum(settlement.fees.values())


class TestMounted:
    def test_under_a_prefix(self, tmp_path: Path) -> None:
        from flask import Flask
        from werkzeug.middleware.dispatcher import DispatcherMiddleware

        root = Flask("host")
        mounted = DispatcherMiddleware(
            root, {"/sandbox/lazada": create_app(str(tmp_path / "mounted.db"))}
        )
        with serve(mounted) as url:
            env = build_env(f"{url}/sandbox/lazada")
            tokens = env.authorize()
            ref = env.connector(tokens).upload_image(jpeg(), "a.jpg")
            assert ref.url.startswith(f"{url}/sandbox/lazada/")
            assert requests.get(ref.url, timeout=10).status_code == 200
            page = requests.get(
                env.connector().authorize_url("http://127.0.0.1/callback", "s"), timeout=10
            ).text
            assert 'href="/sandbox/lazada/lazada-static/consent.css"' in page


class TestXmlPayload:
    def test_price_quantity_xml(self, env: PlatformEnv, shop: LazadaConnector) -> None:
        created = shop.create_item(payload(shop, "XML"))
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><Request><Product><Skus><Sku>'
            "<SellerSku>XML-0</SellerSku><Quantity>5</Quantity><Price>88000</Price>"
            "</Sku></Skus></Product></Request>"
        )
        assert shop.tokens is not None
        body = raw_call(
            env,
            "/product/price_quantity/update",
            {"timestamp": now_ms(), "access_token": shop.tokens.access_token, "payload": xml},
        )
        assert body == {"code": "0", "data": {}, "request_id": body["request_id"]}
        found = shop.find_by_seller_sku("XML-0")
        assert found is not None
        assert found.platform_item_id == created.platform_item_id
        assert [(v.price, v.stock) for v in found.variants if v.seller_sku == "XML-0"] == [
            (88_000, 5)
        ]


class TestFaults:
    def test_server_errors_are_retried(self, env: PlatformEnv, shop: LazadaConnector) -> None:
        env.control("faults", {"error_share": 1.0})
        with pytest.raises(Retryable):
            shop.list_items()
        assert len(env.sleeps) == 3
        env.control("faults", {"error_share": 0.0})
        assert shop.list_items().next_cursor is None

    def test_lost_price_write_is_retried(self, env: PlatformEnv, shop: LazadaConnector) -> None:
        created = shop.create_item(payload(shop, "LW"))
        env.control("faults", {"lose_response_next_writes": 1})
        variant = created.variants[0]
        before = shop.http.calls
        results = shop.update_price_stock(
            [PriceStock(created.platform_item_id, variant.platform_variant_id, "LW-0", 55_000, 2)]
        )
        assert results[0].ok
        assert shop.http.calls - before == 2

    def test_rate_limit_envelope(self, env: PlatformEnv) -> None:
        env.control("faults", {"rate_limit_next": 1})
        body = raw_call(env, "/category/tree/get", {"timestamp": now_ms()})
        assert body["code"] == "ApiCallLimit"
        assert "ban will last 1 seconds" in body["message"]


class TestCatalogueLimits:
    @pytest.mark.parametrize(
        ("path", "params", "code"),
        [
            ("/products/get", {"filter": "all", "limit": "51"}, "InvalidParameter"),
            ("/products/get", {"filter": "all", "offset": "10001"}, "InvalidParameter"),
            (
                "/products/get",
                {"filter": "all", "sku_seller_list": json.dumps([f"S{n}" for n in range(101)])},
                "InvalidParameter",
            ),
            (
                "/product/price_quantity/update",
                {
                    "payload": '{"Request":{"Product":{"Skus":{"Sku":['
                    + ",".join(f'{{"SellerSku":"S{n}","Quantity":"1"}}' for n in range(51))
                    + "]}}}}"
                },
                "204",
            ),
            (
                "/product/create",
                {"payload": '{"Request":{"Product":{"Images":{"Image":"x"}}}}'},
                "1001",
            ),
            ("/product/create", {"payload": "<Request><Product>"}, "5"),
            ("/category/attributes/get", {"primary_category_id": "10100"}, "57"),
            ("/category/brands/query", {"startRow": "0", "pageSize": "201"}, "InvalidParameter"),
        ],
        ids=[
            "page-size",
            "offset",
            "sku-list",
            "price-batch",
            "json-not-array",
            "bad-xml",
            "not-leaf-attributes",
            "brand-page",
        ],
    )
    def test_limits(
        self, env: PlatformEnv, tokens: TokenSet, path: str, params: dict[str, str], code: str
    ) -> None:
        params = {**params, "timestamp": now_ms(), "access_token": tokens.access_token}
        assert raw_call(env, path, params)["code"] == code
