"""What get_escrow_detail reports for an order (shopee.md §6.5), from its state now.

The figures follow the order: computed on every call from its status, lines and any
adjustment the control endpoint added, so a status move changes them at once.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request

from marketplace.sandbox.common import current_sandbox

Json = dict[str, Any]
control = Blueprint("shopee_payments_control", __name__, url_prefix="/_sandbox")

# UNVERIFIED (shopee.md §6.5): no rates are published in our sources; these are typical
# of Shopee Vietnam's fixed fee, service programme fee and payment fee on the goods' price.
COMMISSION, SERVICE, TRANSACTION = 0.05, 0.03, 0.04
# UNVERIFIED (shopee.md §6.5 escrow_tax/withholding_tax): 1 % VAT and 0.5 % personal
# income tax withheld for household sellers (Vietnam's Decree 117/2025).
VAT, PIT = 0.01, 0.005
# UNVERIFIED (shopee.md §6.5 shipping fields): what the carrier charges and what
# Shopee's free-shipping programme pays of it; the seller bears the rest.
SHIPPING, REBATE = 22_000, 15_000
# The order's money is settled for good in these states (after_adjustment present).
FINAL = frozenset({"COMPLETED", "CANCELLED", "TO_RETURN"})


def income(order: Json) -> Json:
    """order_income: escrow_amount = selling − fees − taxes − shipping + refund + adjustments."""
    status = order["order_status"]
    lines = order["item_list"]
    selling = float(sum(x["model_discounted_price"] * x["model_quantity_purchased"] for x in lines))
    figures = _zero() | {"order_original_price": selling, "original_cost_of_goods_sold": selling}
    if status in ("UNPAID", "CANCELLED"):
        pass  # nothing was paid, or all of it went back to the buyer: settles to 0
    elif status == "TO_RETURN":
        # The buyer got everything back; Shopee waives its fees on a full return.
        figures |= _selling(selling) | {"seller_return_refund": -selling}
    else:
        figures |= _selling(selling) | _charges(selling)
    adjustments = order.get("order_adjustment") or []
    total_adjustment = float(sum(a["amount"] for a in adjustments))
    escrow = (
        figures["order_selling_price"]
        - sum(figures[k] for k in _COSTS)
        - (figures["actual_shipping_fee"] - figures["shopee_shipping_rebate"])
        + figures["seller_return_refund"]
    )
    figures |= {
        "escrow_amount": escrow,
        "order_adjustment": adjustments,
        "total_adjustment_amount": total_adjustment,
    }
    if status in FINAL:
        figures["escrow_amount_after_adjustment"] = escrow + total_adjustment
    return figures


_COSTS = (
    "commission_fee",
    "service_fee",
    "seller_transaction_fee",
    "escrow_tax",
    "withholding_tax",
)


def _selling(selling: float) -> Json:
    return {
        "buyer_total_amount": selling,
        "order_selling_price": selling,
        "order_discounted_price": selling,
        "cost_of_goods_sold": selling,
    }


def _charges(selling: float) -> Json:
    return {
        "commission_fee": float(round(selling * COMMISSION)),
        "service_fee": float(round(selling * SERVICE)),
        "seller_transaction_fee": float(round(selling * TRANSACTION)),
        "escrow_tax": float(round(selling * VAT)),
        "withholding_tax": float(round(selling * PIT)),
        "estimated_shipping_fee": float(SHIPPING),
        "actual_shipping_fee": float(SHIPPING),
        "final_shipping_fee": float(SHIPPING),
        "shopee_shipping_rebate": float(REBATE),
    }


def _zero() -> Json:
    names = (
        "buyer_total_amount order_selling_price order_discounted_price cost_of_goods_sold "
        "seller_discount shopee_discount voucher_from_seller voucher_from_shopee coins "
        "commission_fee service_fee seller_transaction_fee buyer_transaction_fee "
        "credit_card_transaction_fee campaign_fee buyer_paid_shipping_fee "
        "estimated_shipping_fee final_shipping_fee actual_shipping_fee shopee_shipping_rebate "
        "reverse_shipping_fee seller_return_refund drc_adjustable_refund escrow_tax "
        "withholding_tax order_ams_commission_fee"
    )
    return dict.fromkeys(names.split(), 0.0)


@control.post("/orders/<order_sn>/adjustments")
def adjust(order_sn: str) -> Response:
    """{"amount": đồng, "reason": ...}: Shopee adjusts the order's income (signed), now."""
    sandbox = current_sandbox()
    order = sandbox.store.get("orders", order_sn)
    if order is None:
        response = jsonify(error="no such order")
        response.status_code = 404
        return response
    data = request.get_json(silent=True) or {}
    now = int(sandbox.clock.now())
    order.setdefault("order_adjustment", []).append(
        {
            "amount": float(data.get("amount") or 0),
            "date": now,
            "currency": "VND",
            "adjustment_reason": str(data.get("reason") or "Adjustment"),
        }
    )
    order["update_time"] = now
    sandbox.store.put("orders", order_sn, order)
    return jsonify(order_sn=order_sn, order_income=income(order))
