"""Matching rules, and the page where a manager links or ignores what the import did not bind.

No platform is called here: the import's rows are written as the job would, and
the sandbox runs live in test_import.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog.models import Product
from marketplace.catalog.sku import parent_sku
from marketplace.common.models import utcnow
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.extensions import db
from marketplace.listings.imports import services as importing
from marketplace.listings.imports.matching import Catalogue
from marketplace.listings.imports.matching import OurVariant
from marketplace.listings.imports.matching import link_plan
from marketplace.listings.imports.matching import match
from marketplace.listings.imports.models import MatchOutcome
from marketplace.listings.imports.models import UnmatchedItem
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.models import ListingVariant
from marketplace.listings.sync import plan as planning
from marketplace.shops.models import Shop
from tests import factories
from tests.conftest import AuthActions


def remote(parent: str, *skus: str, item_id: str = "9001", status: str = "live") -> RemoteItem:
    return RemoteItem(
        platform_item_id=item_id,
        seller_sku=parent,
        name="Chè Shan Tuyết cổ thụ",
        status=status,
        variants=[RemoteVariant(sku, f"v{n}", 99_000 + n, 5 + n) for n, sku in enumerate(skus)],
    )


CATALOGUE = Catalogue(
    products={
        7: [OurVariant(70, 7, "CHE-200"), OurVariant(71, 7, "CHE-500")],
        8: [OurVariant(80, 8, "CAFE-250")],
    },
)
CATALOGUE.by_sku = {v.sku: v for vs in CATALOGUE.products.values() for v in vs}


class TestMatching:
    def test_parent_sku_is_ours(self) -> None:
        found = match(CATALOGUE, remote("OCOP-7", "CHE-500", "CHE-200"))
        assert (found.outcome, found.product_id, found.pairs) == (
            MatchOutcome.MATCHED,
            7,
            [(0, 71), (1, 70)],
        )

    def test_variant_skus_are_ours(self) -> None:
        found = match(CATALOGUE, remote("HTX-TRA-01", "CHE-200", "CHE-500"))
        assert (found.outcome, found.product_id, found.pairs) == (
            MatchOutcome.MATCHED,
            7,
            [(0, 70), (1, 71)],
        )

    def test_a_listing_with_fewer_variants_than_ours_still_matches(self) -> None:
        found = match(CATALOGUE, remote("", "CHE-500"))
        assert (found.outcome, found.product_id, found.pairs) == (
            MatchOutcome.MATCHED,
            7,
            [(0, 71)],
        )

    def test_partial_is_reported_not_guessed(self) -> None:
        found = match(CATALOGUE, remote("HTX-TRA-01", "CHE-200", "QUA-TANG"))
        assert (found.outcome, found.product_id) == (MatchOutcome.PARTIAL, 7)

    def test_parent_ours_but_a_variant_of_another_product_is_partial(self) -> None:
        found = match(CATALOGUE, remote("OCOP-7", "CHE-200", "CAFE-250"))
        assert (found.outcome, found.product_id) == (MatchOutcome.PARTIAL, 7)

    def test_variants_of_several_products(self) -> None:
        found = match(CATALOGUE, remote("", "CHE-200", "CAFE-250"))
        assert (found.outcome, found.product_id, found.pairs) == (MatchOutcome.SEVERAL, None, [])

    def test_no_match(self) -> None:
        assert match(CATALOGUE, remote("MIEN-1", "MIEN-1-500")).outcome == MatchOutcome.NONE

    def test_parent_of_a_product_outside_the_catalogue_is_no_match(self) -> None:
        # OCOP-9 may be another cooperative's product: never bound here.
        assert match(CATALOGUE, remote("OCOP-9", "X-1")).outcome == MatchOutcome.NONE

    def test_a_repeated_sku_is_not_paired_twice(self) -> None:
        found = match(CATALOGUE, remote("", "CHE-200", "CHE-200"))
        assert (found.outcome, found.pairs) == (MatchOutcome.PARTIAL, [(0, 70)])

    def test_model_less_item_with_our_parent_pairs_its_only_variant(self) -> None:
        # Shopee: an item without models carries the parent SKU on its only variant.
        found = match(CATALOGUE, remote("OCOP-8", "OCOP-8"))
        assert (found.outcome, found.product_id, found.pairs) == (
            MatchOutcome.MATCHED,
            8,
            [(0, 80)],
        )

    def test_link_pairs_by_sku_then_in_order_when_counts_agree(self) -> None:
        ours = CATALOGUE.products[7]
        rows, free = link_plan(ours, remote("", "CHE-500", "HOP-QUA").variants)
        assert [(r.variant.sku if r.variant else None, r.how) for r in rows] == [
            ("CHE-500", "sku"),
            ("CHE-200", "order"),
        ]
        assert free == []

    def test_link_leaves_variants_unpaired_when_counts_differ(self) -> None:
        ours = CATALOGUE.products[7]
        rows, free = link_plan(ours, remote("", "A", "B", "C").variants)
        assert [(r.variant, r.how) for r in rows] == [(None, "")] * 3
        assert [v.sku for v in free] == ["CHE-200", "CHE-500"]


# -- the page ------------------------------------------------------------------------


def make_shop(cooperative: Any, platform: str = "shopee") -> Shop:
    shop = Shop(
        cooperative_id=cooperative.id,
        platform=platform,
        platform_shop_id=f"shop-{cooperative.id}",
        name="Gian hàng Chè Mộc Châu",
        access_token="a",
        refresh_token="r",
        access_expires_at=utcnow() + timedelta(hours=4),
    )
    db.session.add(shop)
    db.session.flush()
    return shop


@pytest.fixture
def world(cooperative: Any, manager: Any) -> dict[str, Any]:
    """A shop with two products, one listing of it already linked and three kept by an import."""
    tea = factories.ProductFactory(
        cooperative=cooperative,
        name="Chè Shan Tuyết",
        variants=[{"sku": "CHE-200"}, {"sku": "CHE-500"}],
    )
    coffee = factories.ProductFactory(
        cooperative=cooperative, name="Cà phê Arabica", variants=[{"sku": "CAFE-250"}]
    )
    honey = factories.ProductFactory(
        cooperative=cooperative, name="Mật ong bạc hà", variants=[{"sku": "MAT-ONG"}]
    )
    shop = make_shop(cooperative)
    bound = Listing(
        shop_id=shop.id,
        product_id=honey.id,
        seller_sku=parent_sku(honey.id),
        platform_item_id="5000",
        status=ListingStatus.LIVE,
    )
    db.session.add(bound)
    now = utcnow()
    partial = importing.keep(
        shop,
        remote("HTX-1", "CHE-200", "HOP-QUA", item_id="5001"),
        MatchOutcome.PARTIAL,
        tea.id,
        now,
    )
    none = importing.keep(shop, remote("", "MIEN-1", item_id="5002"), MatchOutcome.NONE, None, now)
    duplicate = importing.keep(
        shop, remote("", "MAT-ONG", item_id="5003"), MatchOutcome.BOUND, honey.id, now
    )
    return {
        "shop": shop,
        "tea": tea,
        "coffee": coffee,
        "honey": honey,
        "partial": partial,
        "none": none,
        "duplicate": duplicate,
    }


def state(shop: Shop) -> tuple[Any, ...]:
    """Everything a link or an ignore may change, to prove a refusal changed nothing."""
    listings = db.session.execute(
        select(Listing.product_id, Listing.platform_item_id).where(Listing.shop_id == shop.id)
    ).all()
    kept = db.session.execute(
        select(UnmatchedItem.platform_item_id, UnmatchedItem.ignored).where(
            UnmatchedItem.shop_id == shop.id
        )
    ).all()
    variants = db.session.scalar(select(func.count(ListingVariant.id)))
    return sorted(listings), sorted(kept), variants


class TestImportPage:
    def test_lists_what_to_link_with_the_reason(
        self, client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
    ) -> None:
        auth.login_as(manager)
        html = client.get(f"/shops/{world['shop'].id}/import").get_data(as_text=True)
        assert "Sản phẩm có sẵn trên Gian hàng Chè Mộc Châu" in html
        assert "1 sản phẩm trên sàn đã gắn với danh mục" in html
        assert "3 sản phẩm trên sàn cần gắn hoặc bỏ qua" in html
        assert "Một số phân loại của nó là của Chè Shan Tuyết, số khác thì không" in html
        assert "Không sản phẩm nào trong danh mục có mã SKU này." in html
        assert "Giống Mật ong bạc hà, nhưng sản phẩm này đã được gắn" in html
        # The candidate is chosen already; a bound product is not offered.
        assert re.search(rf'<option value="{world["tea"].id}" selected>Chè Shan Tuyết', html)
        assert f'<option value="{world["honey"].id}"' not in html

    def test_sync_page_warns_and_links_here(
        self, client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
    ) -> None:
        auth.login_as(manager)
        shop = world["shop"]
        html = client.get(f"/shops/{shop.id}/sync").get_data(as_text=True)
        assert "3 sản phẩm trên gian hàng chưa gắn với danh mục." in html
        assert f'href="/shops/{shop.id}/import"' in html
        assert "Một sản phẩm trên gian hàng đang dùng mã SKU của sản phẩm này" in html

    def test_preview_shows_what_will_happen(
        self, client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
    ) -> None:
        auth.login_as(manager)
        shop, row = world["shop"], world["partial"]
        html = client.get(f"/shops/{shop.id}/import/{row.id}").get_data(as_text=True)
        assert "Gắn với Chè Shan Tuyết" in html  # the candidate, chosen for the manager
        assert '→ <code>CHE-200</code> <span class="muted">(cùng mã SKU)' in html
        assert '→ <code>CHE-500</code> <span class="muted">(theo thứ tự)' in html
        other = client.get(f"/shops/{shop.id}/import/{row.id}?product_id={world['coffee'].id}")
        html = other.get_data(as_text=True)
        assert "Chưa gắn với phân loại nào" in html  # 2 variants there, 1 here: no guess
        assert "Gắn với Cà phê Arabica" in html

    @pytest.mark.parametrize("value", [str(2**63), str(2**31), "-1", "²", "abc"])
    def test_preview_with_a_product_id_that_is_no_id_falls_back_to_the_candidate(
        self,
        client: FlaskClient,
        auth: AuthActions,
        manager: Any,
        world: dict[str, Any],
        value: str,
    ) -> None:
        auth.login_as(manager)
        shop, row = world["shop"], world["partial"]
        response = client.get(f"/shops/{shop.id}/import/{row.id}?product_id={value}")
        assert response.status_code == 200
        assert "Gắn với Chè Shan Tuyết" in response.get_data(as_text=True)


class TestLink:
    def test_link_binds_and_the_row_goes(
        self, client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
    ) -> None:
        auth.login_as(manager)
        shop, row, tea = world["shop"], world["partial"], world["tea"]
        response = client.post(
            f"/shops/{shop.id}/import/{row.id}/link",
            data={"product_id": tea.id},
            follow_redirects=True,
        )
        assert "Đã gắn. Lần đồng bộ tới sẽ cập nhật sản phẩm này" in response.get_data(as_text=True)
        listing = db.session.scalars(
            select(Listing).where(Listing.shop_id == shop.id, Listing.product_id == tea.id)
        ).one()
        assert (listing.platform_item_id, listing.seller_sku, listing.status) == (
            "5001",
            f"OCOP-{tea.id}",
            ListingStatus.LIVE,
        )
        assert listing.content_hash is None  # the next sync pushes the catalogue's content
        got = sorted((lv.variant.sku, lv.platform_variant_id, lv.price) for lv in listing.variants)
        assert got == [("CHE-200", "v0", 99_000), ("CHE-500", "v1", 99_001)]
        assert db.session.get(UnmatchedItem, row.id) is None
        plan = planning.make_plan(shop)
        assert "unlinked_listing" not in [m.code for m in plan.not_ready.get(tea.id, [])]
        assert plan.unlinked == 2

    def test_link_completes_a_binding_that_never_got_its_item(self, world: dict[str, Any]) -> None:
        shop, row, coffee = world["shop"], world["none"], world["coffee"]
        pending = Listing(shop_id=shop.id, product_id=coffee.id, seller_sku=parent_sku(coffee.id))
        db.session.add(pending)
        db.session.flush()
        listing = importing.link(shop, row.id, coffee.id)
        assert listing.id == pending.id
        assert listing.platform_item_id == "5002"
        assert [lv.variant.sku for lv in listing.variants] == ["CAFE-250"]  # in order, 1 and 1

    @pytest.mark.parametrize(
        ("which", "message"),
        [
            ("unknown", "Hãy chọn một sản phẩm trong danh mục của bạn."),
            ("missing", "Hãy chọn một sản phẩm trong danh mục của bạn."),
            ("foreign", "Hãy chọn một sản phẩm trong danh mục của bạn."),
            ("bound", "Mật ong bạc hà đã được gắn với một sản phẩm khác trên gian hàng này."),
            ("stale", "Sản phẩm này không còn trong danh sách cần gắn."),
            ("other-shop", "Sản phẩm này không còn trong danh sách cần gắn."),
        ],
    )
    def test_bad_input_says_why_and_changes_nothing(
        self,
        client: FlaskClient,
        auth: AuthActions,
        manager: Any,
        other_cooperative: Any,
        world: dict[str, Any],
        which: str,
        message: str,
    ) -> None:
        shop, row = world["shop"], world["partial"]
        item_id, product_id = row.id, world["tea"].id
        if which == "unknown":
            product_id = 999_999
        elif which == "missing":
            product_id = None
        elif which == "foreign":
            product_id = factories.ProductFactory(cooperative=other_cooperative).id
        elif which == "bound":
            product_id = world["honey"].id
        elif which == "stale":
            item_id = 999_999
        elif which == "other-shop":
            elsewhere = make_shop(other_cooperative, "lazada")
            item_id = importing.keep(
                elsewhere, remote("", "CHE-200"), MatchOutcome.NONE, None, utcnow()
            ).id
        before = state(shop)
        auth.login_as(manager)
        data = {} if product_id is None else {"product_id": product_id}
        response = client.post(
            f"/shops/{shop.id}/import/{item_id}/link", data=data, follow_redirects=True
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert state(shop) == before

    @pytest.mark.parametrize(
        "value", ["", "abc", "-1", "0", "1.5", "٣", "²", "99999999999", str(2**63), "9" * 5000]
    )
    def test_a_product_id_that_is_no_id_is_refused_by_the_form(
        self,
        client: FlaskClient,
        auth: AuthActions,
        manager: Any,
        world: dict[str, Any],
        value: str,
    ) -> None:
        shop, row = world["shop"], world["partial"]
        before = state(shop)
        auth.login_as(manager)
        response = client.post(
            f"/shops/{shop.id}/import/{row.id}/link",
            data={"product_id": value},
            follow_redirects=True,
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert html.count("Hãy chọn một sản phẩm trong danh mục của bạn.") == 1
        assert state(shop) == before

    def test_a_listing_bound_meanwhile_is_not_linked_twice(self, world: dict[str, Any]) -> None:
        shop, row = world["shop"], world["partial"]
        sync_bound = Listing(
            shop_id=shop.id,
            product_id=world["coffee"].id,
            seller_sku=parent_sku(world["coffee"].id),
            platform_item_id=row.platform_item_id,  # a sync linked this very item
        )
        db.session.add(sync_bound)
        db.session.flush()
        before = state(shop)
        with pytest.raises(importing.LinkError, match="không còn trong danh sách cần gắn"):
            importing.link(shop, row.id, world["tea"].id)
        assert state(shop) == before


class TestIgnore:
    def test_ignore_hides_and_unignore_shows_again(
        self, client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
    ) -> None:
        auth.login_as(manager)
        shop, row = world["shop"], world["none"]
        page = client.post(f"/shops/{shop.id}/import/{row.id}/ignore", follow_redirects=True)
        html = page.get_data(as_text=True)
        assert "Đã bỏ qua. Sản phẩm vẫn ở trên gian hàng, ngoài danh mục." in html
        assert f'id="item-{row.id}"' not in html
        assert "Xem sản phẩm đã bỏ qua" in html
        assert planning.make_plan(shop).unlinked == 2  # not counted on the sync page any more
        hidden = client.get(f"/shops/{shop.id}/import?ignored=1").get_data(as_text=True)
        assert f'id="item-{row.id}"' in hidden
        assert "Thôi bỏ qua" in hidden
        back = client.post(
            f"/shops/{shop.id}/import/{row.id}/ignore",
            data={"ignored": "0"},
            follow_redirects=True,
        )
        html = back.get_data(as_text=True)
        assert "Sản phẩm đã trở lại danh sách cần gắn." in html
        assert f'id="item-{row.id}"' in html
        assert planning.make_plan(shop).unlinked == 3

    @pytest.mark.parametrize("value", ["2", "yes", "", "1 OR 1=1"])
    def test_a_bad_ignored_value_is_refused_and_changes_nothing(
        self,
        client: FlaskClient,
        auth: AuthActions,
        manager: Any,
        world: dict[str, Any],
        value: str,
    ) -> None:
        shop, row = world["shop"], world["none"]
        before = state(shop)
        auth.login_as(manager)
        response = client.post(
            f"/shops/{shop.id}/import/{row.id}/ignore",
            data={"ignored": value},
            follow_redirects=True,
        )
        html = response.get_data(as_text=True)
        assert "Lựa chọn không hợp lệ." in html
        assert "Đã bỏ qua" not in html
        assert state(shop) == before

    def test_ignoring_a_listing_that_is_gone_says_so(
        self, client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
    ) -> None:
        shop = world["shop"]
        before = state(shop)
        auth.login_as(manager)
        response = client.post(f"/shops/{shop.id}/import/999999/ignore", follow_redirects=True)
        assert "Sản phẩm này không còn trong danh sách cần gắn." in response.get_data(as_text=True)
        assert state(shop) == before

    def test_an_ignored_listing_no_longer_holds_its_product_back(
        self, world: dict[str, Any]
    ) -> None:
        shop, tea = world["shop"], world["tea"]
        assert planning.make_plan(shop).not_ready[tea.id][0].code == "unlinked_listing"
        importing.set_ignored(shop, world["partial"].id, True)
        codes = [m.code for m in planning.make_plan(shop).not_ready[tea.id]]
        assert "unlinked_listing" not in codes


class TestTenancy:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/import"),
            ("post", "/import"),
            ("get", "/import/{item}"),
            ("post", "/import/{item}/link"),
            ("post", "/import/{item}/ignore"),
        ],
    )
    def test_another_cooperatives_manager_gets_404(
        self,
        client: FlaskClient,
        auth: AuthActions,
        other_manager: Any,
        world: dict[str, Any],
        method: str,
        path: str,
    ) -> None:
        shop, row = world["shop"], world["partial"]
        before = state(shop)
        auth.login_as(other_manager)
        url = f"/shops/{shop.id}" + path.format(item=row.id)
        response = getattr(client, method)(url, data={"product_id": world["tea"].id})
        assert response.status_code == 404
        assert state(shop) == before

    def test_forms_need_the_csrf_token(
        self,
        app: Flask,
        client: FlaskClient,
        auth: AuthActions,
        manager: Any,
        world: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        shop, row = world["shop"], world["partial"]
        auth.login_as(manager)
        before = state(shop)
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        for path in (f"/import/{row.id}/link", f"/import/{row.id}/ignore", "/import"):
            response = client.post(f"/shops/{shop.id}{path}", data={"product_id": world["tea"].id})
            assert response.status_code == 400, path
        assert state(shop) == before
        html = client.get(f"/shops/{shop.id}/import/{row.id}").get_data(as_text=True)
        assert html.count('name="csrf_token"') >= 2  # the link form and the language switch


def test_products_of_other_cooperatives_are_never_offered(
    client: FlaskClient,
    auth: AuthActions,
    manager: Any,
    other_cooperative: Any,
    world: dict[str, Any],
) -> None:
    stranger = factories.ProductFactory(cooperative=other_cooperative, name="Sản phẩm HTX khác")
    auth.login_as(manager)
    shop, row = world["shop"], world["partial"]
    for url in (f"/shops/{shop.id}/import", f"/shops/{shop.id}/import/{row.id}"):
        assert "Sản phẩm HTX khác" not in client.get(url).get_data(as_text=True)
    html = client.get(f"/shops/{shop.id}/import/{row.id}?product_id={stranger.id}").get_data(
        as_text=True
    )
    assert "Hãy chọn một sản phẩm trong danh mục của bạn." in html
    assert "Sản phẩm HTX khác" not in html
    assert db.session.get(Product, stranger.id) is not None


class TestImportService:
    """``import_items`` on pages of listings as a connector returns them."""

    def test_a_product_bound_on_the_shop_is_not_bound_again(self, world: dict[str, Any]) -> None:
        shop, honey = world["shop"], world["honey"]
        counts = importing.ImportCounts()
        importing.import_items(
            shop, [remote(f"OCOP-{honey.id}", "MAT-ONG", item_id="6001")], utcnow(), counts
        )
        assert (counts.bound, counts.unmatched) == (0, 1)
        row = db.session.scalars(
            select(UnmatchedItem).where(UnmatchedItem.platform_item_id == "6001")
        ).one()
        assert (row.outcome, row.candidate_id) == (MatchOutcome.BOUND, honey.id)
        listing = db.session.scalars(select(Listing).where(Listing.product_id == honey.id)).one()
        assert listing.platform_item_id == "5000"

    def test_a_binding_without_its_item_is_completed(self, world: dict[str, Any]) -> None:
        shop, coffee = world["shop"], world["coffee"]
        pending = Listing(shop_id=shop.id, product_id=coffee.id, seller_sku=parent_sku(coffee.id))
        db.session.add(pending)
        db.session.flush()
        counts = importing.ImportCounts()
        importing.import_items(
            shop, [remote(f"OCOP-{coffee.id}", "CAFE-250", item_id="6002")], utcnow(), counts
        )
        assert counts.bound == 1
        assert (pending.platform_item_id, pending.status) == ("6002", ListingStatus.LIVE)
        assert [lv.platform_variant_id for lv in pending.variants] == ["v0"]

    def test_ignored_stays_ignored_and_binds_once_the_catalogue_fits(
        self, world: dict[str, Any]
    ) -> None:
        shop, row = world["shop"], world["none"]
        importing.set_ignored(shop, row.id, True)
        listing = remote("", "MIEN-1", item_id=row.platform_item_id, status="delisted")
        importing.import_items(shop, [listing], utcnow(), importing.ImportCounts())
        assert (row.ignored, row.status) == (True, "delisted")  # refreshed, still ignored
        noodles = factories.ProductFactory(
            cooperative=shop.cooperative, name="Miến dong", variants=[{"sku": "MIEN-1"}]
        )
        counts = importing.ImportCounts()
        importing.import_items(shop, [listing], utcnow(), counts)
        assert counts.bound == 1
        assert db.session.get(UnmatchedItem, row.id) is None
        bound = db.session.scalars(select(Listing).where(Listing.product_id == noodles.id)).one()
        assert (bound.platform_item_id, bound.status) == (
            row.platform_item_id,
            ListingStatus.DELISTED,
        )

    def test_two_listings_of_one_product_bind_the_first_and_keep_the_second(
        self, world: dict[str, Any]
    ) -> None:
        shop, coffee = world["shop"], world["coffee"]
        counts = importing.ImportCounts()
        twins = [remote("", "CAFE-250", item_id="6003"), remote("", "CAFE-250", item_id="6004")]
        importing.import_items(shop, twins, utcnow(), counts)
        assert (counts.bound, counts.unmatched) == (1, 1)
        second = db.session.scalars(
            select(UnmatchedItem).where(UnmatchedItem.platform_item_id == "6004")
        ).one()
        assert (second.outcome, second.candidate_id) == (MatchOutcome.BOUND, coffee.id)

    def test_a_blocked_listing_binds_as_failed_with_the_reason(self, world: dict[str, Any]) -> None:
        shop, coffee = world["shop"], world["coffee"]
        importing.import_items(
            shop,
            [remote("", "CAFE-250", item_id="6005", status="rejected")],
            utcnow(),
            importing.ImportCounts(),
        )
        listing = db.session.scalars(select(Listing).where(Listing.product_id == coffee.id)).one()
        assert (listing.status, listing.last_error) == (
            ListingStatus.FAILED,
            "Sàn đã khóa sản phẩm này.",
        )


def test_start_queues_the_import_on_the_sync_queue(
    client: FlaskClient, auth: AuthActions, manager: Any, world: dict[str, Any]
) -> None:
    auth.login_as(manager)
    shop = world["shop"]
    html = client.post(f"/shops/{shop.id}/import").get_data(as_text=True)
    assert f'data-job-url="/jobs/import-shop-{shop.id}"' in html
    assert "Xem kết quả" in html
    record = db.session.get_one(jobs.JobRecord, f"import-shop-{shop.id}")
    assert (record.kind, record.queue, record.cooperative_id) == (
        "shop_import",
        "sync",
        shop.cooperative_id,
    )
