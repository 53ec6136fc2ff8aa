"""The demo cooperatives' shops, connected to their sandbox shops, with two years of sales.

``connect_demo_shops()`` does what a manager's consent and the code exchange would: each
mounted sandbox issues a real token pair for the cooperative's own shop there (its
``/_sandbox/tokens`` control) and the shops package stores the shop as connected, so the
minute's order pull, the token refresh and the sync work against the sandboxes.

``seed_demo_history()`` writes the orders ``demo_plan`` plans on those shops in bulk, with
their lines and ledger entries, then rebuilds the daily rollups from the entries. Each
order's entries are what ``ledger.book`` would have booked had the minute's pull seen each
of its states in turn: the first on the day placed, later changes (settlement, return,
cancellation) on the day they happened.

Stock: the stock rule lowers on-hand stock once, when an order is seen going from open to
shipped, or first seen already shipped after the shop was connected. These orders are
written, not seen: none is open (so none reserves stock), every one whose goods left is
marked ``stock_deducted`` (so a later pull of it never lowers stock again), and the demo
stock stays what the catalogue says is on the shelves today. The shops keep their
connection time as ``created_at``, so the health check still expects their first pull.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select

from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import SubjectType
from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import TokenSet
from marketplace.demo_data import COOPERATIVES
from marketplace.demo_data import HISTORY_DAYS
from marketplace.demo_data import SEED
from marketplace.demo_data import SETTLEMENT_NAMES
from marketplace.demo_plan import FINAL_AFTER
from marketplace.demo_plan import HISTORY_ID_LIKE
from marketplace.demo_plan import CooperativePlan
from marketplace.demo_plan import Item
from marketplace.demo_plan import PlannedOrder
from marketplace.demo_plan import State
from marketplace.demo_plan import season_of
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.sales.models import OrderSource
from marketplace.sales.models import SalesEntry
from marketplace.sandbox.mount import issue_demo_tokens
from marketplace.shops.errors import ShopHeldError
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from marketplace.shops.services import store_connected_shop

GONE = frozenset({OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.RETURNED})
# The platforms' own words for our states (what their order APIs send).
NATIVE = {
    "shopee": {
        OrderStatus.TO_SHIP: "READY_TO_SHIP", OrderStatus.SHIPPED: "SHIPPED",
        OrderStatus.COMPLETED: "COMPLETED", OrderStatus.CANCELLED: "CANCELLED",
        OrderStatus.RETURNED: "TO_RETURN",
    },
    "lazada": {
        OrderStatus.TO_SHIP: "ready_to_ship", OrderStatus.SHIPPED: "shipped",
        OrderStatus.COMPLETED: "delivered", OrderStatus.CANCELLED: "canceled",
        OrderStatus.RETURNED: "returned",
    },
    "tiktok": {
        OrderStatus.TO_SHIP: "AWAITING_SHIPMENT", OrderStatus.SHIPPED: "IN_TRANSIT",
        OrderStatus.COMPLETED: "COMPLETED", OrderStatus.CANCELLED: "CANCELLED",
        OrderStatus.RETURNED: "COMPLETED",  # a TikTok return is its own record
    },
}  # fmt: skip


def connect_demo_shops() -> dict[str, int]:
    """Connect every cooperative to its own shop in each mounted sandbox (opened by
    ``sandbox.mount.open_demo_shops``) with fresh tokens; by platform, how many. A shop
    another cooperative holds (a manager picked it on a consent page) is left to it."""
    cooperatives = list(db.session.scalars(select(Cooperative).order_by(Cooperative.id)))
    grants = issue_demo_tokens([c.name for c in cooperatives])
    connected = dict.fromkeys(grants, 0)
    for platform, answers in grants.items():
        for cooperative, grant in zip(cooperatives, answers, strict=True):
            try:
                store_connected_shop(cooperative, platform, token_set(grant))
            except ShopHeldError:
                continue
            connected[platform] += 1
    return connected


def token_set(grant: dict[str, Any]) -> TokenSet:
    """A sandbox's token grant (``sandbox.common.TokenGrant``'s fields) as a TokenSet."""
    refresh = grant.get("refresh_expires_at")
    return TokenSet(
        access_token=str(grant["access_token"]),
        refresh_token=str(grant["refresh_token"]),
        access_expires_at=datetime.fromtimestamp(float(grant["access_expires_at"]), UTC),
        refresh_expires_at=datetime.fromtimestamp(float(refresh), UTC) if refresh else None,
        shop_id=str(grant["shop_id"]),
        shop_name=str(grant.get("shop_name", "")),
        extra={str(k): str(v) for k, v in (grant.get("extra") or {}).items()},
    )


def seed_demo_history(now: datetime | None = None) -> int:
    """Two years of orders on the demo cooperatives' connected shops, booked in the
    ledger; a cooperative whose shops have history orders already is left alone.
    How many orders were written. Flushes; the caller commits."""
    now = now or utcnow()
    keys = {c.name: c for c in COOPERATIVES}
    written = 0
    for cooperative in db.session.scalars(select(Cooperative).order_by(Cooperative.id)):
        spec = keys.get(cooperative.name)
        shops = _connected(cooperative.id)
        if spec is None or not shops or _has_history(shops):
            continue
        items = items_of(cooperative.id)
        if not items:
            continue
        household = cooperative.subject_type == SubjectType.HOUSEHOLD
        plan = CooperativePlan(spec.key, items, sorted(shops), household).orders(now)
        _write(plan, shops, cooperative.id, {i.variant_id: i.product_id for i in items}, now)
        written += len(plan)
    if written:
        today = ledger.vietnam_day(now)
        ledger.rebuild(today - timedelta(days=HISTORY_DAYS + 1), today)
    db.session.flush()
    return written


def _connected(cooperative_id: int) -> dict[str, Shop]:
    shops = db.session.scalars(
        select(Shop).where(
            Shop.cooperative_id == cooperative_id,
            Shop.status == ShopStatus.CONNECTED,
            Shop.platform.in_(HISTORY_ID_LIKE),
        )
    )
    return {shop.platform: shop for shop in shops}


def _has_history(shops: dict[str, Shop]) -> bool:
    return any(
        db.session.scalar(
            select(Order.id)
            .where(Order.shop_id == shop.id, Order.platform_order_id.like(HISTORY_ID_LIKE[name]))
            .limit(1)
        )
        is not None
        for name, shop in shops.items()
    )


def items_of(cooperative_id: int) -> list[Item]:
    """The cooperative's active variants; a product's popularity is shared by its variants."""
    rows = db.session.execute(
        select(
            Variant.id,
            Variant.product_id,
            Variant.sku,
            Variant.price,
            Product.name,
            Product.ocop_stars,
        )
        .join(Product, Product.id == Variant.product_id)
        .where(Product.cooperative_id == cooperative_id, Product.status == ProductStatus.ACTIVE)
        .order_by(Variant.id)
    ).all()
    per_product: dict[int, int] = {}
    for row in rows:
        per_product[row.product_id] = per_product.get(row.product_id, 0) + 1
    items = []
    for row in rows:
        popular = random.Random(f"{SEED}-{row.product_id}").uniform(0.5, 1.5)
        popular *= 1.5 if (row.ocop_stars or 0) >= 4 else 1.0
        items.append(
            Item(
                variant_id=row.id,
                product_id=row.product_id,
                sku=row.sku,
                name=row.name,
                price=row.price,
                popularity=popular / per_product[row.product_id],
                season=season_of(row.name),
            )
        )
    return items


def _write(
    plan: list[PlannedOrder],
    shops: dict[str, Shop],
    cooperative_id: int,
    product_of: dict[int, int],
    now: datetime,
) -> None:
    """Insert the orders, then their lines and entries, each in one bulk statement."""
    rows = [_order_row(o, shops[o.platform].id, cooperative_id, now) for o in plan]
    returning = insert(Order).returning(Order.id, sort_by_parameter_order=True)
    ids = list(db.session.scalars(returning, rows))
    lines, entries = [], []
    for order_id, planned in zip(ids, plan, strict=True):
        lines += _line_rows(order_id, planned)
        entries += _entry_rows(order_id, planned, product_of)
    db.session.execute(insert(OrderLine), lines)
    if entries:
        db.session.execute(insert(SalesEntry), entries)


def _order_row(
    planned: PlannedOrder, shop_id: int, cooperative_id: int, now: datetime
) -> dict[str, Any]:
    final = planned.final
    settled = final.net is not None
    done = final.status in (OrderStatus.COMPLETED, OrderStatus.RETURNED, OrderStatus.CANCELLED)
    return {
        "shop_id": shop_id,
        "cooperative_id": cooperative_id,
        "platform_order_id": planned.platform_order_id,
        "status": final.status,
        "platform_status": NATIVE[planned.platform][final.status],
        "placed_at": planned.placed_at,
        "platform_updated_at": final.at,
        "total": sum(line.quantity * line.unit_price for line in planned.lines),
        "stock_deducted": final.status in GONE,
        "source": OrderSource.PULL,
        "fetched_at": final.at,
        "delivery_region": planned.region,
        "gross": final.gross,
        # As settlements.py stores them: tax withheld apart from the fees.
        "fees": {kind: amount for kind, amount in final.fees.items() if kind != "tax"},
        "tax_withheld": final.fees.get("tax", 0),
        "net": final.net,
        "platform_settlement": _raw(planned, final) if settled else None,
        "settlement_fetched_at": final.at if settled else None,
        "settlement_final": done and final.at < now - FINAL_AFTER,
        "created_at": planned.states[0].at,
        "updated_at": final.at,
    }


def _raw(planned: PlannedOrder, state: State) -> dict[str, Any]:
    """The settlement in the platform's own words, as it would have sent it."""
    names = SETTLEMENT_NAMES[planned.platform]
    fees = {names[kind]: amount for kind, amount in state.fees.items()}
    return {
        "order_id": planned.platform_order_id,
        **fees,
        names["net"]: state.net,
        "currency": "VND",
    }


