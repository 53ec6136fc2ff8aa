"""Orders, order statements and the simulated buyers (tiktok.md §5)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import g
from flask import request

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok.core import ApiError
from marketplace.sandbox.tiktok.core import envelope

bp = Blueprint("tiktok_orders", __name__)
control = Blueprint("tiktok_buyers", __name__)

# UNVERIFIED (tiktok.md §7): order search page_size 1–100, ≤50 ids per detail call,
# update_time ranges up to 15 days per search.
ORDER_PAGE_MAX = 100
DETAIL_IDS_MAX = 50
WINDOW_MAX = 15 * 86400
SHIPPING_COST = 15_000
COMMISSION_RATE = 0.04  # platform commission
TRANSACTION_RATE = 0.05  # payment/transaction fee


def _public(order: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in order.items() if k not in {"shop_id", "statement"}}


@bp.post("/order/202309/orders/search")
@core.api(json_body=True)
def search_orders() -> Response:
    try:
        size, offset = core.page_args(ORDER_PAGE_MAX)
        query = core.body() if request.get_data() else {}
        lo = int(query.get("update_time_ge", 0))
        hi = int(query.get("update_time_lt", 0)) or int(current_sandbox().clock.now()) + 1
        if hi - lo > WINDOW_MAX and lo:
            raise ApiError(core.INVALID_PARAM, "update_time range must not exceed 15 days")
    except (ValueError, TypeError):
        return envelope(None, core.INVALID_PARAM, "update_time_ge/update_time_lt must be integers")
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    shop_id = g.tts_shop["id"]
    rows = [
        o
        for o in current_sandbox().store.all("orders")
        if o["shop_id"] == shop_id and lo <= o["update_time"] < hi
    ]
    if query.get("order_status"):
        rows = [o for o in rows if o["status"] == query["order_status"]]
    field = request.args.get("sort_field", "create_time")
    field = field if field in {"create_time", "update_time"} else "create_time"
    rows.sort(key=lambda o: (o[field], o["id"]), reverse=request.args.get("sort_order") == "DESC")
    page = rows[offset : offset + size]
    nxt = core.encode_page_token(offset + size) if offset + size < len(rows) else ""
    return envelope(
        {"orders": [_public(o) for o in page], "next_page_token": nxt, "total_count": len(rows)}
    )


@bp.get("/order/202507/orders")
@core.api()
def order_detail() -> Response:
    ids = [i for i in request.args.get("ids", "").split(",") if i]
    if not 1 <= len(ids) <= DETAIL_IDS_MAX:
        return envelope(None, core.INVALID_PARAM, f"ids must hold 1-{DETAIL_IDS_MAX} order ids")
    store = current_sandbox().store
    found = [store.get("orders", i) for i in ids]
    # UNVERIFIED: unknown ids are left out of the answer rather than failing the call.
    orders = [_public(o) for o in found if o is not None and o["shop_id"] == g.tts_shop["id"]]
    return envelope({"orders": orders})


@bp.get("/finance/202501/orders/<order_id>/statement_transactions")
@core.api()
def statement_transactions(order_id: str) -> Response:
    order = current_sandbox().store.get("orders", order_id)
    if order is None or order["shop_id"] != g.tts_shop["id"]:
        return envelope(None, core.NOT_FOUND, f"Order {order_id} does not exist")
    rows = [order["statement"]] if order.get("statement") else []
    return envelope({"order_id": order_id, "currency": "VND", "statement_transactions": rows})


def _statement(order: dict[str, Any], returned: bool) -> dict[str, Any]:
    revenue = 0 if returned else int(order["payment"]["sub_total"])
    commission = round(revenue * COMMISSION_RATE)
    transaction = round(revenue * TRANSACTION_RATE)
    settlement = revenue - commission - transaction - SHIPPING_COST
    return {
        "id": f"st{order['id']}",
        "statement_time": order["update_time"],
        "revenue_amount": core.money(revenue),
        "fee_tax_amount": core.money(-(commission + transaction)),
        "shipping_cost_amount": core.money(-SHIPPING_COST),
        "settlement_amount": core.money(settlement),
        "fee_tax_breakdown": {
            "fee": {
                "platform_commission_amount": core.money(-commission),
                "transaction_fee_amount": core.money(-transaction),
            },
            "tax": {},
        },
    }


@control.post("/_sandbox/buyers")
def simulate_buyers() -> Response:
    """{skus, count, days}: buyer orders for listed products with those seller SKUs."""
    doc = request.get_json(silent=True) or {}
    sandbox = current_sandbox()
    rnd = sandbox.random
    wanted = set(doc.get("skus") or [])
    count, days = int(doc.get("count", 10)), float(doc.get("days", 7))
    offers = [
        (p, s)
        for p in sandbox.store.all("products")
        for s in p["skus"]
        if (not wanted or s["seller_sku"] in wanted) and p["status"] == "ACTIVATE"
    ]
    if not offers:
        return envelope(None, core.INVALID_PARAM, "no listed product has those SKUs", 400)
    now = int(sandbox.clock.now())
    # {"status": ..., "quantity": n}: orders placed now, in that state (stock tests).
    forced, quantity = doc.get("status"), int(doc.get("quantity") or 0)
    created = []
    for index in range(count):
        create = now - rnd.randint(3600, max(3601, int(days * 86400) - 3600))
        update = min(now - 60, create + rnd.randint(600, 2 * 86400))
        if forced:
            create = update = now
        picks = rnd.sample(offers, k=min(len(offers), rnd.randint(1, 2)))
        lines = []
        for product, sku in picks:
            for _unit in range(quantity or rnd.randint(1, 3)):  # one line item per unit
                lines.append(
                    {
                        "id": str(sandbox.store.next_id("line", 577_000_000_000)),
                        "product_id": product["id"],
                        "product_name": product["title"],
                        "sku_id": sku["id"],
                        "seller_sku": sku["seller_sku"],
                        "sku_name": ", ".join(a["value_name"] for a in sku["sales_attributes"]),
                        "sale_price": core.money(sku["price"]),
                        "original_price": core.money(sku["price"]),
                        "currency": "VND",
                        "display_status": "",
                    }
                )
        # Every seventh order is cancelled and every seventh (another) returned, so a
        # batch of five or more always holds both; the rest is left to chance.
        roll = 0.05 if index % 7 == 3 else 0.5 if index % 7 == 5 else rnd.random()
        status = (
            "CANCELLED"
            if roll < 0.1
            else "COMPLETED"
            if roll < 0.85
            else rnd.choice(["AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED"])
        )
        status = str(forced or status)
        returned = not forced and status == "COMPLETED" and (index % 7 == 5 or rnd.random() < 0.1)
        for line in lines:
            line["display_status"] = status
            if returned:
                # UNVERIFIED: a returned order stays COMPLETED, its lines carry return_status.
                line["return_status"] = "RETURN_OR_REFUND_REQUEST_COMPLETE"
        sub_total = sum(int(line["sale_price"]) for line in lines)
        order: dict[str, Any] = {
            "id": str(sandbox.store.next_id("order", 576_000_000_000_000)),
            "shop_id": core.DEMO_SHOP["id"],
            "status": status,
            "create_time": create,
            "update_time": update,
            "paid_time": create + 60,
            "payment": {
                "currency": "VND",
                "sub_total": core.money(sub_total),
                "shipping_fee": core.money(SHIPPING_COST),
                "seller_discount": "0",
                "platform_discount": "0",
                "total_amount": core.money(sub_total + SHIPPING_COST),
            },
            "line_items": lines,
            "cancel_reason": "Buyer changed their mind" if status == "CANCELLED" else "",
        }
        if status in {"COMPLETED", "DELIVERED"}:
            order["statement"] = _statement(order, returned)
        sandbox.store.put("orders", order["id"], order)
        created.append(order["id"])
    return envelope({"order_ids": created})


@control.post("/_sandbox/orders/<order_id>/status")
def set_order_status(order_id: str) -> Response:
    """{"status": ...}: the order moves to that state now."""
    sandbox = current_sandbox()
    order = sandbox.store.get("orders", order_id)
    if order is None:
        return envelope(None, core.INVALID_PARAM, "no such order", 404)
    status = str((request.get_json(silent=True) or {}).get("status", ""))
    order["status"], order["update_time"] = status, int(sandbox.clock.now())
    for line in order["line_items"]:
        line["display_status"] = status
    sandbox.store.put("orders", order_id, order)
    return envelope({"order_id": order_id, "status": status})
