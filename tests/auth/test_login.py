"""Login, logout, CSRF, cookies and security headers (slow-down: test_throttle.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from marketplace.auth.models import User
from tests import factories


class TestLogin:
    def test_manager_logs_in_and_lands_on_products(
        self, client: Any, auth: Any, manager: User
    ) -> None:
        response = auth.login(manager.email)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/")
        page = client.get("/", follow_redirects=True)
        assert "Sản phẩm" in page.get_data(as_text=True)

    def test_email_is_case_insensitive(self, auth: Any, manager: User) -> None:
        assert auth.login(manager.email.upper()).status_code == 302

    @pytest.mark.parametrize(
        ("email", "password"),
        [("nobody@example.vn", factories.PASSWORD), ("{manager}", "wrong password")],
        ids=["unknown-email", "wrong-password"],
    )
    def test_bad_credentials_say_so_without_telling_which(
        self, client: Any, auth: Any, manager: User, email: str, password: str
    ) -> None:
        response = auth.login(email.replace("{manager}", manager.email), password)
        assert response.status_code == 200
        assert "Sai email hoặc mật khẩu." in response.get_data(as_text=True)
        assert client.get("/products/").status_code == 302  # still logged out

    def test_inactive_user_cannot_log_in(self, auth: Any, manager: User) -> None:
        manager.active = False
        response = auth.login(manager.email)
        assert "Sai email hoặc mật khẩu." in response.get_data(as_text=True)

    def test_open_redirect_is_refused(self, client: Any, manager: User) -> None:
        response = client.post(
            "/login?next=//evil.example/x",
            data={"email": manager.email, "password": factories.PASSWORD},
        )
        assert response.headers["Location"] == "/"

    def test_logout(self, client: Any, auth: Any, manager: User) -> None:
        auth.login_as(manager)
        auth.logout()
        assert client.get("/products/").status_code == 302


class TestSecurity:
    def test_csrf_is_required_on_forms(
        self, app: Any, client: Any, manager: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        response = client.post(
            "/login", data={"email": manager.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 400
        assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
        assert client.get("/products/").status_code == 302  # not logged in

    def test_csrf_token_from_the_page_is_accepted(
        self, app: Any, client: Any, manager: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        response = client.post(
            "/login",
            data={
                "email": manager.email,
                "password": factories.PASSWORD,
                "csrf_token": token.group(1),
            },
        )
        assert response.status_code == 302

    def test_session_cookie_flags(self, client: Any, auth: Any, manager: User) -> None:
        response = auth.login(manager.email)
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie

    def test_security_headers(self, client: Any) -> None:
        response = client.get("/login")
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    def test_no_inline_script_or_style_in_pages(
        self, client: Any, auth: Any, manager: User
    ) -> None:
        auth.login_as(manager)
        factories.ProductFactory(cooperative=manager.memberships[0].cooperative)
        for url in ("/login", "/products/", "/products/new"):
            html = client.get(url).get_data(as_text=True)
            assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
            assert " style=" not in html, url
            assert "<style" not in html, url
            assert not re.search(r"""(src|href)=["']https?://""", html), url

    def test_password_is_hashed(self, manager: User) -> None:
        assert factories.PASSWORD not in manager.password_hash
        assert manager.check_password(factories.PASSWORD)
        assert not manager.check_password("something else")


class TestLocale:
    def test_vietnamese_is_the_default(self, client: Any) -> None:
        html = client.get("/login").get_data(as_text=True)
        assert 'lang="vi"' in html
        assert "Đăng nhập" in html

    def test_switch_to_english_and_back(self, client: Any) -> None:
        client.post("/locale", data={"locale": "en", "next": "/login"})
        assert "Log in" in client.get("/login").get_data(as_text=True)
        client.post("/locale", data={"locale": "vi", "next": "/login"})
        assert "Đăng nhập" in client.get("/login").get_data(as_text=True)

    def test_unknown_locale_is_ignored(self, client: Any) -> None:
        client.post("/locale", data={"locale": "xx", "next": "/login"})
        assert 'lang="vi"' in client.get("/login").get_data(as_text=True)

    def test_user_choice_is_remembered(self, client: Any, auth: Any, manager: User) -> None:
        auth.login_as(manager)
        client.post("/locale", data={"locale": "en", "next": "/products/"})
        assert manager.locale == "en"