def _line_rows(order_id: int, planned: PlannedOrder) -> list[dict[str, Any]]:
    return [
        {
            "order_id": order_id,
            "platform_line_id": f"{planned.platform_order_id}-{n}",
            "seller_sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "returned_quantity": planned.final.returned[n - 1],
            "unit_price": line.unit_price,
            "variant_id": line.variant_id,
        }
        for n, line in enumerate(planned.lines, start=1)
    ]


def _entry_rows(
    order_id: int, planned: PlannedOrder, product_of: dict[int, int]
) -> list[dict[str, Any]]:
    """The entries ``ledger.book`` would have booked seeing each state in turn: the
    difference from what was booked, on the day placed first, later on the change's day."""
    order = Order(lines=[OrderLine(**_line_fields(line)) for line in planned.lines])
    placed = ledger.vietnam_day(planned.placed_at)
    booked: dict[int, ledger.Figures] = {}
    rows = []
    for state in planned.states:
        order.status, order.net = state.status, state.net
        for line, returned in zip(order.lines, state.returned, strict=True):
            line.returned_quantity = returned
        now = ledger.contribution(order, product_of)
        day = placed if not booked else max(placed, ledger.vietnam_day(state.at))
        restates = (day.year, day.month) != (placed.year, placed.month)
        for product_id in sorted(now.keys() | booked.keys()):
            change = now.get(product_id, ledger.Figures()) - booked.get(
                product_id, ledger.Figures()
            )
            if change:
                rows.append(
                    {
                        "order_id": order_id,
                        "day": day,
                        "placed_on": placed,
                        "product_id": product_id,
                        "restates": restates,
                        "created_at": state.at,
                        **asdict(change),
                    }
                )
        booked = now
    return rows


def _line_fields(line: Any) -> dict[str, Any]:
    return {
        "variant_id": line.variant_id,
        "quantity": line.quantity,
        "returned_quantity": 0,
        "unit_price": line.unit_price,
    }
