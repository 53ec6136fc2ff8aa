"""Finance transactions (lazada.md §4.6)."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api
from marketplace.sandbox.lazada.wire import VN
from marketplace.sandbox.lazada.wire import int_param
from marketplace.sandbox.lazada.wire import money
from marketplace.sandbox.lazada.wire import seller_orders

FEE_TYPES = {
    "13": "Item Price Credit",
    "16": "Commission",
    "3": "Payment Fee",
    "8": "Shipping Fee (Paid By Customer)",
    "7": "Shipping Fee Paid by Seller",
    "14": "Reversal Item Price",
    "15": "Reversal Commission",
}


def _day(value: str) -> date:
    """A ``YYYY-MM-DD`` day, or error 17."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError("17", f"Invalid date format: {value}") from exc


def _wanted(call: Call, row: dict[str, Any], start: date, end: date, trans_type: str) -> bool:
    """Whether the row is in the day range and matches the optional filters."""
    day = datetime.strptime(row["transaction_date"], "%d %b %Y").date()
    if not start <= day <= end:
        return False
    if trans_type != "-1" and row["fee_type"] != trans_type:
        return False
    line = call.get("trade_order_line_id")
    return not line or row["orderItem_no"] == line


@api("/finance/transaction/details/get")
def transactions_get(call: Call) -> dict[str, Any]:
    """One page of the seller's transactions in a range under 180 days."""
    start, end = _day(call.need("start_time")), _day(call.need("end_time"))
    if end < start or (end - start).days >= 180:
        raise ApiError(
            "1000012", "The range between start_time and end_time must be under 180 days"
        )
    trans_type = call.get("trans_type", "-1")
    if trans_type != "-1" and trans_type not in FEE_TYPES:
        raise ApiError("1000014", f"Unknown trans_type {trans_type}")
    offset = int_param(call, "offset", "0", "InvalidParameter", 0, 1_000_000)
    limit = int_param(call, "limit", "500", "InvalidParameter", 1, 500)
    order_id = call.get("trade_order_id")
    rows = [
        row
        for doc in seller_orders(call)
        if not order_id or str(doc["order_id"]) == order_id
        for row in doc["transactions"]
        if _wanted(call, row, start, end, trans_type)
    ]
    return {"data": rows[offset : offset + limit]}


def transaction(
    doc: dict[str, Any], item: dict[str, Any] | None, fee_type: str, amount: float, number: int
) -> dict[str, Any]:
    """A finance row of the order, for one of its items or (None) the whole order."""
    return {
        "transaction_date": datetime.fromtimestamp(doc["updated_at"], VN).strftime("%d %b %Y"),
        "transaction_type": "Orders-Sales" if fee_type in ("13", "14") else "Orders-Lazada Fees",
        "fee_name": FEE_TYPES[fee_type],
        "fee_type": fee_type,
        "amount": money(amount),
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
