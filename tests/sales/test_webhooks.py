"""``POST /webhooks/<platform>``: signatures checked against the published vectors, pushes
deduplicated, bad ones refused with nothing recorded, the order pull queued."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from marketplace import jobs
from marketplace.common.models import utcnow
from marketplace.connectors.errors import AuthError
from marketplace.connectors.lazada import LazadaConnector
from marketplace.connectors.push import hmac_hex
from marketplace.connectors.shopee import ShopeeConnector
from marketplace.connectors.tiktok import TikTokConnector
from marketplace.connectors.types import AppConfig
from marketplace.extensions import db
from marketplace.sales.models import PushEvent
from marketplace.shops.models import PlatformApp
from marketplace.shops.models import Shop
from tests import factories

SHOPEE_BODY = (
    b'{"data":{"ordersn":"2101010ABCDEF","status":"READY_TO_SHIP","update_time":1655714431},'
    b'"shop_id":14701711,"code":3,"timestamp":1655714431}'
)
TIKTOK_BODY = (
    b'{"type":1,"tts_notification_id":"7327","shop_id":"7494","timestamp":1700000000,'
    b'"data":{"order_id":"576","order_status":"AWAITING_SHIPMENT","update_time":1700000000}}'
)
LAZADA_BODY = (
    b'{"seller_id":"1001","message_type":0,"data":{"order_status":"pending",'
    b'"trade_order_id":"512000000001","trade_order_line_id":"1","status_update_time":1700000000},'
    b'"timestamp":1700000000,"site":"lazada_vn"}'
)
SERVER = "http://127.0.0.1:5000"


def connector(cls: Any, key: str, secret: str) -> Any:
    return cls(AppConfig(base_url="http://unused", app_key=key, app_secret=secret), None)


class TestPublishedVectors:
    def test_shopee_push_vector(self) -> None:
        shopee = connector(ShopeeConnector, "2001887", "test_partner_key_0123456789abcdef")
        digest = "16c08f3d265a1b81f6c0b83d026ddaa5c8e428bb8ffcdd3a75b7a6c52d579188"
        notice = shopee.read_push(
            "https://example.com/shopee/push", {"Authorization": digest}, SHOPEE_BODY
        )
        assert (notice.platform_shop_id, notice.kind, notice.order_ids) == (
            "14701711",
            "order",
            ("2101010ABCDEF",),
        )

    def test_tiktok_webhook_vector(self) -> None:
        tiktok = connector(TikTokConnector, "38abcd", "e59af819cc")
        digest = "d76a648ec04d4197fdde0512e636bab1c9f2de89bc2d655dacf441d057d32aa0"
        notice = tiktok.read_push(
            "https://x/webhooks/tiktok", {"Authorization": digest}, TIKTOK_BODY
        )
        assert (notice.platform_shop_id, notice.order_ids) == ("7494", ("576",))

    def test_lazada_accepts_either_letter_case(self) -> None:
        lazada = connector(LazadaConnector, "700117", "secret")
        digest = hmac_hex("secret", b"700117" + LAZADA_BODY).upper()
        notice = lazada.read_push("https://x", {"Authorization": digest}, LAZADA_BODY)
        assert notice.order_ids == ("512000000001",)

    @pytest.mark.parametrize(
        "headers",
        [{}, {"Authorization": ""}, {"Authorization": "0" * 64}, {"Authorization": "zz"}],
        ids=["missing", "empty", "wrong", "garbage"],
    )
    def test_a_bad_signature_is_refused(self, headers: dict[str, str]) -> None:
        tiktok = connector(TikTokConnector, "38abcd", "e59af819cc")
        with pytest.raises(AuthError):
            tiktok.read_push("https://x", headers, TIKTOK_BODY)

    def test_a_signed_body_changed_in_transit_is_refused(self) -> None:
        shopee = connector(ShopeeConnector, "2001887", "test_partner_key_0123456789abcdef")
        digest = "16c08f3d265a1b81f6c0b83d026ddaa5c8e428bb8ffcdd3a75b7a6c52d579188"
        with pytest.raises(AuthError):
            shopee.read_push(
                "https://example.com/shopee/push",
                {"Authorization": digest},
                SHOPEE_BODY.replace(b"READY_TO_SHIP", b"CANCELLED"),
            )


@pytest.fixture
def tiktok_shop(app: Any) -> Shop:
    app.config["SERVER_BASE_URL"] = SERVER
    db.session.add(
        PlatformApp(
            platform="tiktok", base_url="http://unused", app_key="38abcd", app_secret="e59af819cc"
        )
    )
    now = utcnow()
    shop = Shop(
        cooperative=factories.CooperativeFactory(),
        platform="tiktok",
        platform_shop_id="7494",
        access_token="a",
        refresh_token="r",
        access_expires_at=now + timedelta(hours=1),
        refresh_expires_at=now + timedelta(days=30),
    )
    db.session.add(shop)
    db.session.flush()
    return shop


def push(client: FlaskClient, body: bytes, signature: str | None = None) -> Any:
    digest = signature if signature is not None else hmac_hex("e59af819cc", b"38abcd" + body)
    return client.post(
        "/webhooks/tiktok",
        data=body,
        headers={"Authorization": digest, "Content-Type": "application/json"},
    )


def pushes() -> int:
    return int(db.session.scalar(select(func.count(PushEvent.id))) or 0)


class TestEndpoint:
    def test_an_order_push_is_answered_empty_and_queues_the_shops_pull(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        response = push(client, TIKTOK_BODY)

        assert response.status_code == 200
        assert response.data == b""
        record = db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}")
        assert record is not None
        assert record.queue == jobs.SALES
        assert pushes() == 1

    def test_the_same_push_twice_is_recorded_once(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        assert push(client, TIKTOK_BODY).status_code == 200
        assert push(client, TIKTOK_BODY).status_code == 200
        assert pushes() == 1

    def test_a_bad_signature_gets_401_and_changes_nothing(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        response = push(client, TIKTOK_BODY, signature="0" * 64)

        assert response.status_code == 401
        assert pushes() == 0
        assert db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}") is None

    def test_a_signed_body_that_is_not_json_gets_400(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        assert push(client, b"not json").status_code == 400
        assert push(client, b"[1, 2]").status_code == 400
        assert pushes() == 0

    def test_an_oversized_body_gets_413_before_any_work(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        body = json.dumps({"type": 1, "pad": "x" * 70_000}).encode()
        assert push(client, body).status_code == 413
        assert pushes() == 0

    def test_a_platform_we_have_no_app_for_is_404(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        assert client.post("/webhooks/nowhere", data=b"{}").status_code == 404
        assert client.post("/webhooks/shopee", data=SHOPEE_BODY).status_code == 404

    def test_a_push_for_a_shop_we_do_not_have_is_accepted_but_queues_nothing(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        body = TIKTOK_BODY.replace(b'"7494"', b'"9999"')
        assert push(client, body).status_code == 200
        assert db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}") is None

    def test_a_push_that_is_not_about_an_order_queues_nothing(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        body = TIKTOK_BODY.replace(b'"type":1', b'"type":6')
        assert push(client, body).status_code == 200
        assert pushes() == 1
        assert db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}") is None


def test_old_pushes_are_purged_and_recent_ones_kept(app: Any) -> None:
    from marketplace.sales import tasks

    now = utcnow()
    db.session.add_all(
        [
            PushEvent(platform="tiktok", digest="a" * 64, received_at=now - timedelta(days=31)),
            PushEvent(platform="tiktok", digest="b" * 64, received_at=now - timedelta(days=1)),
        ]
    )
    db.session.flush()

    assert tasks.purge_old_pushes() == 1
    assert [p.digest for p in db.session.scalars(select(PushEvent))] == ["b" * 64]
