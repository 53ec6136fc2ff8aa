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
    # UNVERIFIED (lazada.md §4.6): the ids and names of the tax lines are not documented;
    # Lazada Vietnam withholds VAT and personal income tax of household sellers.
    "101": "Withholding Tax - VAT",
    "102": "Withholding Tax - PIT",
}
# UNVERIFIED (lazada.md §4.6): no rates are published in our sources. Commission and
# payment fee on the item price, the seller's part of shipping per order, and the
# 1 % VAT + 0.5 % PIT withheld from household sellers (Vietnam's Decree 117/2025).
COMMISSION, PAYMENT_FEE, SELLER_SHIPPING = 0.05, 0.02, 12_000.0
VAT, PIT = 0.01, 0.005
# Item states with money: shipped ones are an estimate, delivered and returned ones paid.
_SETTLING = {"shipped", "shipping", "delivered", "returned", "shipped_back_success"}
_PAID = {"delivered", "returned", "shipped_back_success"}
_RETURNED = {"returned", "shipped_back_success"}


_TRANSACTION_TYPES = {"13": "Orders-Sales", "14": "Orders-Sales", "101": "Tax", "102": "Tax"}


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
        for row in rows_of(doc)
        if _wanted(call, row, start, end, trans_type)
    ]
    return {"data": rows[offset : offset + limit]}


def rows_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's finance rows as its items stand now: price, commission, payment fee,
    taxes, their reversals for returned units, and the seller's shipping. A cancelled or
    unshipped order has none."""
    rows: list[dict[str, Any]] = []
    number = doc["order_id"] * 100
    settling = [i for i in doc["items"] if i["status"] in _SETTLING]
    for item in settling:
        price = item["item_price"]
        charges = [
            ("13", price),
            ("16", -round(price * COMMISSION)),
            ("3", -round(price * PAYMENT_FEE)),
            ("101", -round(price * VAT)),
            ("102", -round(price * PIT)),
        ]
        if item["status"] in _RETURNED:  # everything but the payment fee comes back
            charges += [("14", -price), ("15", round(price * COMMISSION))]
            charges += [("101", round(price * VAT)), ("102", round(price * PIT))]
        for fee_type, amount in charges:
            number += 1
            rows.append(transaction(doc, item, fee_type, amount, number))
    if settling:
        rows.append(transaction(doc, None, "7", -SELLER_SHIPPING, number + 1))
    paid = bool(settling) and all(i["status"] in _PAID for i in settling)
    for row in rows:
        row["paid_status"] = "Paid" if paid else "Not paid"
    return rows


def transaction(
    doc: dict[str, Any], item: dict[str, Any] | None, fee_type: str, amount: float, number: int
) -> dict[str, Any]:
    """A finance row of the order, for one of its items or (None) the whole order."""
    return {
        "transaction_date": datetime.fromtimestamp(doc["updated_at"], VN).strftime("%d %b %Y"),
        "transaction_type": _TRANSACTION_TYPES.get(fee_type, "Orders-Lazada Fees"),
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
