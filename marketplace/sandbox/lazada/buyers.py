"""Simulated buyers: ``POST /_sandbox/buyers`` creates orders with finance rows."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import request

from marketplace.sandbox.common import Store
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.data import SELLER

buyers = Blueprint("lazada_buyers", __name__)
_NAMES = ("Nguyễn Thị Lan", "Trần Văn Minh", "Lò Thị Xuân", "Cầm Văn Thắng", "Phạm Thu Hà")
Listed = list[tuple[dict[str, Any], dict[str, Any]]]


def _listed(store: Store, seller_skus: list[str]) -> Listed:
    """The active products and SKUs among the SellerSkus."""
    listed = []
    for seller_sku in seller_skus:
        index = store.get("sku_index", f"{SELLER['seller_id']}:{seller_sku}")
        if index is None:
            continue
        product = store.get("products", str(index["item_id"]))
        if product is None or product["status"] != "Active":
            continue
        sku = next(s for s in product["skus"] if s["SkuId"] == index["sku_id"])
        listed.append((product, sku))
    return listed


def _status(roll: float) -> str:
    """An item status, drawn from ``roll`` in [0, 1)."""
    if roll < 0.15:
        return "canceled"
    if roll < 0.25:
        return "returned"
    if roll < 0.65:
        return "delivered"
    return "shipped" if roll < 0.8 else "pending"


def _items(
    store: Store, rng: random.Random, listed: Listed, status: str, units: int = 0
) -> list[dict[str, Any]]:
    """``units`` (else one to three) units of listed SKUs, all in ``status``."""
    items = []
    for _unit in range(units or rng.randint(1, 3)):
        product, sku = rng.choice(listed)
        items.append(
            {
                "order_item_id": store.next_id("lazada_order_item", 612_000_000_000),
                "name": product["attributes"].get("name", ""),
                "sku": sku["SellerSku"],
                "shop_sku": sku["ShopSku"],
                "sku_id": sku["SkuId"],
                "product_id": product["item_id"],
                "item_price": float(sku["price"]),
                "status": status,
                "variation": ", ".join(f"{k}:{v}" for k, v in sku.get("saleProp", {}).items()),
            }
        )
    return items


def _order(
    store: Store, rng: random.Random, now: float, days: float, listed: Listed, forced: Any = None
) -> str:
    """Store one order placed in the last ``days`` days; its id.

    ``forced`` = {"status", "quantity"}: placed now, in that state (stock tests).
    """
    # The draws stay in this order so that a seeded sandbox repeats its orders.
    created = now - rng.random() * days * 86400
    updated = min(now, created + rng.random() * 3 * 86400)
    status = _status(rng.random())
    if forced:
        created = updated = now
        status = str(forced["status"])
    order_id = store.next_id("lazada_order", 512_000_000_000)
    units = int(forced.get("quantity") or 0) if forced else 0
    items = _items(store, rng, listed, status, units)
    doc: dict[str, Any] = {
        "order_id": order_id,
        "seller_id": SELLER["seller_id"],
        "created_at": created,
        "updated_at": updated,
        "price": sum(i["item_price"] for i in items),
        "voucher": rng.choice((0, 0, 10_000)),
        "shipping_fee": rng.choice((0, 15_000, 22_000)),
        "payment_method": rng.choice(("COD", "COD", "MIXEDCARD")),
        "customer": rng.choice(_NAMES),
        "items": items,
    }
    # Its finance rows follow its items' states (finance.rows_of), read on every call.
    store.put("orders", str(order_id), doc)
    return str(order_id)


@buyers.post("/_sandbox/buyers")
def simulate() -> Response:
    """``{"skus": [...], "count": n, "days": d}``: orders for listed SKUs over the last d days."""
    body = request.get_json(silent=True) or {}
    sandbox = current_sandbox()
    store, rng, now = sandbox.store, sandbox.random, sandbox.clock.now()
    listed = _listed(store, body.get("skus") or [])
    if not listed:
        abort(400, "none of the SKUs is listed")
    days = float(body.get("days", 30))
    forced = body if body.get("status") else None
    count = int(body.get("count", 1))
    created_ids = [_order(store, rng, now, days, listed, forced) for _ in range(count)]
    return jsonify(order_ids=created_ids, at=datetime.fromtimestamp(now, UTC).isoformat())


@buyers.post("/_sandbox/orders/<order_id>/status")
def set_order_status(order_id: str) -> Response:
    """{"status": ...}: every item of the order moves to that state now."""
    sandbox = current_sandbox()
    doc = sandbox.store.get("orders", order_id)
    if doc is None:
        abort(404, "no such order")
    status = str((request.get_json(silent=True) or {}).get("status", ""))
    for item in doc["items"]:
        item["status"] = status
    doc["updated_at"] = sandbox.clock.now()
    sandbox.store.put("orders", order_id, doc)
    return jsonify(order_id=order_id, status=status)
