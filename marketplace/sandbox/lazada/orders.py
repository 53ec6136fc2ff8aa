"""Orders, order items and finance transactions (lazada.md §4), and simulated buyers."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import request

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.data import SELLER
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api

buyers = Blueprint("lazada_buyers", __name__)
VN = timezone(timedelta(hours=7))
STATUSES = {
    "all",
    "unpaid",
    "pending",
    "packed",
    "canceled",
    "ready_to_ship",
    "delivered",
    "returned",
    "shipped",
    "failed",
    "topack",
    "toship",
    "shipping",
    "lost",
    "lost_by_3pl",
    "damaged_by_3pl",
    "failed_delivery",
    "shipped_back",
    "shipped_back_success",
    "shipped_back_failed",
    "package_scrapped",
}
FEE_TYPES = {
    "13": "Item Price Credit",
    "16": "Commission",
    "3": "Payment Fee",
    "8": "Shipping Fee (Paid By Customer)",
    "7": "Shipping Fee Paid by Seller",
    "14": "Reversal Item Price",
    "15": "Reversal Commission",
}


def parse_iso(value: str) -> float:
    """``YYYY-MM-DDTHH:mm:ss±HH:MM`` as epoch seconds, or error 17 (lazada.md §4.1)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ApiError("17", f"Invalid date format: {value}") from exc
    if moment.tzinfo is None:
        raise ApiError("17", f"Invalid date format, the offset is missing: {value}")
    return moment.timestamp()


def _stamp(seconds: float) -> str:
    # UNVERIFIED (lazada.md §4.1): the docs give no format; Lazada's "2026-01-02 10:00:00 +0700".
    return datetime.fromtimestamp(seconds, VN).strftime("%Y-%m-%d %H:%M:%S %z")


def _money(value: float) -> str:
    return f"{value:.2f}"


def _public_order(doc: dict[str, Any]) -> dict[str, Any]:
    address = {
        "first_name": doc["customer"],
        "last_name": "",
        "phone": "84*****321",
        "phone2": "",
        "address1": "Tiểu khu 2",
        "address2": "",
        "address3": "Sơn La",
        "address4": "Mai Sơn",
        "address5": "Chiềng Mung",
        "city": "Sơn La",
        "post_code": "",
        "country": "Vietnam",
        "addressDsitrict": "Mai Sơn",
    }
    return {
        "order_id": str(doc["order_id"]),
        "order_number": str(doc["order_id"]),
        "created_at": _stamp(doc["created_at"]),
        "updated_at": _stamp(doc["updated_at"]),
        "price": _money(doc["price"]),
        "voucher": _money(doc["voucher"]),
        "voucher_platform": "0.00",
        "voucher_seller": _money(doc["voucher"]),
        "shipping_fee": _money(doc["shipping_fee"]),
        "shipping_fee_original": _money(doc["shipping_fee"]),
        "shipping_fee_discount_seller": "0.00",
        "shipping_fee_discount_platform": "0.00",
        "payment_method": doc["payment_method"],
        "items_count": str(len(doc["items"])),
        "statuses": sorted({i["status"] for i in doc["items"]}),
        "customer_first_name": doc["customer"],
        "customer_last_name": "",
        "address_billing": address,
        "address_shipping": address,
        "tax_code": "",
        "branch_number": "",
        "remarks": "",
        "gift_option": "0",
        "gift_message": "",
        "delivery_info": "",
        "warehouse_code": "dropshipping",
        "buyer_note": "",
        "need_cancel_confirm": "false",
        "is_cancel_pending": "false",
    }


