"""Every product URL, tried by the wrong people: 404 or 403, and nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import Membership
from marketplace.auth.models import MembershipRole
from marketplace.auth.models import Role
from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.jobs import JobRecord
from tests import factories

PRODUCT_URLS = [
    ("GET", "/products/{id}"),
    ("GET", "/products/{id}/edit"),
    ("POST", "/products/{id}/edit"),
    ("POST", "/products/{id}/archive"),
    ("POST", "/products/{id}/restore"),
]


@pytest.fixture
def victim(cooperative: Any) -> Any:
    return factories.ProductFactory(cooperative=cooperative, name="Trâu gác bếp")


@pytest.fixture
def official() -> Any:
    return factories.UserFactory(role=Role.OFFICIAL, area=factories.ProvinceFactory())


def _snapshot(product: Any) -> tuple:
    db.session.expire_all()
    audit = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return (product.name, product.status, product.version, product.variants[0].price, audit)


class TestTenancy:
    @pytest.mark.parametrize(
        ("method", "url"), PRODUCT_URLS, ids=[f"{m} {u}" for m, u in PRODUCT_URLS]
    )
    def test_manager_of_another_cooperative_gets_404(
        self, client: Any, auth: Any, other_manager: Any, victim: Any, method: str, url: str
    ) -> None:
        before = _snapshot(victim)
        auth.login_as(other_manager)
        data = {"name": "Bị sửa", "variants-0-sku": "X1", "variants-0-price": "1000", "save": "1"}
        response = client.open(url.format(id=victim.id), method=method, data=data)
        assert response.status_code == 404
        assert "thuộc về hợp tác xã khác" in response.get_data(as_text=True)
        assert _snapshot(victim) == before

    @pytest.mark.parametrize(
        ("method", "url"), PRODUCT_URLS, ids=[f"{m} {u}" for m, u in PRODUCT_URLS]
    )
    def test_official_gets_403(
        self, client: Any, auth: Any, official: Any, victim: Any, method: str, url: str
    ) -> None:
        before = _snapshot(victim)
        auth.login_as(official)
        response = client.open(url.format(id=victim.id), method=method, data={"save": "1"})
        assert response.status_code == 403
        assert _snapshot(victim) == before

    @pytest.mark.parametrize("who", ["official", "anonymous"])
    def test_list_create_and_export_are_closed(
        self, client: Any, auth: Any, official: Any, who: str
    ) -> None:
        if who == "official":
            auth.login_as(official)
        expected = 403 if who == "official" else 302
        for method, url in [
            ("GET", "/products/"),
            ("GET", "/products/new"),
            ("POST", "/products/export"),
        ]:
            assert client.open(url, method=method).status_code == expected, url
        assert db.session.scalar(select(func.count()).select_from(JobRecord)) == 0

    def test_official_sees_the_read_only_overview(
        self, client: Any, auth: Any, official: Any, cooperative: Any, victim: Any
    ) -> None:
        cooperative.area.parent = official.area
        victim.ocop_stars = 4
        victim.status = ProductStatus.ACTIVE
        auth.login_as(official)
        response = client.get("/", follow_redirects=True)  # home leads to the sales report
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Báo cáo bán hàng" in html
        assert "/edit" not in html
        assert "/products/new" not in html

    def test_job_of_another_cooperative_is_not_found(
        self, client: Any, auth: Any, manager: Any, other_manager: Any, cooperative: Any
    ) -> None:
        record = JobRecord(
            id="job-x",
            kind="catalog_export",
            queue="default",
            cooperative_id=cooperative.id,
            user_id=manager.id,
        )
        db.session.add(record)
        db.session.flush()
        auth.login_as(other_manager)
        assert client.get("/jobs/job-x").status_code == 404
        assert client.get("/jobs/job-x/download").status_code == 404
        assert client.delete("/jobs/job-x").status_code == 404
        assert record.status == "queued"

    def test_a_member_who_left_no_longer_reaches_the_export_they_started(
        self, app: Any, client: Any, auth: Any, cooperative: Any
    ) -> None:
        staff = factories.member(cooperative, role="staff")
        record = JobRecord(
            id="job-left",
            kind="catalog_export",
            queue="default",
            cooperative_id=cooperative.id,
            user_id=staff.id,
            status="finished",
            result_file="catalogue.xlsx",
        )
        db.session.add(record)
        Path(app.config["EXPORT_DIR"]).mkdir(parents=True, exist_ok=True)
        (Path(app.config["EXPORT_DIR"]) / "catalogue.xlsx").write_bytes(b"PK")
        db.session.flush()
        auth.login_as(staff)
        assert client.get("/jobs/job-left/download").status_code == 200  # while a member
        staff.memberships.clear()
        staff.memberships.append(
            Membership(cooperative=factories.CooperativeFactory(), role=MembershipRole.STAFF)
        )
        db.session.flush()
        assert client.get("/jobs/job-left/download").status_code == 404
        assert client.get("/jobs/job-left").status_code == 404
        assert client.delete("/jobs/job-left").status_code == 404
        assert record.status == "finished"


class TestAdminPages:
    @pytest.mark.parametrize(
        "url",
        ["/admin/cooperatives", "/admin/users", "/admin/users/new", "/admin/cooperatives/new"],
    )
    def test_manager_is_refused(self, client: Any, auth: Any, manager: Any, url: str) -> None:
        auth.login_as(manager)
        assert client.get(url).status_code == 403


def _shop_routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, url) of the shop, sync and import pages, ids filled with 1."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in {"shops", "sync", "imports"}:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "lazada")
        routes += [(m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


class TestRoles:
    """Staff edit products and photos and record sales; the shops are the manager's."""

    def test_staff_are_refused_every_shop_sync_and_import_page(
        self, app: Any, client: Any, auth: Any, cooperative: Any
    ) -> None:
        staff = factories.member(cooperative, role="staff")
        routes = _shop_routes(app)
        assert len(routes) > 15, routes  # the sweep found the pages
        auth.login_as(staff)
        refused = {(m, u): client.open(u, method=m).status_code for m, u in routes}
        assert set(refused.values()) == {403}, refused
        assert db.session.scalar(select(func.count()).select_from(JobRecord)) == 0

    def test_staff_still_edit_the_catalogue_but_see_no_shops_link(
        self, client: Any, auth: Any, cooperative: Any, victim: Any
    ) -> None:
        staff = factories.member(cooperative, role="staff")
        auth.login_as(staff)
        page = client.get(f"/products/{victim.id}/edit")
        assert page.status_code == 200
        assert 'href="/shops/"' not in client.get("/products/").get_data(as_text=True)

    def test_a_manager_reaches_the_shops(self, client: Any, auth: Any, manager: Any) -> None:
        auth.login_as(manager)
        page = client.get("/shops/")
        assert page.status_code == 200
        assert 'href="/shops/"' in page.get_data(as_text=True)
