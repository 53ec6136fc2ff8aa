"""The managers' sales page: figures against hand sums, only the cooperative's own, the
unmatched SKUs and linking them (rollups move, later pulls match), bad input refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import Role
from marketplace.catalog.models import Cooperative
from marketplace.common.models import utcnow
from marketplace.connectors.types import Order as RemoteOrder
from marketplace.connectors.types import OrderLine as RemoteLine
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.jobs.models import JobRecord
from marketplace.sales import figures
from marketplace.sales import ledger
from marketplace.sales import periods
from marketplace.sales import services
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.sales.models import OrderSource
from marketplace.sales.models import SalesDaily
from marketplace.sales.models import SkuAlias
from marketplace.sales.models import reserved_by_variant
from marketplace.shops.models import Shop
from tests import factories
from tests.shops.shop_rows import make_shop

TODAY = ledger.vietnam_day(utcnow())
THIS_MONTH = periods.month(TODAY)
LAST_MONTH = periods.month(THIS_MONTH.start - timedelta(days=1))
CHOOSE = "Hãy chọn một sản phẩm của hợp tác xã mình."


def _at(day: Any) -> datetime:
    """10:00 in Vietnam on ``day``, in UTC."""
    return datetime.combine(day, time(3, 0), UTC)


@dataclass
class Coop:
    coop: Cooperative
    shops: dict[str, Shop]
    products: list[int]  # P1 (variants ), P2 (B-0)
    variants: dict[str, int]


def order(
    shop: Shop,
    order_id: str,
    status: OrderStatus,
    lines: list[tuple[str, int, int]],
    placed: datetime | None = None,
) -> Order:
    placed = placed or _at(THIS_MONTH.start)
    seen = RemoteOrder(
        order_id,
        status,
        status.value,
        placed,
        placed,
        sum(q * p for _, q, p in lines),
        [RemoteLine(f"L{n}", sku, f"Hàng {sku}", q, p) for n, (sku, q, p) in enumerate(lines)],
    )
    services.upsert_order(shop, seen)
    found = db.session.scalar(
        select(Order).where(Order.shop_id == shop.id, Order.platform_order_id == order_id)
    )
    assert found is not None
    return found


def settle(found: Order, net: int, fees: dict[str, int]) -> None:
    found.gross, found.net, found.fees = found.total, net, fees
    ledger.book(found)


def make_coop(tag: str) -> Coop:
    coop = factories.CooperativeFactory()
    first = factories.ProductFactory(
        cooperative=coop,
        name=f"Chè Shan Tuyết {tag}",
        variants=[{"sku": f"{tag}-A-0", "price": 100}, {"sku": f"{tag}-A-1", "price": 200}],
    )
    second = factories.ProductFactory(
        cooperative=coop, name=f"Mận hậu {tag}", variants=[{"sku": f"{tag}-B-0"}]
    )
    shops = {p: make_shop(coop, p, f"page-{tag}-{p}-{coop.id}") for p in ("shopee", "lazada")}
    variants = {v.sku: v.id for p in (first, second) for v in p.variants}
    return Coop(coop, shops, [first.id, second.id], variants)


@pytest.fixture
def mine(db_session: Any) -> Coop:
    """Orders of this month and last, hand-summed in the tests below."""
    c = make_coop("MINE")
    shopee, lazada = c.shops["shopee"], c.shops["lazada"]
    order(
        shopee,
        "O1",
        OrderStatus.TO_SHIP,
        [("MINE-A-0", 2, 100), ("MINE-B-0", 1, 50), ("NOPE", 3, 10)],
    )
    settle(
        order(lazada, "O2", OrderStatus.COMPLETED, [("MINE-A-1", 1, 200)]),
        170,
        {"commission": 20, "mystery_fee": 10},
    )
    order(shopee, "O3", OrderStatus.COMPLETED, [("MINE-A-0", 5, 100)], _at(LAST_MONTH.start))
    order(shopee, "O4", OrderStatus.CANCELLED, [("MINE-A-0", 9, 100)])
    return c


@pytest.fixture
def theirs(db_session: Any) -> Coop:
    """Another cooperative, selling a lot, with an unmatched line of the same SKU."""
    c = make_coop("THEIRS")
    found = order(
        c.shops["shopee"], "T1", OrderStatus.TO_SHIP, [("NOPE", 1, 99_999), ("SECRET", 1, 77_777)]
    )
    settle(found, 1, {"commission": 55_555})
    return c


def login(client: Any, user: Any) -> None:
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_the_figures_are_the_hand_sums(mine: Coop, theirs: Coop) -> None:
    report = figures.report(mine.coop.id, THIS_MONTH)
    p1, p2 = mine.products
    assert (report.total.orders, report.total.units, report.total.gross) == (2, 7, 480)
    assert (report.total.net, report.total.unsettled_gross) == (170, 280)
    assert [(r.key, r.orders, r.units, r.gross, r.net) for r in report.products] == [
        (p1, 2, 3, 400, 170),
        (p2, 0, 1, 50, 0),
        (ledger.UNMATCHED, 0, 3, 30, 0),
    ]
    assert [(r.key, r.orders, r.gross) for r in report.channels] == [
        ("shopee", 1, 280),
        ("lazada", 1, 200),
    ]
    assert report.fees == {"commission": 20, "mystery_fee": 10}
    assert report.fees_total == 30
    months = {r.key: r.gross for r in report.months}
    assert len(report.months) == 12
    assert report.months[-1].key == f"{THIS_MONTH.start:%Y-%m}"
    assert months[f"{LAST_MONTH.start:%Y-%m}"] == 500
    assert sum(months.values()) == 980
    assert [
        (u.seller_sku, u.orders, u.units, u.gross) for u in figures.unmatched(mine.coop.id)
    ] == [("NOPE", 1, 3, 30)]


def test_a_longer_period_sums_its_months() -> None:
    quarter = periods.parse(f"{LAST_MONTH.start.year}-Q{(LAST_MONTH.start.month - 1) // 3 + 1}")
    year = periods.parse(str(TODAY.year))
    assert quarter is not None
    assert year is not None
    assert quarter.start <= LAST_MONTH.start <= quarter.end
    assert (year.start.month, year.end.month, year.end.day) == (1, 12, 31)
    assert periods.parse("2026-13") is None
    assert periods.parse("1999") is None


def test_the_manager_sees_only_their_cooperative(client: Any, mine: Coop, theirs: Coop) -> None:
    login(client, factories.member(mine.coop, role="manager"))
    page = client.get("/sales/").get_data(as_text=True)
    assert "Chè Shan Tuyết MINE" in page
    assert "480" in page
    assert "Doanh số của" in page
    assert "Tiền đi đâu" in page
    assert "mystery_fee" in page
    assert "Hoa hồng sàn" in page
    assert "THEIRS" not in page
    assert "SECRET" not in page
    assert "99.999" not in page
    assert "55.555" not in page
    last = client.get("/sales/", query_string={"period": LAST_MONTH.value})
    assert last.status_code == 200
    assert "500" in last.get_data(as_text=True)


def test_staff_see_the_page_but_do_not_link(client: Any, mine: Coop) -> None:
    login(client, factories.member(mine.coop, role="staff"))
    page = client.get("/sales/")
    assert page.status_code == 200
    assert 'name="variant_id"' not in page.get_data(as_text=True)
    data = {"seller_sku": "NOPE", "variant_id": str(mine.variants["MINE-B-0"])}
    assert client.post("/sales/link", data=data).status_code == 403
    assert _unmatched_lines(mine) == 1


def test_officials_get_403(client: Any, mine: Coop) -> None:
    login(client, factories.UserFactory(role=Role.OFFICIAL, area=mine.coop.area))
    assert client.get("/sales/").status_code == 403
    data = {"seller_sku": "NOPE", "variant_id": str(mine.variants["MINE-B-0"])}
    assert client.post("/sales/link", data=data).status_code == 403
    assert _unmatched_lines(mine) == 1


def test_a_bad_period_is_told_and_this_month_shown(client: Any, mine: Coop) -> None:
    login(client, factories.member(mine.coop))
    for value in ("2026-13", "abc", "1999", "9" * 40):
        response = client.get("/sales/", query_string={"period": value})
        assert response.status_code == 400
        assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)


def _unmatched_lines(c: Coop) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(OrderLine)
            .join(Order)
            .where(Order.cooperative_id == c.coop.id, OrderLine.variant_id.is_(None))
        )
        or 0
    )


def _daily(c: Coop) -> dict[int, int]:
    rows = db.session.execute(
        select(SalesDaily.product_id, func.sum(SalesDaily.gross))
        .where(SalesDaily.cooperative_id == c.coop.id)
        .group_by(SalesDaily.product_id)
    )
    return {int(p): int(g) for p, g in rows}


def test_linking_moves_the_rollups_and_later_pulls_match(
    client: Any, mine: Coop, theirs: Coop
) -> None:
    login(client, factories.member(mine.coop))
    b0 = mine.variants["MINE-B-0"]
    p1, p2 = mine.products
    assert _daily(mine) == {p1: 900, p2: 50, 0: 30}
    theirs_before = _daily(theirs)
    response = client.post("/sales/link", data={"seller_sku": "NOPE", "variant_id": str(b0)})
    assert response.status_code == 302
    assert "Đã liên kết" in client.get(response.location).get_data(as_text=True)
    assert _daily(mine) == {p1: 900, p2: 80, 0: 0}
    assert _daily(theirs) == theirs_before  # the other cooperative's NOPE is theirs to link
    assert _unmatched_lines(mine) == 0
    assert _unmatched_lines(theirs) == 2
    assert reserved_by_variant(mine.coop.id)[b0] == 1 + 3  # O1 is open: it now reserves
    pushes = db.session.scalars(
        select(JobRecord.kind).where(JobRecord.cooperative_id == mine.coop.id)
    ).all()
    assert pushes.count("stock_push") == 2  # so every shop of the cooperative is told
    alias = db.session.scalar(select(SkuAlias).where(SkuAlias.cooperative_id == mine.coop.id))
    assert alias is not None
    assert (alias.seller_sku, alias.variant_id) == ("NOPE", b0)

    later = order(mine.shops["lazada"], "O5", OrderStatus.TO_SHIP, [("NOPE", 2, 10)])
    assert later.lines[0].variant_id == b0
    # A re-pull of a linked order keeps the link instead of unmatching it again.
    lines = [("MINE-A-0", 2, 100), ("MINE-B-0", 1, 50), ("NOPE", 3, 10)]
    again = order(mine.shops["shopee"], "O1", OrderStatus.SHIPPED, lines, _at(THIS_MONTH.start))
    assert [line.variant_id for line in again.lines if line.seller_sku == "NOPE"] == [b0]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"seller_sku": "NOPE", "variant_id": "theirs"}, 400, CHOOSE),
        ({"seller_sku": "NOPE", "variant_id": "99999999999999999999"}, 400, CHOOSE),
        ({"seller_sku": "NOPE", "variant_id": "2147483647"}, 400, CHOOSE),
        ({"seller_sku": "NOPE", "variant_id": "-1"}, 400, CHOOSE),
        ({"seller_sku": "NOPE", "variant_id": ""}, 400, CHOOSE),
        ({"seller_sku": "", "variant_id": "mine"}, 400, "Thiếu mã SKU."),
        ({"seller_sku": "N" * 61, "variant_id": "mine"}, 400, "Mã SKU dài tối đa 60 ký tự."),
        ({"seller_sku": "SECRET", "variant_id": "mine"}, 404, "Không có dòng đơn hàng nào"),
        ({"seller_sku": "MINE-A-0", "variant_id": "mine"}, 404, "Không có dòng đơn hàng nào"),
    ],
)
def test_bad_links_are_refused_and_change_nothing(
    client: Any, mine: Coop, theirs: Coop, data: dict[str, str], status: int, message: str
) -> None:
    ids = {"theirs": str(theirs.variants["THEIRS-B-0"]), "mine": str(mine.variants["MINE-B-0"])}
    data = {key: ids.get(value, value) for key, value in data.items()}
    login(client, factories.member(mine.coop))
    before = (_daily(mine), _daily(theirs), _unmatched_lines(mine), _unmatched_lines(theirs))
    response = client.post("/sales/link", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    after = (_daily(mine), _daily(theirs), _unmatched_lines(mine), _unmatched_lines(theirs))
    assert after == before
    assert db.session.scalar(select(func.count()).select_from(SkuAlias)) == 0


def test_the_link_form_needs_its_csrf_token(
    app: Any, client: Any, mine: Coop, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client, factories.member(mine.coop))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data = {"seller_sku": "NOPE", "variant_id": str(mine.variants["MINE-B-0"])}
    response = client.post("/sales/link", data=data)
    assert response.status_code == 400
    assert _unmatched_lines(mine) == 1


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_page_runs_the_same_queries_whatever_the_data(client: Any, mine: Coop) -> None:
    login(client, factories.member(mine.coop))
    db.session.expire_all()  # the test shares its session with the requests: start cold
    with counted() as few:
        assert client.get("/sales/").status_code == 200
    shop = mine.shops["lazada"]
    for n in range(15):
        lines = [("MINE-A-0", 1, 100), (f"ODD-{n}", 2, 30), ("MINE-B-0", n + 1, 50)]
        found = order(
            shop,
            f"M{n}",
            OrderStatus.COMPLETED,
            lines,
            _at(LAST_MONTH.start + timedelta(days=n % 20)),
        )
        settle(found, 100, {f"kind-{n}": n + 1, "commission": 3})
        factories.ProductFactory(cooperative=mine.coop, variants=[{"sku": f"MORE-{n}"}])
    db.session.expire_all()
    with counted() as many:
        assert client.get("/sales/", query_string={"period": LAST_MONTH.value}).status_code == 200
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 11  # user, cooperative, five of figures, fees, unmatched, variants, orders


def test_the_latest_orders_say_where_they_came_from_and_when_they_were_read(
    client: Any, mine: Coop, theirs: Coop
) -> None:
    pushed = db.session.scalar(select(Order).where(Order.platform_order_id == "O2"))
    assert pushed is not None
    pushed.source = OrderSource.PUSH
    db.session.flush()
    recent = figures.recent_orders(mine.coop.id)
    assert [o.platform_order_id for o in recent][-1] == "O3"  # placed last month: last
    assert {o.platform_order_id for o in recent} == {"O1", "O2", "O3", "O4"}
    assert all(o.fetched_at is not None for o in recent)
    login(client, factories.member(mine.coop, role="staff"))
    page = client.get("/sales/").get_data(as_text=True)
    assert "Đơn hàng mới nhất" in page
    assert "<code>O2</code>" in page
    assert "Sàn gửi đến" in page  # O2, pushed
    assert "Lấy từ sàn" in page  # the others, pulled
    assert "đọc lần cuối" in page
    assert "Đã hủy" in page  # O4
    assert "<code>T1</code>" not in page  # another cooperative's order
