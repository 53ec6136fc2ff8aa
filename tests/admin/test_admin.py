"""Admins manage cooperatives and users; bad input is refused and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import MembershipRole
from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.catalog.models import Cooperative
from marketplace.extensions import db
from tests import factories


@pytest.fixture
def admin() -> Any:
    return factories.UserFactory(role=Role.ADMIN)


@pytest.fixture
def commune() -> Any:
    return factories.CommuneFactory(name="Xã Chiềng Hặc")


def cooperative_form(commune: Any, **changes: str) -> dict[str, str]:
    return {
        "name": "HTX Mận Nà Ka",
        "tax_code": "5500999001",
        "area_id": str(commune.id),
        "phone": "0912345678",
        "zalo": "0912345678",
        "subject_type": "cooperative",
        "ethnic_minority_led": "y",
    } | changes


class TestCooperatives:
    def test_create(self, client: Any, auth: Any, admin: Any, commune: Any) -> None:
        auth.login_as(admin)
        response = client.post("/admin/cooperatives/new", data=cooperative_form(commune))
        assert response.status_code == 302
        created = db.session.scalars(
            select(Cooperative).where(Cooperative.tax_code == "5500999001")
        ).one()
        assert (created.name, created.ethnic_minority_led, created.area_id) == (
            "HTX Mận Nà Ka",
            True,
            commune.id,
        )

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"tax_code": "12345"}, "Mã số thuế gồm 10 chữ số (hoặc 10-3)."),
            ({"tax_code": "{taken}"}, "Đã có hợp tác xã khác dùng mã số thuế này."),
            ({"phone": "12345"}, "0912345678"),
            ({"name": "HT"}, "Tên phải dài từ 3 đến 200 ký tự."),
            ({"subject_type": "guild"}, "Lựa chọn không hợp lệ."),
        ],
        ids=["short-tax-code", "taken-tax-code", "bad-phone", "short-name", "bad-subject"],
    )
    def test_bad_input(
        self,
        client: Any,
        auth: Any,
        admin: Any,
        commune: Any,
        cooperative: Any,
        changes: dict[str, str],
        message: str,
    ) -> None:
        changes = {k: v.replace("{taken}", cooperative.tax_code) for k, v in changes.items()}
        before = db.session.scalar(select(func.count()).select_from(Cooperative))
        auth.login_as(admin)
        response = client.post("/admin/cooperatives/new", data=cooperative_form(commune, **changes))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(Cooperative)) == before


class TestUsers:
    def test_create_manager_who_can_then_log_in(
        self, app: Any, client: Any, auth: Any, admin: Any, cooperative: Any
    ) -> None:
        auth.login_as(admin)
        response = client.post(
            "/admin/users/new",
            data={
                "email": "New.Manager@Example.vn",
                "name": "Lò Văn Pọm",
                "role": "member",
                "area_id": "0",
                "cooperative_ids": [str(cooperative.id)],
                "membership_role": "manager",
                "locale": "vi",
                "active": "y",
                "password": "mật khẩu dài",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        user = db.session.scalars(select(User).where(User.email == "new.manager@example.vn")).one()
        assert [(m.cooperative_id, m.role) for m in user.memberships] == [
            (cooperative.id, MembershipRole.MANAGER)
        ]
        assert "mật khẩu dài" not in user.password_hash
        other = app.test_client()
        login = other.post(
            "/login", data={"email": "new.manager@example.vn", "password": "mật khẩu dài"}
        )
        assert login.status_code == 302

    def test_duplicate_email_refused(
        self, client: Any, auth: Any, admin: Any, manager: Any, cooperative: Any
    ) -> None:
        auth.login_as(admin)
        response = client.post(
            "/admin/users/new",
            data={
                "email": manager.email.upper(),
                "name": "Trùng",
                "role": "member",
                "area_id": "0",
                "cooperative_ids": [str(cooperative.id)],
                "membership_role": "staff",
                "locale": "vi",
                "active": "y",
                "password": "12345678",
            },
        )
        assert response.status_code == 422
        assert "Đã có tài khoản khác dùng email này." in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(User)) == 2

    def test_official_needs_an_area(self, client: Any, auth: Any, admin: Any) -> None:
        auth.login_as(admin)
        response = client.post(
            "/admin/users/new",
            data={
                "email": "o@example.vn",
                "name": "Cán bộ",
                "role": "official",
                "area_id": "0",
                "membership_role": "staff",
                "locale": "vi",
                "password": "12345678",
            },
        )
        assert response.status_code == 422
        assert db.session.scalars(select(User).where(User.email == "o@example.vn")).first() is None
