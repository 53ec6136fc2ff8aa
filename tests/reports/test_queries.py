"""The raw queries against sums computed by hand from the fixture's rows."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.reports import queries
from marketplace.reports.queries import Figures
from tests.reports.conftest import World

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def test_scope_of_a_province_holds_its_communes(world: World) -> None:
    scope = queries.scope_for(world.province.id)
    assert set(scope.area_ids) == {world.province.id, world.commune_a.id, world.commune_b.id}
    assert queries.scope_for(world.commune_a.id).area_ids == (world.commune_a.id,)


def test_totals_of_the_province(world: World) -> None:
    got = queries.totals(queries.scope_for(world.province.id), *NOV)
    assert got == Figures(9, 15, 1_260_000, 1_015_000, 100_000, -20_000)


def test_totals_of_one_commune_leave_the_other_out(world: World) -> None:
    got = queries.totals(queries.scope_for(world.commune_a.id), *NOV)
    assert got == Figures(4, 6, 450_000, 315_000, 100_000, 0)


def test_totals_of_one_cooperative(world: World) -> None:
    got = queries.totals(queries.scope_for(world.province.id, world.coop_b.id), *NOV)
    assert got.gross == 810_000
    assert got.orders == 5


def test_the_day_range_includes_both_ends(world: World) -> None:
    scope = queries.scope_for(world.province.id)
    assert queries.totals(scope, date(2026, 10, 31), date(2026, 10, 31)).gross == 90_000
    assert queries.totals(scope, date(2026, 12, 1), date(2026, 12, 31)) == Figures()


def test_breakdowns(world: World) -> None:
    scope = queries.scope_for(world.province.id)

    def gross(by: str) -> dict[object, int]:
        return {key: f.gross for key, f in queries.breakdown(scope, *NOV, by)}

    assert gross("commune") == {world.commune_a.id: 450_000, world.commune_b.id: 810_000}
    assert gross("channel") == {"shopee": 1_150_000, "lazada": 110_000}
    assert gross("stars") == {4: 400_000, 3: 50_000, 5: 800_000, None: 10_000}
    assert gross("category")[world.tea.category_id] == 400_000
    assert gross("cooperative") == {
        world.coop_a.id: 400_000,
        world.house_a.id: 50_000,
        world.coop_b.id: 810_000,
    }
    assert gross("ethnic") == {True: 400_000, False: 860_000}
    assert gross("subject") == {"cooperative": 400_000, "household": 50_000, "enterprise": 810_000}
    months = queries.breakdown(scope, date(2026, 10, 1), date(2026, 11, 30), "month")
    assert [(k, f.gross) for k, f in months] == [("2026-10", 90_000), ("2026-11", 1_260_000)]


def test_breakdown_is_largest_first(world: World) -> None:
    rows = queries.breakdown(queries.scope_for(world.province.id), *NOV, "cooperative")
    assert [key for key, _ in rows] == [world.coop_b.id, world.coop_a.id, world.house_a.id]


def test_unknown_breakdown_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="unknown breakdown"):
        queries.breakdown(queries.scope_for(world.province.id), *NOV, "buyer")


def test_top_products_leave_unmatched_lines_out(world: World) -> None:
    top = queries.top_products(queries.scope_for(world.province.id), *NOV, limit=2)
    assert [(pid, name, f.gross) for pid, name, f in top] == [
        (world.coffee.id, "Cà phê", 800_000),
        (world.tea.id, "Chè", 400_000),
    ]


def test_withheld_parts_per_cell(world: World) -> None:
    scope = queries.scope_for(world.province.id)
    cells = queries.withheld(scope, *NOV, "subject")
    assert cells["household"] == queries.Withheld(1, 1, Figures(1, 2, 50_000, 45_000, 0, 0))
    assert cells["enterprise"] == queries.Withheld(1, 0, Figures())
    total = queries.withheld(scope, *NOV, None)[None]
    assert (total.producers, total.households, total.figures.gross) == (3, 1, 50_000)
    communes = queries.withheld(scope, *NOV, "commune")
    assert communes[world.commune_a.id].figures.gross == 50_000
    assert communes[world.commune_b.id].households == 0


def test_withheld_counts_no_household_that_agreed(world: World) -> None:
    from marketplace.extensions import db

    world.house_a.shares_sales_figures = True
    db.session.flush()
    total = queries.withheld(queries.scope_for(world.province.id), *NOV, None)[None]
    assert total == queries.Withheld(3, 0, Figures())


def test_accounts_and_products_online_by_platform(world: World) -> None:
    from marketplace.extensions import db
    from marketplace.listings.models import Listing
    from marketplace.listings.models import ListingStatus
    from marketplace.reports import state
    from marketplace.shops.models import ShopStatus
    from tests.shops.shop_rows import make_shop

    shopee_a = make_shop(world.coop_a, "shopee", "acc-a")
    shopee_b = make_shop(world.coop_b, "shopee", "acc-b")
    lazada_a = make_shop(world.coop_a, "lazada", "acc-la")
    gone = make_shop(world.house_a, "tiktok", "acc-gone")
    gone.status = ShopStatus.DISCONNECTED
    for shop, product, status in [
        (shopee_a, world.tea, ListingStatus.LIVE),
        (lazada_a, world.tea, ListingStatus.LIVE),  # the same product twice: once in all
        (shopee_b, world.coffee, ListingStatus.LIVE),
        (shopee_b, world.honey, ListingStatus.FAILED),  # not live
        (gone, world.honey, ListingStatus.LIVE),  # on a disconnected shop
    ]:
        db.session.add(
            Listing(
                shop_id=shop.id,
                product_id=product.id,
                seller_sku=f"S{shop.id}-{product.id}",
                status=status,
            )
        )
    db.session.flush()
    rows, total = state.accounts(queries.scope_for(world.province.id))
    assert rows == [state.Accounts("shopee", 2, 2, 2), state.Accounts("lazada", 1, 1, 1)]
    assert total == state.Accounts("", 3, 2, 2)
    rows, total = state.accounts(queries.scope_for(world.commune_b.id))
    assert total == state.Accounts("", 1, 1, 1)