def _public_item(doc: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    return {
        "order_item_id": str(item["order_item_id"]),
        "order_id": str(doc["order_id"]),
        "name": item["name"],
        "sku": item["sku"],
        "shop_sku": item["shop_sku"],
        "sku_id": str(item["sku_id"]),
        "product_id": str(item["product_id"]),
        "item_price": _money(item["item_price"]),
        "paid_price": _money(item["item_price"]),
        "currency": "VND",
        "status": item["status"],
        "tracking_code": "",
        "package_id": "",
        "shipment_provider": "LEX VN",
        "shipping_type": "Dropshipping",
        "shipping_provider_type": "standard",
        "voucher_amount": "0.00",
        "created_at": _stamp(doc["created_at"]),
        "updated_at": _stamp(doc["updated_at"]),
        "reason": "",
        "cancel_return_initiator": "",
        "sla_time_stamp": "",
        "warehouse_code": "dropshipping",
        "is_fbl": "0",
        "product_main_image": "",
        "variation": item["variation"],
    }


def _int(call: Call, name: str, default: str, code: str, low: int, high: int) -> int:
    try:
        value = int(call.get(name, default))
    except ValueError as exc:
        raise ApiError(code, f"Invalid {name}") from exc
    if not low <= value <= high:
        raise ApiError(code, f"Invalid {name}: must be between {low} and {high}")
    return value


def _seller_orders(call: Call) -> list[dict[str, Any]]:
    return [o for o in current_sandbox().store.all("orders") if o["seller_id"] == call.seller_id]


@api("/orders/get")
def orders_get(call: Call) -> dict[str, Any]:
    if not call.get("created_after") and not call.get("update_after"):
        raise ApiError("MissingParameter", "created_after or update_after is mandatory")
    status = call.get("status", "all")
    if status not in STATUSES:
        raise ApiError("36", f"Invalid status {status}")
    sort_by = call.get("sort_by", "created_at")
    if sort_by not in ("created_at", "updated_at"):
        raise ApiError("74", "Invalid sort_by")
    direction = call.get("sort_direction", "DESC")
    if direction not in ("ASC", "DESC"):
        raise ApiError("75", "Invalid sort_direction")
    offset = _int(call, "offset", "0", "14", 0, 5000)
    limit = _int(call, "limit", "100", "19", 1, 100)
    found = _seller_orders(call)
    # UNVERIFIED (lazada.md §4.1): "after" bounds are inclusive, "before" bounds exclusive.
    for name, key, after in (
        ("created_after", "created_at", True),
        ("created_before", "created_at", False),
        ("update_after", "updated_at", True),
        ("update_before", "updated_at", False),
    ):
        if call.get(name):
            bound = parse_iso(call.get(name))
            found = [o for o in found if (o[key] >= bound) == after]
    if status != "all":
        found = [o for o in found if any(i["status"] == status for i in o["items"])]
    key = "created_at" if sort_by == "created_at" else "updated_at"
    found.sort(key=lambda o: (o[key], o["order_id"]), reverse=direction == "DESC")
    page = found[offset : offset + limit]
    return {
        "data": {
            "count": len(page),
            "countTotal": len(found),
            "orders": [_public_order(o) for o in page],
        }
    }


def _order(call: Call, order_id: str) -> dict[str, Any]:
    doc = current_sandbox().store.get("orders", order_id) if order_id.isdigit() else None
    if doc is None or doc["seller_id"] != call.seller_id:
        raise ApiError("16", f"Invalid order id {order_id}")
    return doc


@api("/order/get")
def order_get(call: Call) -> dict[str, Any]:
    return {"data": _public_order(_order(call, call.need("order_id")))}


@api("/order/items/get")
def order_items_get(call: Call) -> dict[str, Any]:
    doc = _order(call, call.need("order_id"))
    return {"data": [_public_item(doc, i) for i in doc["items"]]}


@api("/orders/items/get")
def orders_items_get(call: Call) -> dict[str, Any]:
    try:
        ids = json.loads(call.need("order_ids"))
    except ValueError as exc:
        raise ApiError("56", "Invalid order_ids list format") from exc
    if not isinstance(ids, list):
        raise ApiError("56", "Invalid order_ids list format")
    if len(ids) > 50:
        raise ApiError("38", "Too many order ids: at most 50")
    store = current_sandbox().store
    data = []
    for raw in ids:
        if not str(raw).isdigit():
            raise ApiError("37", f"Invalid order id {raw}")
        doc = store.get("orders", str(raw))
        if doc is None or doc["seller_id"] != call.seller_id:
            continue
        data.append(
            {
                "order_id": str(doc["order_id"]),
                "order_number": str(doc["order_id"]),
                "order_items": [_public_item(doc, i) for i in doc["items"]],
            }
        )
    if not data:
        raise ApiError("39", "No orders found")
    return {"data": data}


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError("17", f"Invalid date format: {value}") from exc


@api("/finance/transaction/details/get")
def transactions_get(call: Call) -> dict[str, Any]:
    start, end = _day(call.need("start_time")), _day(call.need("end_time"))
    if end < start or (end - start).days >= 180:
        raise ApiError(
            "1000012", "The range between start_time and end_time must be under 180 days"
        )
    trans_type = call.get("trans_type", "-1")
    if trans_type != "-1" and trans_type not in FEE_TYPES:
        raise ApiError("1000014", f"Unknown trans_type {trans_type}")
    offset = _int(call, "offset", "0", "InvalidParameter", 0, 1_000_000)
    limit = _int(call, "limit", "500", "InvalidParameter", 1, 500)
    rows = []
    for doc in _seller_orders(call):
        if call.get("trade_order_id") and str(doc["order_id"]) != call.get("trade_order_id"):
            continue
        for row in doc["transactions"]:
            day = datetime.strptime(row["transaction_date"], "%d %b %Y").date()
            if not start <= day <= end:
                continue
            if trans_type != "-1" and row["fee_type"] != trans_type:
                continue
            if call.get("trade_order_line_id") and row["orderItem_no"] != call.get(
                "trade_order_line_id"
            ):
                continue
            rows.append(row)
    return {"data": rows[offset : offset + limit]}


# -- simulated buyers --------------------------------------------------------------------
_NAMES = ("Nguyễn Thị Lan", "Trần Văn Minh", "Lò Thị Xuân", "Cầm Văn Thắng", "Phạm Thu Hà")


def _transaction(
    doc: dict[str, Any], item: dict[str, Any] | None, fee_type: str, amount: float, number: int
) -> dict[str, Any]:
    return {
        "transaction_date": datetime.fromtimestamp(doc["updated_at"], VN).strftime("%d %b %Y"),
        "transaction_type": "Orders-Sales" if fee_type in ("13", "14") else "Orders-Lazada Fees",
        "fee_name": FEE_TYPES[fee_type],
        "fee_type": fee_type,
        "amount": _money(amount),
        "VAT_in_amount": "0.00",
        "WHT_amount": "0.00",
        "WHT_included_in_amount": "false",
        "statement": datetime.fromtimestamp(doc["updated_at"], VN).strftime("%d %b %Y - Week"),
        "paid_status": "Not paid",
        "order_no": str(doc["order_id"]),
        "orderItem_no": str(item["order_item_id"]) if item else "",
        "orderItem_status": item["status"] if item else "",
        "seller_sku": item["sku"] if item else "",
        "lazada_sku": item["shop_sku"] if item else "",
        "shipping_provider": "LEX VN",
        "shipping_speed": "Standard",
        "shipment_type": "Dropshipping",
        "reference": "",
        "comment": "",
        "payment_ref_id": "",
        "transaction_number": f"T{number}",
        "details": "",
    }


@buyers.post("/_sandbox/buyers")
def simulate() -> Response:
    """``{"skus": [...], "count": n, "days": d}``: orders for listed SKUs over the last d days."""
    body = request.get_json(silent=True) or {}
    sandbox = current_sandbox()
    store, rng, now = sandbox.store, sandbox.random, sandbox.clock.now()
    listed = []
    for seller_sku in body.get("skus") or []:
        index = store.get("sku_index", f"{SELLER['seller_id']}:{seller_sku}")
        if index is None:
            continue
        product = store.get("products", str(index["item_id"]))
        if product is None or product["status"] != "Active":
            continue
        sku = next(s for s in product["skus"] if s["SkuId"] == index["sku_id"])
        listed.append((product, sku))
    if not listed:
        abort(400, "none of the SKUs is listed")
    days, created_ids = float(body.get("days", 30)), []
    for _ in range(int(body.get("count", 1))):
        created = now - rng.random() * days * 86400
        updated = min(now, created + rng.random() * 3 * 86400)
        roll = rng.random()
        status = (
            "canceled"
            if roll < 0.15
            else "returned"
            if roll < 0.25
            else "delivered"
            if roll < 0.65
            else "shipped"
            if roll < 0.8
            else "pending"
        )
        order_id = store.next_id("lazada_order", 512_000_000_000)
        items = []
        for _unit in range(rng.randint(1, 3)):
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
            "transactions": [],
        }
        if status != "canceled":
            rows, number = doc["transactions"], order_id * 10
            for item in items:
                commission = round(item["item_price"] * 0.05)
                rows.append(_transaction(doc, item, "13", item["item_price"], number := number + 1))
                rows.append(_transaction(doc, item, "16", -commission, number := number + 1))
                rows.append(
                    _transaction(
                        doc, item, "3", -round(item["item_price"] * 0.02), number := number + 1
                    )
                )
                if status == "returned":
                    rows.append(
                        _transaction(doc, item, "14", -item["item_price"], number := number + 1)
                    )
                    rows.append(_transaction(doc, item, "15", commission, number := number + 1))
            rows.append(_transaction(doc, None, "7", -12_000.0, number + 1))
        store.put("orders", str(order_id), doc)
        created_ids.append(str(order_id))
    return jsonify(order_ids=created_ids, at=datetime.fromtimestamp(now, UTC).isoformat())
