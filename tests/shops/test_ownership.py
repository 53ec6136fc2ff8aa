"""A platform shop belongs to one cooperative at a time (issue 10, security finding 1).

The connection tests go through each sandbox's real consent page and token endpoints
and commit (a spent code or refresh token is gone for good), so they run on a database
of their own; the admin's move runs in the usual rolled-back transaction.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy import update

from marketplace.auth.models import Role
from marketplace.extensions import db
from marketplace.shops import services
from marketplace.shops.errors import ShopHeldError
from marketplace.shops.models import PlatformApp
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests import factories
from tests.conftest import make_app
from tests.connected import CALLBACK
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import served_sandbox
from tests.databases import fresh_database
from tests.databases import redis_url_for
from tests.shops.shop_rows import listing_for
from tests.shops.shop_rows import listings_of
from tests.shops.shop_rows import make_shop

PLATFORMS = ["lazada", "shopee", "tiktok"]
HELD = "Gian hàng này đang được kết nối với {}"


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    instance = tmp_path_factory.mktemp("ownership")
    return make_app(
        fresh_database(instance, "ownership"), redis_url_for(redis_base_url, 2), instance
    )


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS, scope="module")
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    with served_sandbox(name, tmp_path_factory.mktemp(f"own-{name}")) as env:
        yield env


@pytest.fixture
def two(own_app: Flask, env: PlatformEnv, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Two cooperatives with a manager each; our app registered with the sandbox."""
    demo = importlib.import_module(f"marketplace.sandbox.{env.name}").DEMO_APP
    # Sign with the sandbox's (movable) clock, as the env's connector does.
    monkeypatch.setattr(services.registry, "get_connector", lambda name: env.connector_cls)
    with own_app.app_context():
        factories.bind(db.session)
        db.session.execute(update(Shop).values(status=ShopStatus.DISCONNECTED))
        if db.session.scalar(select(PlatformApp).where(PlatformApp.platform == env.name)) is None:
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
        first, second = factories.CooperativeFactory(), factories.CooperativeFactory()
        world = {
            "first": first.id,
            "second": second.id,
            "first_name": first.name,
            "first_email": factories.member(first).email,
            "second_email": factories.member(second).email,
        }
        db.session.commit()
        db.session.remove()
    return world


def connect(app: Flask, env: PlatformEnv, email: str) -> str:
    """Log in, consent on the sandbox, come back: the page shown after the callback."""
    client = app.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    start = client.post(f"/shops/connect/{env.name}")
    assert start.status_code == 302
    params = env.consent(start.headers["Location"])
    page = client.get(f"/shops/callback/{env.name}?{urlencode(params)}", follow_redirects=True)
    return page.get_data(as_text=True)


def shops_of(cooperative_id: int) -> list[Shop]:
    return list(db.session.scalars(select(Shop).where(Shop.cooperative_id == cooperative_id)))


