"""Admins steer the mounted sandboxes' faults; bad values are refused and change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from marketplace.auth.models import Role
from marketplace.extensions import db
from tests import factories
from tests.conftest import make_app
from tests.databases import fresh_database
from tests.databases import redis_url_for

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def sandbox_app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    instance = tmp_path_factory.mktemp("sandbox-admin")
    return make_app(
        fresh_database(instance, "sandboxadmin"),
        redis_url_for(redis_base_url, 1),
        instance,
        SANDBOX_ENABLED=True,
        SANDBOX_STATE_DIR=str(instance / "sandbox"),
    )


@pytest.fixture
def admin_client(sandbox_app: Flask) -> Any:
    with sandbox_app.app_context():
        factories.bind(db.session)
        admin = factories.UserFactory(role=Role.ADMIN)
        email = admin.email
        db.session.commit()
        db.session.remove()
    client = sandbox_app.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    return client


def faults(app: Flask, name: str) -> Any:
    return app.extensions["sandboxes"][f"/sandbox/{name}"].extensions["sandbox"].faults


FORM = {
    "error_share": "0.25",
    "timeout_share": "0",
    "latency_ms": "150",
    "rate_limit_next": "3",
    "lose_response_next_writes": "1",
}


class TestSandboxAdmin:
    def test_sandboxes_are_served_under_their_mount_without_open_controls(
        self, sandbox_app: Flask
    ) -> None:
        client = sandbox_app.test_client()
        answer = client.get("/sandbox/tiktok/product/202309/products/search")
        assert "code" in answer.get_json()  # TikTok's own envelope: the sandbox answered
        for path in ("faults", "reset", "clock"):
            assert client.post(f"/sandbox/shopee/_sandbox/{path}", json={}).status_code == 404

    def test_admin_sets_faults(self, sandbox_app: Flask, admin_client: Any) -> None:
        page = admin_client.get("/admin/sandbox/")
        assert page.status_code == 200
        assert "Làm mất phản hồi của N lần ghi tiếp theo" in page.get_data(as_text=True)
        data = {f"lazada-{k}": v for k, v in FORM.items()} | {"lazada-revoked": "y"}
        assert admin_client.post("/admin/sandbox/lazada", data=data).status_code == 302
        set_ = faults(sandbox_app, "lazada")
        assert (set_.error_share, set_.latency_ms, set_.rate_limit_next, set_.revoked) == (
            0.25,
            150,
            3,
            True,
        )
        assert faults(sandbox_app, "shopee").rate_limit_next == 0
        data["lazada-revoked"] = ""
        data = {k: v for k, v in data.items() if k != "lazada-revoked"} | {
            "lazada-rate_limit_next": "0"
        }
        admin_client.post("/admin/sandbox/lazada", data=data)
        assert faults(sandbox_app, "lazada").revoked is False

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("error_share", "1.5", "Nhập một tỉ lệ từ 0 đến 1."),
            ("latency_ms", "-3", "Nhập một số từ 0 đến 30000."),
        ],
        ids=["share-above-one", "negative-latency"],
    )
    def test_bad_values_change_nothing(
        self, sandbox_app: Flask, admin_client: Any, field: str, value: str, message: str
    ) -> None:
        before = faults(sandbox_app, "tiktok")
        data = {f"tiktok-{k}": v for k, v in (FORM | {field: value}).items()}
        response = admin_client.post("/admin/sandbox/tiktok", data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert faults(sandbox_app, "tiktok") == before

    def test_managers_may_not(self, sandbox_app: Flask, tmp_path: Path) -> None:
        with sandbox_app.app_context():
            factories.bind(db.session)
            manager = factories.member(factories.CooperativeFactory())
            email = manager.email
            db.session.commit()
            db.session.remove()
        client = sandbox_app.test_client()
        client.post("/login", data={"email": email, "password": factories.PASSWORD})
        assert client.get("/admin/sandbox/").status_code == 403
        assert client.post("/admin/sandbox/shopee", data={}).status_code == 403


def sandbox_store(app: Flask, name: str) -> Any:
    return app.extensions["sandboxes"][f"/sandbox/{name}"].extensions["sandbox"].store


class TestBuyerOrder:
    """The admin page places a buyer order on a sandbox shop, for demos of stock following."""

    @pytest.fixture
    def listed(self, sandbox_app: Flask) -> str:
        """A live Shopee item with one model, as our sync would have created it."""
        from marketplace.sandbox.shopee import DEMO_SHOP_ID

        sandbox_store(sandbox_app, "shopee").put(
            "items",
            "990001",
            {
                "item_id": 990001,
                "shop_id": DEMO_SHOP_ID,
                "item_status": "NORMAL",
                "item_name": "Mật ong hoa ban",
                "item_sku": "OCOP-1",
                "weight": 0.5,
                "model": [{"model_id": 1, "model_sku": "MAT-ONG-500", "original_price": 150000.0}],
            },
        )
        return "MAT-ONG-500"

    def orders(self, app: Flask) -> list[Any]:
        return list(sandbox_store(app, "shopee").all("orders"))

    def test_an_order_is_placed_now_and_waits_to_ship(
        self, sandbox_app: Flask, admin_client: Any, listed: str
    ) -> None:
        before = len(self.orders(sandbox_app))
        response = admin_client.post(
            "/admin/sandbox/shopee/order",
            data={"order-shopee-sku": listed, "order-shopee-quantity": "2"},
            follow_redirects=True,
        )
        assert "Một người mua đã đặt 2 × MAT-ONG-500 trên Shopee" in response.get_data(as_text=True)
        orders = self.orders(sandbox_app)
        assert len(orders) == before + 1
        assert orders[-1]["order_status"] == "READY_TO_SHIP"
        assert orders[-1]["item_list"][0]["model_quantity_purchased"] == 2

    @pytest.mark.parametrize(
        ("sku", "quantity", "message"),
        [
            ("NOT-LISTED", "1", "Không có sản phẩm đang bán nào trên sàn này mang mã SKU đó."),
            ("", "1", "Nhập mã SKU của một biến thể đang được đăng bán."),
            ("MAT-ONG-500", "0", "Nhập một số từ 1 đến 99."),
        ],
        ids=["not-listed", "empty", "zero"],
    )
    def test_bad_orders_are_refused_and_nothing_is_placed(
        self,
        sandbox_app: Flask,
        admin_client: Any,
        listed: str,
        sku: str,
        quantity: str,
        message: str,
    ) -> None:
        before = len(self.orders(sandbox_app))
        response = admin_client.post(
            "/admin/sandbox/shopee/order",
            data={"order-shopee-sku": sku, "order-shopee-quantity": quantity},
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert len(self.orders(sandbox_app)) == before

    def test_an_unknown_sandbox_is_404(self, admin_client: Any) -> None:
        assert admin_client.post("/admin/sandbox/nowhere/order", data={}).status_code == 404
