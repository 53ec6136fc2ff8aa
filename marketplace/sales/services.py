"""Orders: pull them from a shop, upsert them, and keep stock honest.

Stock rule (DESIGN.md): available = on hand − reserved by open orders − buffer.
An open order (unpaid or to ship) reserves its quantities; when it ships, on-hand
stock is lowered once and the reservation ends with it; a cancelled order just
releases its reservation. Returned goods are not put back automatically: whether
they can be sold again is the cooperative's call (they edit the stock).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.catalog.sku import product_id_of
from marketplace.common.models import utcnow
from marketplace.connectors import types as remote
from marketplace.connectors.base import Connector
from marketplace.connectors.types import Page
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.errors import DuplicatePushError
from marketplace.sales.models import GONE_STATUSES
from marketplace.sales.models import OPEN_STATUSES
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.sales.models import OrderPull
from marketplace.sales.models import OrderSource
from marketplace.sales.models import PushEvent
from marketplace.sales.models import SkuAlias
from marketplace.sales.signals import variant_pushed_as
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)

# Platforms index orders by update time a little late: each pull re-reads this much.
OVERLAP = timedelta(minutes=10)
# A shop's first pull looks back this far, so orders placed just before connecting count.
FIRST_LOOK_BACK = timedelta(days=1)
# A push names one order, or a few; more than this is not a push we know.
MAX_PUSHED_IDS = 100


def record_push(
    platform: str, body: bytes, platform_shop_id: str, kind: str, order_ids: Sequence[str] = ()
) -> PushEvent:
    """Keep a platform push once, by its body's hash, in a SAVEPOINT, with the orders it
    names (so the pull it triggers knows them as reached by a push).

    :raises DuplicatePushError: the same push was already accepted; nothing is added.
    """
    event = PushEvent(
        platform=platform,
        digest=hashlib.sha256(body).hexdigest(),
        platform_shop_id=platform_shop_id[:100],
        kind=kind[:40],
        order_ids=[str(order_id)[:64] for order_id in list(order_ids)[:MAX_PUSHED_IDS]],
    )
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError as exc:
        raise DuplicatePushError(platform) from exc
    return event


def _windows(start: datetime, end: datetime, days: int) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut into pieces no longer than the platform's order search allows."""
    step = timedelta(days=days)
    while start < end:
        yield start, min(end, start + step)
        start += step


def updated_order_ids(shop: Shop, start: datetime, end: datetime, days: int) -> list[str]:
    ids: dict[str, None] = {}  # ordered and unique: windows overlap at their edges
    for low, high in _windows(start, end, days):
        cursor: str | None = None
        while True:
            page = shop_services.call(shop, _page_of_orders(low, high, cursor))
            ids.update(dict.fromkeys(page.items))
            cursor = page.next_cursor
            if cursor is None:
                break
    return list(ids)


def _page_of_orders(
    low: datetime, high: datetime, cursor: str | None
) -> Callable[[Connector], Page[str]]:
    return lambda connector: connector.list_orders(low, high, cursor)


def pull_orders(shop: Shop, now: datetime | None = None) -> bool:
    """Fetch orders updated since the last pull and upsert them; True when stock moved."""
    now = now or utcnow()
    state = db.session.get(OrderPull, shop.id)
    start = state.pulled_to - OVERLAP if state else now - FIRST_LOOK_BACK
    days = shop_services.registry.get_connector(shop.platform).order_window_days
    ids = updated_order_ids(shop, start, now, days)
    orders = shop_services.call(shop, lambda c: c.order_details(ids)) if ids else []
    pushed = _pushed_order_ids(shop, start)
    moved = False
    for order in orders:
        source = OrderSource.PUSH if order.platform_order_id in pushed else OrderSource.PULL
        moved = upsert_order(shop, order, source) or moved
    if state is None:
        state = OrderPull(shop_id=shop.id, pulled_to=now)
        db.session.add(state)
    state.pulled_to, state.last_error = now, None
    shop.last_orders_pulled_at = now
    db.session.flush()
    log.info("shop %r: %d orders pulled, stock moved: %s", shop.id, len(orders), moved)
    return moved


def _pushed_order_ids(shop: Shop, since: datetime) -> set[str]:
    """Orders the shop's pushes named since the pull window began: a pull fetches them
    because of the push (or would have anyway; the push came first)."""
    rows = db.session.scalars(
        select(PushEvent.order_ids).where(
            PushEvent.platform == shop.platform,
            PushEvent.platform_shop_id == shop.platform_shop_id,
            PushEvent.received_at >= since,
        )
    )
    return {str(order_id) for ids in rows for order_id in ids or ()}


def upsert_order(shop: Shop, seen: remote.Order, source: OrderSource = OrderSource.PULL) -> bool:
    """Store what the platform says about one order and book its sales; True when stock
    is affected. ``source`` is how it reached us, kept on an order seen for the first time.

    Safe against a re-run and a concurrent pull or push of the same order: the order row
    is locked while it is compared (PostgreSQL; SQLite has one writer anyway), and an
    insert that loses the race to another pull's is undone alone (its savepoint) and
    the order applied again over the winner's, so its stock moves once.
    """
    try:
        with db.session.begin_nested():
            return _upsert(shop, seen, source)
    except IntegrityError:
        log.info("order %r inserted meanwhile by another pull", seen.platform_order_id)
    with db.session.begin_nested():
        return _upsert(shop, seen, source)


