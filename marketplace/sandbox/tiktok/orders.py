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
# UNVERIFIED (tiktok.md §5): no rates are published in our sources. Commission and
# payment fee on the goods' subtotal, the seller's part of shipping, and the 1 % VAT +
# 0.5 % PIT withheld from household sellers (Vietnam's Decree 117/2025).
COMMISSION_RATE = 0.04
TRANSACTION_RATE = 0.05
VAT_RATE, PIT_RATE = 0.01, 0.005
# UNVERIFIED (tiktok.md §5): a delivered order has a statement still being processed;
# a completed one is paid out, and its statement no longer changes.
STATEMENT_STATUS = {"DELIVERED": "PROCESSING", "COMPLETED": "PAID"}


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
    # The statement follows the order as it is now: none before delivery or when cancelled.
    rows = [_statement(order)] if order["status"] in STATEMENT_STATUS else []
    return envelope({"order_id": order_id, "currency": "VND", "statement_transactions": rows})


def _statement(order: dict[str, Any]) -> dict[str, Any]:
    subtotal = int(order["payment"]["sub_total"])
    units = order["line_items"]
    returned = sum(int(line["sale_price"]) for line in units if line.get("return_status"))
    kept = subtotal - returned
    commission, transaction = round(kept * COMMISSION_RATE), round(kept * TRANSACTION_RATE)
    vat, pit = round(kept * VAT_RATE), round(kept * PIT_RATE)
    settlement = kept - commission - transaction - vat - pit - SHIPPING_COST
    return {
        "id": f"st{order['id']}",
        "statement_time": order["update_time"],
        "status": STATEMENT_STATUS[order["status"]],
        "revenue_amount": core.money(kept),
        "revenue_breakdown": {
            "subtotal_after_seller_discounts_amount": core.money(subtotal),
            "refund_subtotal_after_seller_discounts_amount": core.money(-returned),
        },
        "fee_tax_amount": core.money(-(commission + transaction + vat + pit)),
        "shipping_cost_amount": core.money(-SHIPPING_COST),
        "settlement_amount": core.money(settlement),
        "fee_tax_breakdown": {
            "fee": {
                "platform_commission_amount": core.money(-commission),
                "transaction_fee_amount": core.money(-transaction),
            },
            "tax": {"vat_amount": core.money(-vat), "pit_amount": core.money(-pit)},
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
            # Masked as the platform does; the connector keeps only province and district.
            "recipient_address": {
                "name": "N*** T*** L**",
                "phone_number": "(+84)*****321",
                "address_detail": "****",
                "district_info": [
                    {
                        "address_level": "L0",
                        "address_level_name": "Country",
                        "address_name": "Việt Nam",
                    },
                    {
                        "address_level": "L1",
                        "address_level_name": "Province",
                        "address_name": "Sơn La",
                    },
                    {
                        "address_level": "L2",
                        "address_level_name": "District",
                        "address_name": "Mai Sơn",
                    },
                    {
                        "address_level": "L3",
                        "address_level_name": "Ward",
                        "address_name": "Chiềng Mung",
                    },
                ],
            },
            "cancel_reason": "Buyer changed their mind" if status == "CANCELLED" else "",
        }
        sandbox.store.put("orders", order["id"], order)
        created.append(order["id"])
    return envelope({"order_ids": created})


@control.post("/_sandbox/orders/<order_id>/status")
def set_order_status(order_id: str) -> Response:
    """{"status": ..., "returned": n}: the order moves to that state now; ``returned``
    units (line items) come back from the buyer."""
    sandbox = current_sandbox()
    order = sandbox.store.get("orders", order_id)
    if order is None:
        return envelope(None, core.INVALID_PARAM, "no such order", 404)
    body = request.get_json(silent=True) or {}
    status = str(body.get("status", ""))
    order["status"], order["update_time"] = status, int(sandbox.clock.now())
    returned = int(body.get("returned") or 0)
    for line in order["line_items"]:
        line["display_status"] = status
        if returned > 0 and not line.get("return_status"):
            line["return_status"] = "RETURN_OR_REFUND_REQUEST_COMPLETE"
            returned -= 1
    sandbox.store.put("orders", order_id, order)
    return envelope({"order_id": order_id, "status": status})
