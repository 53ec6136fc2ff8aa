"""A member of two cooperatives works on one at a time and may switch; never to a third."""

from __future__ import annotations

from typing import Any

from marketplace.auth.models import Membership
from marketplace.auth.models import MembershipRole
from tests import factories


class TestSwitch:
    def test_switch_between_own_cooperatives_only(
        self, client: Any, auth: Any, manager: Any, cooperative: Any, other_cooperative: Any
    ) -> None:
        second = factories.CooperativeFactory(name="HTX Mận Nà Ka")
        manager.memberships.append(Membership(cooperative=second, role=MembershipRole.STAFF))
        factories.ProductFactory(cooperative=cooperative, name="Chè của HTX thứ nhất")
        factories.ProductFactory(cooperative=second, name="Mận của HTX thứ hai")
        factories.ProductFactory(cooperative=other_cooperative, name="Mật ong của người khác")
        auth.login_as(manager)

        client.post("/products/cooperative", data={"cooperative_id": second.id})
        html = client.get("/products/").get_data(as_text=True)
        assert "Mận của HTX thứ hai" in html
        assert "Chè của HTX thứ nhất" not in html

        response = client.post(
            "/products/cooperative",
            data={"cooperative_id": other_cooperative.id},
            follow_redirects=True,
        )
        html = response.get_data(as_text=True)
        assert "Bạn không phải thành viên của hợp tác xã đó." in html
        assert "Mật ong của người khác" not in html
        assert "Mận của HTX thứ hai" in html