def _upsert(shop: Shop, seen: remote.Order, source: OrderSource) -> bool:
    order = db.session.scalar(
        select(Order)
        .where(Order.shop_id == shop.id, Order.platform_order_id == seen.platform_order_id)
        .with_for_update()
        # Read the row as committed now, not as this session saw it before the lock.
        .execution_options(populate_existing=True)
    )
    first_seen = order is None
    if order is None:
        order = Order(shop_id=shop.id, cooperative_id=shop.cooperative_id, stock_deducted=False)
        order.platform_order_id, order.source = seen.platform_order_id, source
        db.session.add(order)
    order.fetched_at = utcnow()
    if (
        not first_seen
        and order.status == seen.status
        and order.platform_updated_at >= seen.updated_at
    ):
        return False
    was_open = not first_seen and order.status in OPEN_STATUSES
    order.status, order.platform_status = seen.status, seen.platform_status
    order.placed_at, order.platform_updated_at, order.total = (
        seen.created_at,
        seen.updated_at,
        seen.total,
    )
    order.delivery_region = seen.delivery_region[:120]
    _merge_lines(shop, order, seen.lines)
    db.session.flush()
    deducted = _deduct_if_gone(shop, order, was_open, first_seen)
    ledger.book(order)
    return deducted or was_open != (order.status in OPEN_STATUSES)


def _merge_lines(shop: Shop, order: Order, lines: list[remote.OrderLine]) -> None:
    known = {line.platform_line_id: line for line in order.lines}
    for seen in lines:
        line = known.get(seen.platform_line_id)
        if line is None:
            line = OrderLine(platform_line_id=seen.platform_line_id)
            order.lines.append(line)
        line.seller_sku, line.name = seen.seller_sku[:60], seen.name[:300]
        line.quantity, line.unit_price = seen.quantity, seen.unit_price
        line.returned_quantity = min(max(seen.returned_quantity, 0), seen.quantity)
        line.variant_id = _variant_id(shop, seen)


def _variant_id(shop: Shop, line: remote.OrderLine) -> int | None:
    """Our variant for a line: by its seller SKU, a SKU linked by hand, else by what we
    pushed to this shop."""
    by_sku = db.session.scalar(
        select(Variant.id).where(
            Variant.cooperative_id == shop.cooperative_id, Variant.sku == line.seller_sku
        )
    )
    if by_sku is not None:
        return by_sku
    # A SKU the manager linked by hand on the sales page (``linking.link_sku``).
    aliased = db.session.scalar(
        select(SkuAlias.variant_id).where(
            SkuAlias.cooperative_id == shop.cooperative_id,
            SkuAlias.seller_sku == line.seller_sku[:60],
        )
    )
    if aliased is not None:
        return aliased
    if line.platform_variant_id:
        answers = variant_pushed_as.send(shop, platform_variant_id=line.platform_variant_id)
        pushed = next((variant_id for _, variant_id in answers if variant_id is not None), None)
        if pushed is not None:
            return pushed
    # A product with one variant may be listed without variants, under its parent SKU.
    product_id = product_id_of(line.seller_sku)
    if product_id is not None:
        only = db.session.scalars(
            select(Variant.id).where(
                Variant.product_id == product_id,
                Variant.cooperative_id == shop.cooperative_id,
            )
        ).all()
        if len(only) == 1:
            return only[0]
    return None


def _deduct_if_gone(shop: Shop, order: Order, was_open: bool, first_seen: bool) -> bool:
    """Lower on-hand stock once when an order's goods leave.

    An order first seen already shipped counts only if it was placed after the shop
    was connected: older ones were sold before we kept this stock.
    """
    if order.stock_deducted or order.status not in GONE_STATUSES:
        return False
    if not was_open and not (first_seen and order.placed_at >= shop.created_at):
        return False
    order.stock_deducted = True
    for line in order.lines:
        if line.variant is not None:
            _lower_stock(line.variant, line.quantity, order)
    return True


def _lower_stock(variant: Variant, quantity: int, order: Order) -> None:
    before = variant.stock
    variant.stock = max(0, before - quantity)
    if before < quantity:
        log.warning("variant %r oversold by %d (order %r)", variant.id, quantity - before, order.id)
    product: Product = variant.product
    # Touch the product so its version moves: a form opened before the sale is refused
    # instead of silently writing the old stock back.
    product.updated_at = utcnow()
    db.session.flush()
    db.session.add(
        AuditEntry(
            product_id=product.id,
            user_id=None,
            action="order_shipped",
            version=product.version,
            variant_sku=variant.sku,
            field="stock",
            old_value=str(before),
            new_value=str(variant.stock),
        )
    )
