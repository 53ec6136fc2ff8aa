"""Connecting shops through each sandbox's consent page, keeping tokens fresh, losing them.

These tests commit: the token refresh writes in its own transaction (a used
refresh token is gone for good), so they run on a database of their own.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

from marketplace.common.models import utcnow
from marketplace.connectors.errors import AuthError
from marketplace.extensions import db
from marketplace.shops import services
from marketplace.shops.models import PlatformApp
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests import factories
from tests.conftest import make_app
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import served_sandbox
from tests.databases import fresh_database
from tests.databases import redis_url_for

PLATFORMS = ["lazada", "shopee", "tiktok"]
pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def shop_app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    instance = tmp_path_factory.mktemp("shops")
    return make_app(fresh_database(instance, "shops"), redis_url_for(redis_base_url, 1), instance)


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS, scope="module")
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    with served_sandbox(name, tmp_path_factory.mktemp(f"sandbox-{name}")) as env:
        yield env


@pytest.fixture
def world(
    shop_app: Flask, env: PlatformEnv, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """A cooperative, its manager and our app registered with the platform's sandbox."""
    sandbox = importlib.import_module(f"marketplace.sandbox.{env.name}")
    demo = sandbox.DEMO_APP
    # The services must sign with the sandbox's (movable) clock, as the env's connector does.
    monkeypatch.setattr(services.registry, "get_connector", lambda name: env.connector_cls)
    with shop_app.app_context():
        factories.bind(db.session)
        # Every test connects the sandbox's one demo shop for a new cooperative: the
        # earlier tests' cooperatives let it go first (one holder at a time).
        db.session.execute(update(Shop).values(status=ShopStatus.DISCONNECTED))
        cooperative = factories.CooperativeFactory()
        manager = factories.member(cooperative)
        app_row = db.session.scalar(select(PlatformApp).where(PlatformApp.platform == env.name))
        if app_row is None:
            db.session.add(
                PlatformApp(
                    platform=env.name,
                    base_url=env.base_url + demo.api_path,
                    auth_base_url=env.base_url,
                    app_key=demo.app_key,
                    app_secret=demo.app_secret,
                    extra=json.dumps(dict(demo.extra)),
                )
            )
        db.session.commit()
        world = {"cooperative_id": cooperative.id, "email": manager.email}
        db.session.remove()
    # No app context is held during the test: each request gets its own, as in production.
    yield world
    env.control("faults", {"revoked": False})


def connect(shop_app: Flask, env: PlatformEnv, world: dict[str, Any]) -> tuple[Any, Any]:
    """Log in, start the connection, consent on the sandbox, come back: (client, page)."""
    client = shop_app.test_client()
    client.post("/login", data={"email": world["email"], "password": factories.PASSWORD})
    start = client.post(f"/shops/connect/{env.name}")
    assert start.status_code == 302
    params = env.consent(start.headers["Location"])
    return client, client.get(
        f"/shops/callback/{env.name}?{urlencode(params)}", follow_redirects=True
    )


def the_shop(world: dict[str, Any]) -> Shop:
    return db.session.scalars(
        select(Shop).where(Shop.cooperative_id == world["cooperative_id"])
    ).one()


class TestConnect:
    def test_manager_connects_a_shop_and_sees_it_healthy(
        self, shop_app: Flask, env: PlatformEnv, world: dict[str, Any]
    ) -> None:
        client, page = connect(shop_app, env, world)
        html = page.get_data(as_text=True)
        assert "Đã kết nối gian hàng" in html
        with shop_app.app_context():
            shop = the_shop(world)
            assert shop.status == ShopStatus.CONNECTED
            assert shop.access_token
            assert shop.access_expires_at > utcnow()
            raw = db.session.execute(
                text("SELECT access_token, refresh_token FROM shops WHERE id = :id"),
                {"id": shop.id},
            ).one()
            assert shop.access_token not in raw[0]  # encrypted at rest
            assert shop.refresh_token not in raw[1]
            assert shop.access_token not in html
        check = client.post(f"/shops/{shop.id}/check", follow_redirects=True)
        assert "Gian hàng phản hồi bình thường." in check.get_data(as_text=True)

    def test_callback_with_a_forged_state_stores_nothing(
        self, shop_app: Flask, env: PlatformEnv, world: dict[str, Any]
    ) -> None:
        client = shop_app.test_client()
        client.post("/login", data={"email": world["email"], "password": factories.PASSWORD})
        start = client.post(f"/shops/connect/{env.name}")
        params = env.consent(start.headers["Location"]) | {"state": "forged"}
        page = client.get(f"/shops/callback/{env.name}?{urlencode(params)}", follow_redirects=True)
        assert "Việc kết nối chưa hoàn tất" in page.get_data(as_text=True)
        with shop_app.app_context():
            assert (
                db.session.scalars(
                    select(Shop).where(Shop.cooperative_id == world["cooperative_id"])
                ).all()
                == []
            )


