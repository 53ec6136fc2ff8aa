"""Sessions end: logout, a password change, an admin's deactivation or new password end
every session and remember cookie of the user, copied ones included (issue 10, finding 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.auth.services import load_user
from marketplace.config import PROJECT_ROOT
from marketplace.extensions import db
from tests import factories


def cookie(client: FlaskClient, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def browser_with(app: Flask, name: str, value: str) -> FlaskClient:
    """Another browser that an attacker loaded with one copied cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def logged_in(client: FlaskClient) -> bool:
    return client.get("/products/").status_code == 200


def remembered_login(client: FlaskClient, user: User) -> None:
    response = client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302


def admin_edit(client: FlaskClient, user: User, **changes: str) -> Any:
    data = {
        "email": user.email,
        "name": user.name,
        "role": "member",
        "area_id": "0",
        "cooperative_ids": [str(m.cooperative_id) for m in user.memberships],
        "membership_role": "manager",
        "locale": "vi",
        "active": "y",
        "password": "",
        **changes,
    }
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(f"/admin/users/{user.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response


class TestLogoutEndsSessions:
    def test_session_cookie_copied_before_logout_is_refused(
        self, app: Flask, client: FlaskClient, auth: Any, manager: User
    ) -> None:
        auth.login_as(manager)
        copied = cookie(client, "session")
        assert logged_in(browser_with(app, "session", copied))  # the copy works until logout
        auth.logout()
        assert not logged_in(client)
        assert not logged_in(browser_with(app, "session", copied))

    def test_remember_cookie_copied_before_logout_is_refused(
        self, app: Flask, client: FlaskClient, manager: User
    ) -> None:
        remembered_login(client, manager)
        copied = cookie(client, "remember_token")
        assert logged_in(browser_with(app, "remember_token", copied))
        client.post("/logout")
        assert not logged_in(browser_with(app, "remember_token", copied))

    def test_logout_deletes_the_remember_cookie_in_this_browser(
        self, client: FlaskClient, manager: User
    ) -> None:
        remembered_login(client, manager)
        response = client.post("/logout")
        deleted = [h for h in response.headers.getlist("Set-Cookie") if "remember_token=;" in h]
        assert deleted, response.headers.getlist("Set-Cookie")
        assert client.get_cookie("remember_token") is None

    def test_a_cookie_of_the_old_format_or_another_version_is_refused(self, manager: User) -> None:
        assert load_user(f"{manager.id}:{manager.session_version}") is manager
        assert load_user(str(manager.id)) is None  # cookies made before session versions
        assert load_user(f"{manager.id}:{manager.session_version + 1}") is None
        assert load_user("99999999999:0") is None
        assert load_user("x:0") is None


class TestOtherEventsEndSessions:
    def test_admin_deactivation_ends_the_users_sessions(
        self, app: Flask, manager: User, auth: Any, client: FlaskClient
    ) -> None:
        theirs = app.test_client()
        remembered_login(theirs, manager)
        copied = cookie(theirs, "remember_token")
        admin = factories.UserFactory(role=Role.ADMIN)
        auth.login_as(admin)
        admin_edit(client, manager, active=None)  # unticked box: not sent
        assert not manager.active
        manager.active = True  # even if reactivated, the old cookies stay dead
        db.session.flush()
        assert not logged_in(theirs)
        assert not logged_in(browser_with(app, "remember_token", copied))

    def test_admin_setting_a_password_ends_the_users_sessions(
        self, app: Flask, manager: User, auth: Any, client: FlaskClient
    ) -> None:
        theirs = app.test_client()
        remembered_login(theirs, manager)
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        admin_edit(client, manager, password="mật khẩu mới 2026")
        assert not logged_in(theirs)

    def test_admin_renaming_a_user_keeps_their_sessions(
        self, app: Flask, manager: User, auth: Any, client: FlaskClient
    ) -> None:
        theirs = app.test_client()
        remembered_login(theirs, manager)
        auth.login_as(factories.UserFactory(role=Role.ADMIN))
        admin_edit(client, manager, name="Tên mới")
        assert logged_in(theirs)


class TestCookiesAndCaching:
    def test_cookie_secure_makes_the_remember_cookie_secure_too(
        self, app: Flask, client: FlaskClient, manager: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        names = ["SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY"]
        names.append("REMEMBER_COOKIE_SAMESITE")
        # The config is read at import: ask a fresh interpreter what COOKIE_SECURE=1 gives.
        probe = (
            "import json; from marketplace.config import Config; "
            f"print(json.dumps({{n: getattr(Config, n, None) for n in {names!r}}}))"
        )
        env = {**os.environ, "COOKIE_SECURE": "1"}
        out = subprocess.run(
            [sys.executable, "-c", probe],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        settings = json.loads(out)
        assert settings == dict.fromkeys(names[:3], True) | {"REMEMBER_COOKIE_SAMESITE": "Lax"}
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        response = client.post(
            "/login", data={"email": manager.email, "password": factories.PASSWORD, "remember": "y"}
        )
        sent = {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}
        for name in ("session", "remember_token"):
            assert "; Secure" in sent[name], sent[name]
            assert "; HttpOnly" in sent[name], sent[name]
            assert "SameSite=Lax" in sent[name], sent[name]

    def test_logged_in_pages_are_not_stored(
        self, client: FlaskClient, auth: Any, manager: User
    ) -> None:
        assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
        auth.login_as(manager)
        for url in ("/products/", "/"):
            assert client.get(url).headers.get("Cache-Control") == "no-store", url
        static = client.get("/static/css/app.css")
        assert "no-store" not in static.headers.get("Cache-Control", "")
