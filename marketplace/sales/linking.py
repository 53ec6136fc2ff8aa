"""Link a seller SKU that matched none of our variants to one of them, by hand.

The link is kept (``SkuAlias``) so later pulls match the SKU too, set on every line of
the cooperative with that SKU, and each affected order is booked again (``ledger.book``)
so its figures move from "unmatched" (product 0) to the product.

Stock: an open order's linked lines now reserve the variant (``reserved_by_variant``
counts them), so the caller announces ``stock_moved``. An order whose goods already
left is not taken off on-hand stock now: that stock was counted and typed by the
cooperative after the sale, when the goods were already gone, so lowering it again
would count the sale twice. An open order linked now is lowered when it ships, as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.errors import LinkSkuError
from marketplace.sales.models import OPEN_STATUSES
from marketplace.sales.models import Order
from marketplace.sales.models import OrderLine
from marketplace.sales.models import SkuAlias
from marketplace.shops.models import Shop


@dataclass(frozen=True)
class Linked:
    variant: Variant
    lines: int
    orders: int
    open_shop: Shop | None  # a shop of an open order now reserving the variant, if any


def link_sku(cooperative: Cooperative, seller_sku: str, variant_id: int) -> Linked:
    """Link ``seller_sku`` to the cooperative's variant ``variant_id``; flushes, no commit.

    :raises LinkSkuError: the variant is not the cooperative's, or no unlinked line of
        the cooperative has this SKU; nothing is changed.
    """
    variant = db.session.scalar(
        select(Variant).where(Variant.id == variant_id, Variant.cooperative_id == cooperative.id)
    )
    if variant is None:
        raise LinkSkuError(gettext("Choose one of your cooperative's products."))
    lines = _unlinked_lines(cooperative.id, seller_sku)
    if not lines:
        raise LinkSkuError(
            gettext(
                "No order line of your cooperative waits for the SKU “%(sku)s”.", sku=seller_sku
            ),
            not_found=True,
        )
    _remember(cooperative.id, seller_sku, variant.id)
    for line in lines:
        line.variant_id = variant.id
    db.session.flush()
    orders = _orders({line.order_id for line in lines})
    for order in orders:
        ledger.book(order)
    open_orders = [order for order in orders if order.status in OPEN_STATUSES]
    shop = db.session.get(Shop, open_orders[0].shop_id) if open_orders else None
    return Linked(variant, len(lines), len(orders), shop)


def _unlinked_lines(cooperative_id: int, seller_sku: str) -> list[OrderLine]:
    return list(
        db.session.scalars(
            select(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .where(
                Order.cooperative_id == cooperative_id,
                OrderLine.seller_sku == seller_sku,
                OrderLine.variant_id.is_(None),
            )
            .with_for_update(of=OrderLine)
        )
    )


def _orders(order_ids: set[int]) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.id.in_(order_ids))
            .options(selectinload(Order.lines))
            .order_by(Order.id)
        )
    )


def _remember(cooperative_id: int, seller_sku: str, variant_id: int) -> None:
    """Keep the link for later pulls; a SKU linked again points to the new variant."""
    alias = db.session.scalar(
        select(SkuAlias).where(
            SkuAlias.cooperative_id == cooperative_id, SkuAlias.seller_sku == seller_sku
        )
    )
    if alias is not None:
        alias.variant_id = variant_id
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                SkuAlias(
                    cooperative_id=cooperative_id, seller_sku=seller_sku, variant_id=variant_id
                )
            )
    except IntegrityError as exc:  # linked by someone else at the same moment
        raise LinkSkuError(
            gettext("This SKU was linked meanwhile. Reload the page and check it.")
        ) from exc