class TestTokens:
    def test_expired_access_token_is_refreshed_once_then_the_call_succeeds(
        self, shop_app: Flask, env: PlatformEnv, world: dict[str, Any]
    ) -> None:
        connect(shop_app, env, world)
        env.control("clock", {"advance": 8 * 24 * 3600})  # past every platform's access lifetime
        with shop_app.app_context():
            shop = the_shop(world)
            old = shop.access_token
            # Our record still believes the token is good: the platform's refusal triggers
            # the refresh.
            shop.access_expires_at = utcnow() + timedelta(days=30)
            page = services.call(shop, lambda connector: connector.list_items(None))
            db.session.commit()
            assert page is not None
            assert shop.access_token != old
            assert shop.last_success_at is not None

    def test_two_workers_refreshing_together_spend_the_refresh_token_once(
        self, shop_app: Flask, env: PlatformEnv, world: dict[str, Any]
    ) -> None:
        connect(shop_app, env, world)
        with shop_app.app_context():
            shop_id, seen = the_shop(world).id, the_shop(world).access_token
        errors: list[BaseException] = []

        def refresh() -> None:
            with shop_app.app_context():
                try:
                    services.refresh_tokens(db.session.get(Shop, shop_id), seen)
                except BaseException as exc:  # collected and asserted below
                    errors.append(exc)
                finally:
                    db.session.remove()

        workers = [threading.Thread(target=refresh) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert errors == []
        with shop_app.app_context():
            shop = db.session.get(Shop, shop_id)
            assert shop is not None
            assert shop.status == ShopStatus.CONNECTED
            assert services.call(shop, lambda connector: connector.list_items(None)) is not None

    def test_revoked_tokens_mark_the_shop_for_reauthorization(
        self, shop_app: Flask, env: PlatformEnv, world: dict[str, Any]
    ) -> None:
        client, _ = connect(shop_app, env, world)
        env.control("faults", {"revoked": True})
        with shop_app.app_context():
            shop = the_shop(world)
            with pytest.raises(AuthError):
                services.call(shop, lambda connector: connector.list_items(None))
            db.session.commit()
            assert the_shop(world).status == ShopStatus.NEEDS_REAUTH
        page = client.get("/shops/")
        assert page.status_code == 200
        assert "Cần cấp quyền lại" in page.get_data(as_text=True)


class TestSignCommand:
    @pytest.mark.parametrize(
        ("platform", "args", "signature"),
        [
            (
                "shopee",
                [
                    "--secret",
                    "sandbox_partner_key_0123456789abcdef",
                    "--path",
                    "/api/v2/shop/get_shop_info",
                    "partner_id=2001887",
                    "timestamp=1700000000",
                    "access_token=abc",
                    "shop_id=14701711",
                ],
                "f4a0f3a3f8182789cdacbd145033a2a4357c55e07e0b14d3f760380b2518fc6a",
            ),
        ],
        ids=["shopee"],
    )
    def test_prints_the_string_and_the_signature(
        self, shop_app: Flask, platform: str, args: list[str], signature: str
    ) -> None:
        result = shop_app.test_cli_runner().invoke(args=["connectors", "sign", platform, *args])
        assert result.exit_code == 0, result.output
        assert (
            "string to sign: 2001887/api/v2/shop/get_shop_info1700000000abc14701711"
            in result.output
        )
        assert signature in result.output

    def test_bad_parameter_is_refused(self, shop_app: Flask) -> None:
        result = shop_app.test_cli_runner().invoke(
            args=["connectors", "sign", "shopee", "--secret", "s", "--path", "/p", "oops"]
        )
        assert result.exit_code != 0
        assert "is not KEY=VALUE" in result.output


class TestKeyRotation:
    def test_rotate_reencrypts_with_the_new_key(
        self,
        shop_app: Flask,
        env: PlatformEnv,
        world: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        from cryptography.fernet import Fernet

        connect(shop_app, env, world)
        old_key = shop_app.config["ENCRYPTION_KEYS"]
        new_key = Fernet.generate_key().decode()
        monkeypatch.setitem(shop_app.config, "ENCRYPTION_KEYS", f"{new_key},{old_key}")
        result = shop_app.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        monkeypatch.setitem(shop_app.config, "ENCRYPTION_KEYS", new_key)  # the old key retired
        with shop_app.app_context():
            shop = the_shop(world)
            assert shop.access_token  # still readable with the new key alone
            app_row = db.session.scalar(select(PlatformApp).where(PlatformApp.platform == env.name))
            assert app_row is not None
            assert app_row.app_secret
        # Rotate back, so the module's other tests still read their rows with the old key.
        monkeypatch.setitem(shop_app.config, "ENCRYPTION_KEYS", f"{old_key},{new_key}")
        assert shop_app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
