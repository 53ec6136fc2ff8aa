"""Orders and payments (shopee.md §6), and the simulated buyers that create them."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee.gateway import DEMO_SHOP_ID
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import arg_int
from marketplace.sandbox.shopee.gateway import envelope
from marketplace.sandbox.shopee.gateway import verify
from marketplace.sandbox.shopee.payments import income

bp = Blueprint("shopee_orders", __name__)
control = Blueprint("shopee_control", __name__, url_prefix="/_sandbox")
WINDOW = 15 * 86_400  # §6.1
Json = dict[str, Any]


def _orders(shop_id: int) -> list[Json]:
    return [o for o in current_sandbox().store.all("orders") if o["shop_id"] == shop_id]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        return int(text.removeprefix("o:"))
    except ValueError:
        raise ApiError("error_param", "Wrong parameters, detail: cursor is invalid.") from None


@bp.get("/api/v2/order/get_order_list")
def get_order_list() -> Response:
    caller = verify("shop")
    field = request.args.get("time_range_field", "")
    if field not in ("create_time", "update_time"):
        raise ApiError("error_param", "Wrong parameters, detail: time_range_field is invalid.")
    time_from, time_to = arg_int("time_from"), arg_int("time_to")
    # UNVERIFIED (shopee.md §6.1): both ends inclusive; time_to − time_from ≤ 15 days.
    if time_from > time_to or time_to - time_from > WINDOW:
        raise ApiError(
            "order.order_list_invalid_time",
            "Start time must be earlier than end time and diff in 15days.",
        )
    page_size = arg_int("page_size")
    if not 1 <= page_size <= 100:
        raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1-100.")
    status = request.args.get("order_status", "")
    offset = _offset(request.args.get("cursor", ""))
    matching = sorted(
        (
            o
            for o in _orders(caller.shop_id)
            if time_from <= o[field] <= time_to and (not status or o["order_status"] == status)
        ),
        key=lambda o: (o[field], o["order_sn"]),
    )
    page = matching[offset : offset + page_size]
    more = offset + page_size < len(matching)
    with_status = "order_status" in request.args.get("response_optional_fields", "")
    return envelope(
        {
            "more": more,
            "next_cursor": _cursor(offset + page_size) if more else "",
            "order_list": [
                {"order_sn": o["order_sn"], "booking_sn": ""}
                | ({"order_status": o["order_status"]} if with_status else {})
                for o in page
            ],
        }
    )


DEFAULT_FIELDS = (
    "order_sn",
    "region",
    "currency",
    "cod",
    "order_status",
    "message_to_seller",
    "create_time",
    "update_time",
    "days_to_ship",
    "ship_by_date",
    "booking_sn",
    "advance_package",
)


@bp.get("/api/v2/order/get_order_detail")
def get_order_detail() -> Response:
    caller = verify("shop")
    store = current_sandbox().store
    sns = [s for s in request.args.get("order_sn_list", "").split(",") if s.strip()]
    if not 1 <= len(sns) <= 50:
        raise ApiError("error_param", "Wrong parameters, detail: order_sn_list must be 1-50.")
    optional = {f.strip() for f in request.args.get("response_optional_fields", "").split(",")}
    found = []
    for sn in sns:
        order = store.get("orders", sn.strip())
        if order is None or order["shop_id"] != caller.shop_id:
            continue
        # Optional fields only when asked for (shopee.md §6.2 FAQ).
        found.append({k: v for k, v in order.items() if k in DEFAULT_FIELDS or k in optional})
    # UNVERIFIED (shopee.md §6.2): unknown order_sn are skipped; only when none is found
    # does the call fail with error_not_found.
    if not found:
        raise ApiError("error_not_found", "Wrong parameters, detail: the order is not found.")
    return envelope({"order_list": found})


@bp.get("/api/v2/payment/get_escrow_detail")
def get_escrow_detail() -> Response:
    caller = verify("shop")
    sn = request.args.get("order_sn", "")
    if not sn:
        raise ApiError("error_param", "Wrong parameters, detail: order_sn is required.")
    order = current_sandbox().store.get("orders", sn)
    if order is None or order["shop_id"] != caller.shop_id:
        raise ApiError("error_not_found", "Wrong parameters, detail: the order is not found.")
    return envelope(
        {
            "order_sn": sn,
            "buyer_user_name": order["buyer_username"],
            "return_order_sn_list": order["return_order_sn_list"],
            "order_income": income(order),
        }
    )


@bp.get("/api/v2/payment/get_escrow_list")
def get_escrow_list() -> Response:
    caller = verify("shop")
    time_from, time_to = arg_int("release_time_from"), arg_int("release_time_to")
    page_size = arg_int("page_size", required=False, default=40)
    page_no = arg_int("page_no", required=False, default=1)
    if not 1 <= page_size <= 100 or page_no < 1:
        raise ApiError("error_param", "Wrong parameters, detail: page_size or page_no invalid.")
    released = [
        o
        for o in _orders(caller.shop_id)
        if o["order_status"] == "COMPLETED" and time_from <= o["update_time"] <= time_to
    ]
    start = (page_no - 1) * page_size
    return envelope(
        {
            "escrow_list": [
                {
                    "order_sn": o["order_sn"],
                    "payout_amount": income(o)["escrow_amount"],
                    "escrow_release_time": o["update_time"],
                }
                for o in released[start : start + page_size]
            ],
            "more": start + page_size < len(released),
        }
    )


# -- control: simulated buyers, partner apps ----------------------------------------------
def _listed(shop_id: int, skus: list[str]) -> list[tuple[Json, Json | None, str]]:
    """(item, model or None, sku) for every live listing carrying one of ``skus``."""
    wanted = set(skus)
    found = []
    for item in current_sandbox().store.all("items"):
        if item["shop_id"] != shop_id or item["item_status"] != "NORMAL":
            continue
        if item["model"]:
            found += [(item, m, m["model_sku"]) for m in item["model"] if m["model_sku"] in wanted]
        elif item.get("item_sku") in wanted:
            found.append((item, None, item["item_sku"]))
    return found


def _order_sn(created: float) -> str:
    day = datetime.fromtimestamp(created, tz=UTC).strftime("%y%m%d")
    return f"{day}{secrets.token_hex(4).upper()[:7]}"


@control.post("/buyers")
def buyers() -> Response:
    """Create ``count`` orders for the listed ``skus`` over the last ``days`` days."""
    sandbox = current_sandbox()
    data = request.get_json(silent=True) or {}
    shop_id = int(data.get("shop_id") or DEMO_SHOP_ID)
    count, days = int(data.get("count") or 1), float(data.get("days") or 1)
    listings = _listed(shop_id, [str(s) for s in data.get("skus") or []])
    if not listings:
        response = jsonify(error="no live listing carries these SKUs")
        response.status_code = 400
        return response
    rnd, now = sandbox.random, sandbox.clock.now()
    statuses = ["COMPLETED"] * 4 + ["SHIPPED", "READY_TO_SHIP", "CANCELLED", "TO_RETURN"]
    # {"status": ..., "quantity": n}: one order placed now, in that state (stock tests).
    forced, quantity = data.get("status"), data.get("quantity")
    if forced:
        days = 0
    created_sns = []
    for n in range(count):
        created = int(now - rnd.uniform(0, days * 86_400))
        updated = int(min(now, created + rnd.uniform(0, 2 * 86_400)))
        # Cover every state at least once, then at random.
        status = forced or (statuses[n] if n < len(statuses) else rnd.choice(statuses))
        lines = []
        for item, model, _sku in rnd.sample(listings, k=min(len(listings), rnd.randint(1, 2))):
            price = (model or item)["original_price"]
            lines.append(
                {
                    "item_id": item["item_id"],
                    "item_name": item["item_name"],
                    "item_sku": item.get("item_sku", ""),
                    "model_id": model["model_id"] if model else 0,
                    "model_name": "",
                    "model_sku": model["model_sku"] if model else "",
                    "model_quantity_purchased": int(quantity or rnd.randint(1, 3)),
                    "model_original_price": price,
                    "model_discounted_price": price,
                    "order_item_id": sandbox.store.next_id("shopee_order_item", 70_000_001),
                    "weight": float(item["weight"]),
                    "promotion_type": "",
                    "promotion_id": 0,
                    "add_on_deal": False,
                    "main_item": False,
                    "wholesale": False,
                }
            )
        selling = sum(x["model_discounted_price"] * x["model_quantity_purchased"] for x in lines)
        sn = _order_sn(created)
        order = {
            "order_sn": sn,
            "shop_id": shop_id,
            "region": "VN",
            "currency": "VND",
            "cod": rnd.random() < 0.3,
            "order_status": status,
            "message_to_seller": "",
            "create_time": created,
            "update_time": updated,
            "days_to_ship": 2,
            "ship_by_date": created + 2 * 86_400,
            "booking_sn": "",
            "advance_package": False,
            "item_list": lines,
            "total_amount": float(selling),
            "pay_time": created + 60,
            "buyer_username": f"buyer{rnd.randint(1000, 9999)}",
            "buyer_user_id": rnd.randint(10_000_000, 99_999_999),
            "cancel_by": "buyer" if status == "CANCELLED" else "",
            "cancel_reason": "Change of mind" if status == "CANCELLED" else "",
            "return_order_sn_list": [f"R{sn}"] if status == "TO_RETURN" else [],
            # Masked as Shopee does; the connector keeps only the province and district.
            "recipient_address": {
                "name": "N****n T*** L**",
                "phone": "84******321",
                "town": "",
                "district": "Chiềng Mung",
                "city": "Mai Sơn",
                "state": "Sơn La",
                "region": "VN",
                "zipcode": "",
                "full_address": "****, Chiềng Mung, Mai Sơn, Sơn La",
            },
        }
        sandbox.store.put("orders", sn, order)
        created_sns.append(sn)
    return jsonify(order_sn_list=created_sns)


@control.post("/orders/<order_sn>/status")
def set_order_status(order_sn: str) -> Response:
    """{"status": ...}: the buyer paid, the seller shipped, someone cancelled — now."""
    store = current_sandbox().store
    order = store.get("orders", order_sn)
    if order is None:
        response = jsonify(error="no such order")
        response.status_code = 404
        return response
    order["order_status"] = str((request.get_json(silent=True) or {}).get("status", ""))
    order["update_time"] = int(current_sandbox().clock.now())
    store.put("orders", order_sn, order)
    return jsonify(order_sn=order_sn, order_status=order["order_status"])


@control.route("/apps", methods=["GET", "POST"])
def apps() -> Response:
    """List partner apps, or register one: {partner_id?, partner_key?, name?}."""
    store = current_sandbox().store
    if request.method == "POST":
        data = request.get_json(silent=True) or {}
        partner_id = int(data.get("partner_id") or store.next_id("shopee_partner", 3_000_001))
        app = {
            "partner_id": partner_id,
            "partner_key": str(data.get("partner_key") or secrets.token_hex(32)),
            "name": str(data.get("name") or f"App {partner_id}"),
        }
        store.put("apps", str(partner_id), app)
        return jsonify(app)
    return jsonify(apps=store.all("apps"))