@pytest.mark.worker
class TestOneHolder:
    def test_a_second_cooperative_is_refused_with_the_holder_and_nothing_changes(
        self, own_app: Flask, env: PlatformEnv, two: dict[str, Any]
    ) -> None:
        assert "Đã kết nối gian hàng" in connect(own_app, env, two["first_email"])
        with own_app.app_context():
            (held,) = shops_of(two["first"])
            before = (held.access_token, held.refresh_token, held.status, held.updated_at)
        page = connect(own_app, env, two["second_email"])
        assert HELD.format(two["first_name"]) in page
        assert "quản trị viên chuyển gian hàng" in page
        with own_app.app_context():
            assert shops_of(two["second"]) == []
            (held,) = shops_of(two["first"])
            assert (held.access_token, held.refresh_token, held.status, held.updated_at) == before

    def test_the_same_cooperative_reconnects_its_own_shop(
        self, own_app: Flask, env: PlatformEnv, two: dict[str, Any]
    ) -> None:
        connect(own_app, env, two["first_email"])
        with own_app.app_context():
            (shop,) = shops_of(two["first"])
            first_token = shop.access_token
        assert "Đã kết nối gian hàng" in connect(own_app, env, two["first_email"])
        with own_app.app_context():
            (shop,) = shops_of(two["first"])
            assert shop.status == ShopStatus.CONNECTED
            assert shop.access_token != first_token

    def test_a_race_past_the_check_is_refused_by_the_unique_index(
        self,
        own_app: Flask,
        env: PlatformEnv,
        two: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        connect(own_app, env, two["first_email"])
        # Both connections passed the check before either stored its shop.
        monkeypatch.setattr(services, "_refuse_if_held", lambda *args: None)
        with own_app.app_context():
            params = env.consent(services.authorization_url(env.name, CALLBACK, "s"))
            params.pop("state", None)
            second = db.session.get_one(services.Cooperative, two["second"])
            with pytest.raises(ShopHeldError) as refused:
                services.complete_authorization(second, env.name, params.pop("code"), params)
            assert HELD.format(two["first_name"]) in refused.value.message
            db.session.rollback()
            assert shops_of(two["second"]) == []
            assert [s.status for s in shops_of(two["first"])] == [ShopStatus.CONNECTED]


@pytest.mark.worker
@pytest.mark.parametrize("env", ["shopee"], indirect=True)
def test_shopee_is_refused_before_the_code_is_spent(
    own_app: Flask, env: PlatformEnv, two: dict[str, Any]
) -> None:
    """Shopee retires a shop's refresh tokens when its code is exchanged again: the
    holder's refresh token must still work after the second cooperative's attempt."""
    connect(own_app, env, two["first_email"])
    assert HELD.format(two["first_name"]) in connect(own_app, env, two["second_email"])
    with own_app.app_context():
        (shop,) = shops_of(two["first"])
        services.refresh_tokens(shop, shop.access_token)
        assert shop.status == ShopStatus.CONNECTED


class TestAdminMove:
    @pytest.fixture
    def held(self, cooperative: Any) -> Shop:
        return make_shop(cooperative, "shopee", "14701711")

    def post_move(self, client: FlaskClient, shop: Shop, to: int, confirmed: bool) -> Any:
        data = {f"shop-{shop.id}-cooperative_id": str(to)}
        if confirmed:
            data[f"shop-{shop.id}-confirmed"] = "y"
        return client.post(f"/admin/shops/{shop.id}/move", data=data, follow_redirects=True)

    def test_admin_sees_every_shop_with_its_cooperative(
        self, client: FlaskClient, auth: Any, held: Shop, cooperative: Any
    ) -> None:
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        page = client.get("/admin/shops").get_data(as_text=True)
        assert held.name in page
        assert cooperative.name in page

    def test_move_asks_first_then_moves_and_leaves_the_old_links_behind(
        self, client: FlaskClient, auth: Any, held: Shop, cooperative: Any, other_cooperative: Any
    ) -> None:
        listing = listing_for(held, factories.ProductFactory(cooperative=cooperative))
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        asked = self.post_move(client, held, other_cooperative.id, confirmed=False)
        assert f"từ {cooperative.name} sang {other_cooperative.name}?" in asked.get_data(
            as_text=True
        )
        assert held.status == ShopStatus.CONNECTED
        assert shops_of(other_cooperative.id) == []
        done = self.post_move(client, held, other_cooperative.id, confirmed=True)
        assert f"nay thuộc về {other_cooperative.name}" in done.get_data(as_text=True)
        db.session.expire_all()
        (moved,) = shops_of(other_cooperative.id)
        assert (moved.platform_shop_id, moved.status) == ("14701711", ShopStatus.CONNECTED)
        assert moved.access_token == "access-14701711"
        assert held.status == ShopStatus.DISCONNECTED
        # The old cooperative's product stays bound to its own (disconnected) row only.
        assert listing.shop_id == held.id
        assert listings_of(moved) == []

    @pytest.mark.parametrize("role", ["manager", "staff", "official"])
    def test_others_are_forbidden_and_nothing_moves(
        self,
        client: FlaskClient,
        auth: Any,
        held: Shop,
        cooperative: Any,
        other_cooperative: Any,
        role: str,
    ) -> None:
        if role == "official":
            user = factories.UserFactory(role=Role.OFFICIAL, area=cooperative.area)
        else:
            user = factories.member(other_cooperative, role=role)
        auth.login_as(user)
        assert client.get("/admin/shops").status_code == 403
        answer = client.post(
            f"/admin/shops/{held.id}/move",
            data={
                f"shop-{held.id}-cooperative_id": str(other_cooperative.id),
                f"shop-{held.id}-confirmed": "y",
            },
        )
        assert answer.status_code == 403
        db.session.expire_all()
        assert held.status == ShopStatus.CONNECTED
        assert shops_of(other_cooperative.id) == []

    def test_moving_to_the_holder_itself_is_refused_and_changes_nothing(
        self, client: FlaskClient, auth: Any, held: Shop, cooperative: Any
    ) -> None:
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        page = self.post_move(client, held, cooperative.id, confirmed=True)
        assert "Hãy chọn hợp tác xã" in page.get_data(as_text=True)
        db.session.expire_all()
        assert [s.status for s in shops_of(cooperative.id)] == [ShopStatus.CONNECTED]

    def test_a_move_without_the_csrf_token_is_refused_and_changes_nothing(
        self,
        app: Flask,
        client: FlaskClient,
        auth: Any,
        held: Shop,
        other_cooperative: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        answer = self.post_move(client, held, other_cooperative.id, confirmed=True)
        assert answer.status_code == 400
        db.session.expire_all()
        assert held.status == ShopStatus.CONNECTED
        assert shops_of(other_cooperative.id) == []
        page = client.get("/admin/shops").get_data(as_text=True)
        assert f'name="shop-{held.id}-csrf_token"' in page

    def test_a_disconnected_shop_cannot_be_moved(
        self, client: FlaskClient, auth: Any, held: Shop, other_cooperative: Any
    ) -> None:
        held.status = ShopStatus.DISCONNECTED
        db.session.flush()
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        page = self.post_move(client, held, other_cooperative.id, confirmed=True)
        assert "Chỉ gian hàng đang kết nối mới chuyển được" in page.get_data(as_text=True)
        db.session.expire_all()
        assert held.status == ShopStatus.DISCONNECTED
        assert shops_of(other_cooperative.id) == []

    def test_moving_back_reuses_the_earlier_holder_s_row(
        self, client: FlaskClient, auth: Any, held: Shop, cooperative: Any, other_cooperative: Any
    ) -> None:
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        self.post_move(client, held, other_cooperative.id, confirmed=True)
        (moved,) = shops_of(other_cooperative.id)
        self.post_move(client, moved, cooperative.id, confirmed=True)
        db.session.expire_all()
        assert [(s.id, s.status) for s in shops_of(cooperative.id)] == [
            (held.id, ShopStatus.CONNECTED)
        ]
        assert held.access_token == "access-14701711"
        assert moved.status == ShopStatus.DISCONNECTED
