"""``POST /webhooks/<platform>``: signatures checked against the published vectors, pushes
deduplicated, bad ones refused with nothing recorded, the order pull queued."""

from __future__ import annotations

import io
import json
import re
import time
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


def sent_now(body: bytes, at: float | None = None) -> bytes:
    """The body with its timestamp set to now (or ``at``): the published one is from 2023."""
    stamp = int(time.time() if at is None else at)
    return re.sub(rb'"timestamp":\d+', b'"timestamp":%d' % stamp, body)


FRESH_TIKTOK = sent_now(TIKTOK_BODY)


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
        response = push(client, FRESH_TIKTOK)

        assert response.status_code == 200
        assert response.data == b""
        record = db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}")
        assert record is not None
        assert record.queue == jobs.SALES
        assert pushes() == 1
        # The pull it queues marks the order it names as reached by a push.
        assert db.session.scalar(select(PushEvent.order_ids)) == ["576"]

    def test_the_same_push_twice_is_recorded_once(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        assert push(client, FRESH_TIKTOK).status_code == 200
        assert push(client, FRESH_TIKTOK).status_code == 200
        assert pushes() == 1

    def test_a_bad_signature_gets_401_and_changes_nothing(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        response = push(client, FRESH_TIKTOK, signature="0" * 64)

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

    @pytest.mark.parametrize(
        "body",
        [
            b'{"type":1,"shop_id":"7494","data":"576"}',
            b'{"type":[1],"shop_id":"7494"}',
            b'{"type":"one","shop_id":"7494"}',
            b'{"type":1,"shop_id":{"id":"7494"},"data":{"order_id":"576"}}',
            b'{"type":1,"shop_id":"7494","data":{"order_id":["576"]}}',
            b'{"type":1,"shop_id":"7494","timestamp":"yesterday"}',
            b"\xff\xfe",
        ],
        ids=[
            "data-str",
            "type-list",
            "type-word",
            "shop-object",
            "order-list",
            "time-word",
            "bytes",
        ],
    )
    def test_a_signed_but_malformed_body_gets_400_and_changes_nothing(
        self, client: FlaskClient, tiktok_shop: Shop, body: bytes
    ) -> None:
        assert push(client, body).status_code == 400
        assert pushes() == 0
        assert db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}") is None

    def test_an_oversized_chunked_body_gets_413(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        body = FRESH_TIKTOK[:-1] + b',"pad":"' + b"x" * 70_000 + b'"}'
        response = client.post(
            "/webhooks/tiktok",
            input_stream=io.BytesIO(body),
            headers={
                "Authorization": hmac_hex("e59af819cc", b"38abcd" + body),
                "Transfer-Encoding": "chunked",  # no Content-Length to check up front
            },
            environ_overrides={"wsgi.input_terminated": True},
        )
        assert response.status_code == 413
        assert pushes() == 0

    @pytest.mark.parametrize(
        "age_s", [24 * 3600 + 60, 25 * 365 * 24 * 3600, -3600], ids=["day-old", "2001", "future"]
    )
    def test_a_push_outside_the_platform_window_gets_400(
        self, client: FlaskClient, tiktok_shop: Shop, age_s: int
    ) -> None:
        assert push(client, sent_now(TIKTOK_BODY, time.time() - age_s)).status_code == 400
        assert pushes() == 0
        assert db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}") is None

    def test_a_push_retried_within_the_window_is_taken(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        assert push(client, sent_now(TIKTOK_BODY, time.time() - 3600)).status_code == 200

    def test_the_demo_registration_signs_nothing_while_the_sandboxes_are_off(
        self, app: Any, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        registration = db.session.scalar(
            select(PlatformApp).where(PlatformApp.platform == "tiktok")
        )
        registration.sandbox = True  # the demo's app, its secret published
        db.session.flush()
        assert push(client, FRESH_TIKTOK).status_code == 404
        assert pushes() == 0
        app.config["SANDBOX_ENABLED"] = True
        try:
            assert push(client, FRESH_TIKTOK).status_code == 200
        finally:
            app.config["SANDBOX_ENABLED"] = False
        assert pushes() == 1

    def test_a_platform_we_have_no_app_for_is_404(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        assert client.post("/webhooks/nowhere", data=b"{}").status_code == 404
        assert client.post("/webhooks/shopee", data=SHOPEE_BODY).status_code == 404

    def test_a_push_for_a_shop_we_do_not_have_is_accepted_but_queues_nothing(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        body = FRESH_TIKTOK.replace(b'"7494"', b'"9999"')
        assert push(client, body).status_code == 200
        assert db.session.get(jobs.JobRecord, f"pull-orders-{tiktok_shop.id}") is None

    def test_a_push_that_is_not_about_an_order_queues_nothing(
        self, client: FlaskClient, tiktok_shop: Shop
    ) -> None:
        body = FRESH_TIKTOK.replace(b'"type":1', b'"type":6')
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
