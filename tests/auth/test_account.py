"""The account page: profile, language, password change, "log out everywhere"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.auth.models import User
from marketplace.extensions import db
from tests import factories
from tests.auth.test_sessions import logged_in

NEW_PASSWORD = "chè Mộc Châu 2026"


def profile(client: FlaskClient, **changes: str) -> Any:
    data = {"profile-name": "Lò Thị Mai", "profile-phone": "0912 345 678"}
    data["profile-locale"] = "vi"
    return client.post("/account/profile", data={**data, **changes})


def change_password(client: FlaskClient, **changes: str) -> Any:
    data = {
        "password-current_password": factories.PASSWORD,
        "password-new_password": NEW_PASSWORD,
        "password-confirm": NEW_PASSWORD,
    }
    return client.post("/account/password", data={**data, **changes})


def other_browser(app: Flask, user: User) -> FlaskClient:
    other = app.test_client()
    response = other.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return other


class TestPage:
    def test_logged_out_visitors_are_sent_to_login(self, client: FlaskClient) -> None:
        assert client.get("/account").headers["Location"].startswith("/login")

    def test_page_in_vietnamese_with_a_nav_link(
        self,
        app: Flask,
        client: FlaskClient,
        auth: Any,
        manager: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        auth.login_as(manager)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # each form has its token
        html = client.get("/products/").get_data(as_text=True)
        assert '<a href="/account">Tài khoản</a>' in html
        page = client.get("/account")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        for text in ("Tài khoản của bạn", "Hồ sơ", "Đổi mật khẩu", "Đăng xuất khỏi mọi thiết bị"):
            assert text in html
        assert manager.email in html
        assert len(re.findall(r'name="[a-z]+-csrf_token"', html)) == 3


class TestProfile:
    def test_saves_name_phone_and_language(
        self, client: FlaskClient, auth: Any, manager: User
    ) -> None:
        auth.login_as(manager)
        response = profile(client, **{"profile-name": "  Lò   Thị Mai ", "profile-locale": "en"})
        assert response.status_code == 302
        assert (manager.name, manager.phone, manager.locale) == ("Lò Thị Mai", "0912 345 678", "en")
        assert "Your account" in client.get("/account").get_data(as_text=True)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"profile-phone": "gọi tôi"}, "Hãy nhập số điện thoại bằng chữ số"),
            ({"profile-name": " "}, "Hãy nhập tên của bạn."),
            ({"profile-locale": "fr"}, "Lựa chọn không hợp lệ."),
        ],
        ids=["phone", "name", "language"],
    )
    def test_bad_input_is_refused_and_nothing_changes(
        self,
        client: FlaskClient,
        auth: Any,
        manager: User,
        changes: dict[str, str],
        message: str,
    ) -> None:
        auth.login_as(manager)
        before = (manager.name, manager.phone, manager.locale)
        response = profile(client, **changes)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        db.session.refresh(manager)
        assert (manager.name, manager.phone, manager.locale) == before


class TestPassword:
    def test_change_keeps_this_browser_and_ends_the_others(
        self, app: Flask, client: FlaskClient, auth: Any, manager: User
    ) -> None:
        other = other_browser(app, manager)
        auth.login_as(manager)
        response = change_password(client)
        assert response.status_code == 302
        assert "Đã đổi mật khẩu" in client.get("/account").get_data(as_text=True)
        assert logged_in(client)
        assert not logged_in(other)
        assert manager.check_password(NEW_PASSWORD)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"password-current_password": "đoán bừa"}, "Mật khẩu hiện tại không đúng."),
            ({"password-current_password": ""}, "Hãy nhập mật khẩu hiện tại."),
            ({"password-confirm": "khác hẳn 2026"}, "Hai mật khẩu mới không giống nhau."),
            (
                {"password-new_password": "ngắn", "password-confirm": "ngắn"},
                "Mật khẩu mới cần từ 8 đến 200 ký tự.",
            ),
        ],
        ids=["wrong-current", "no-current", "mismatch", "too-short"],
    )
    def test_bad_input_is_refused_and_nothing_changes(
        self,
        app: Flask,
        client: FlaskClient,
        auth: Any,
        manager: User,
        changes: dict[str, str],
        message: str,
    ) -> None:
        other = other_browser(app, manager)
        auth.login_as(manager)
        before = (manager.password_hash, manager.session_version)
        response = change_password(client, **changes)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        db.session.refresh(manager)
        assert (manager.password_hash, manager.session_version) == before
        assert logged_in(other)


class TestLogoutEverywhere:
    def test_ends_every_session_this_one_included(
        self, app: Flask, client: FlaskClient, auth: Any, manager: User
    ) -> None:
        other = other_browser(app, manager)
        auth.login_as(manager)
        response = client.post("/account/logout-everywhere")
        assert response.headers["Location"] == "/login"
        assert not logged_in(client)
        assert not logged_in(other)
        assert "Bạn đã được đăng xuất khỏi mọi thiết bị." in client.get("/login").get_data(
            as_text=True
        )

    def test_needs_the_csrf_token(
        self,
        app: Flask,
        client: FlaskClient,
        auth: Any,
        manager: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        other = other_browser(app, manager)
        auth.login_as(manager)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        before = manager.session_version
        response = client.post("/account/logout-everywhere")
        assert response.status_code == 400
        assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
        db.session.refresh(manager)
        assert manager.session_version == before
        assert logged_in(other)
