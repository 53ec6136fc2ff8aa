"""A province of two communes: three producers (one a household business) selling on two
channels over two months, booked as sales_daily rows whose sums the tests compute by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from marketplace.auth.models import Role
from marketplace.catalog.models import SubjectType
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.models import SalesDaily
from tests import factories


@dataclass
class World:
    province: Any
    commune_a: Any
    commune_b: Any
    coop_a: Any  # cooperative in A, ethnic-minority-led
    house_a: Any  # household business in A, not sharing
    coop_b: Any  # enterprise in B
    tea: Any
    honey: Any
    coffee: Any
    official: Any  # of the province
    official_a: Any  # of commune A
    manager: Any


def daily(coop: Any, product_id: int, day: date, channel: str, **figures: int) -> SalesDaily:
    row = SalesDaily(
        day=day,
        cooperative_id=coop.id,
        area_id=coop.area_id,
        shop_id=1 if channel == "shopee" else 2,
        channel=channel,
        product_id=product_id,
        **dict.fromkeys(("orders", "units", "gross", "net", "unsettled_gross", "adjusted_gross"), 0)
        | figures,
    )
    db.session.add(row)
    return row


@pytest.fixture
def world() -> World:
    province = factories.ProvinceFactory()
    commune_a = factories.CommuneFactory(parent=province, name="Xã Chiềng An")
    commune_b = factories.CommuneFactory(parent=province, name="Xã Mường Bình")
    stars = factories.CategoryFactory(name_vi="Chè", name_en="Tea")
    coop_a = factories.CooperativeFactory(
        area=commune_a, name="HTX Chè A", ethnic_minority_led=True
    )
    house_a = factories.CooperativeFactory(
        area=commune_a, name="Hộ Mật ong", subject_type=SubjectType.HOUSEHOLD
    )
    coop_b = factories.CooperativeFactory(
        area=commune_b, name="DN Cà phê B", subject_type=SubjectType.ENTERPRISE
    )
    tea = factories.ProductFactory(cooperative=coop_a, category=stars, name="Chè", ocop_stars=4)
    honey = factories.ProductFactory(cooperative=house_a, name="Mật ong", ocop_stars=3)
    coffee = factories.ProductFactory(cooperative=coop_b, name="Cà phê", ocop_stars=5)
    # November 2026: the period most tests look at; October: the previous one.
    daily(
        coop_a, tea.id, date(2026, 11, 3), "shopee", orders=2, units=3, gross=300_000, net=270_000
    )
    daily(
        coop_a,
        tea.id,
        date(2026, 11, 20),
        "lazada",
        orders=1,
        units=1,
        gross=100_000,
        unsettled_gross=100_000,
    )
    daily(
        house_a, honey.id, date(2026, 11, 5), "shopee", orders=1, units=2, gross=50_000, net=45_000
    )
    daily(
        coop_b,
        coffee.id,
        date(2026, 11, 30),
        "shopee",
        orders=4,
        units=8,
        gross=800_000,
        net=700_000,
        adjusted_gross=-20_000,
    )
    daily(
        coop_b, coffee.id, date(2026, 10, 31), "lazada", orders=1, units=1, gross=90_000, net=80_000
    )
    daily(coop_b, 0, date(2026, 11, 30), "lazada", orders=1, units=1, gross=10_000)
    db.session.flush()
    # The rows above were written by hand, not booked: sum them into their months too.
    ledger.rebuild_months(date(2026, 10, 1), date(2026, 11, 30))
    official = factories.UserFactory(role=Role.OFFICIAL, area_id=province.id)
    official_a = factories.UserFactory(role=Role.OFFICIAL, area_id=commune_a.id)
    manager = factories.member(coop_a)
    db.session.flush()
    return World(
        province,
        commune_a,
        commune_b,
        coop_a,
        house_a,
        coop_b,
        tea,
        honey,
        coffee,
        official,
        official_a,
        manager,
    )
