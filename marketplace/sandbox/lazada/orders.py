"""Orders and order items (lazada.md §4); finance and simulated buyers live beside it.

Importing this module registers the finance handlers and keeps the names of
``finance``, ``buyers`` and ``wire`` importable here.
"""

from __future__ import annotations

import json
from typing import Any

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.buyers import buyers
from marketplace.sandbox.lazada.buyers import simulate
from marketplace.sandbox.lazada.finance import FEE_TYPES
from marketplace.sandbox.lazada.finance import transactions_get
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api
from marketplace.sandbox.lazada.wire import VN
from marketplace.sandbox.lazada.wire import int_param
from marketplace.sandbox.lazada.wire import money
from marketplace.sandbox.lazada.wire import parse_iso
from marketplace.sandbox.lazada.wire import seller_orders
from marketplace.sandbox.lazada.wire import stamp

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


def _address(doc: dict[str, Any]) -> dict[str, str]:
    """The buyer's (fixed, masked) address."""
    return {
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


def _public_order(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored order as the API shows it."""
    address = _address(doc)
    return {
        "order_id": str(doc["order_id"]),
        "order_number": str(doc["order_id"]),
        "created_at": stamp(doc["created_at"]),
        "updated_at": stamp(doc["updated_at"]),
        "price": money(doc["price"]),
        "voucher": money(doc["voucher"]),
        "voucher_platform": "0.00",
        "voucher_seller": money(doc["voucher"]),
        "shipping_fee": money(doc["shipping_fee"]),
        "shipping_fee_original": money(doc["shipping_fee"]),
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
    """A stored order item as the API shows it."""
    return {
        "order_item_id": str(item["order_item_id"]),
        "order_id": str(doc["order_id"]),
        "name": item["name"],
        "sku": item["sku"],
        "shop_sku": item["shop_sku"],
        "sku_id": str(item["sku_id"]),
        "product_id": str(item["product_id"]),
        "item_price": money(item["item_price"]),
        "paid_price": money(item["item_price"]),
        "currency": "VND",
        "status": item["status"],
        "tracking_code": "",
        "package_id": "",
        "shipment_provider": "LEX VN",
        "shipping_type": "Dropshipping",
        "shipping_provider_type": "standard",
        "voucher_amount": "0.00",
        "created_at": stamp(doc["created_at"]),
        "updated_at": stamp(doc["updated_at"]),
        "reason": "",
        "cancel_return_initiator": "",
        "sla_time_stamp": "",
        "warehouse_code": "dropshipping",
        "is_fbl": "0",
        "product_main_image": "",
        "variation": item["variation"],
    }


def _check_sorting(call: Call) -> tuple[str, str, str]:
    """The valid ``status``, ``sort_by`` and ``sort_direction``."""
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
    return status, sort_by, direction


def _in_times(call: Call, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The orders within the create and update bounds given."""
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
    return found


@api("/orders/get")
def orders_get(call: Call) -> dict[str, Any]:
    """One page of the seller's orders, by times and status, sorted."""
    status, sort_by, direction = _check_sorting(call)
    offset = int_param(call, "offset", "0", "14", 0, 5000)
    limit = int_param(call, "limit", "100", "19", 1, 100)
    found = _in_times(call, seller_orders(call))
    if status != "all":
        found = [o for o in found if any(i["status"] == status for i in o["items"])]
    found.sort(key=lambda o: (o[sort_by], o["order_id"]), reverse=direction == "DESC")
    page = found[offset : offset + limit]
    return {
        "data": {
            "count": len(page),
            "countTotal": len(found),
            "orders": [_public_order(o) for o in page],
        }
    }


def _order(call: Call, order_id: str) -> dict[str, Any]:
    """The seller's order, or error 16."""
    doc = current_sandbox().store.get("orders", order_id) if order_id.isdigit() else None
    if doc is None or doc["seller_id"] != call.seller_id:
        raise ApiError("16", f"Invalid order id {order_id}")
    return doc


@api("/order/get")
def order_get(call: Call) -> dict[str, Any]:
    """One of the seller's orders."""
    return {"data": _public_order(_order(call, call.need("order_id")))}


@api("/order/items/get")
def order_items_get(call: Call) -> dict[str, Any]:
    """The items of one of the seller's orders."""
    doc = _order(call, call.need("order_id"))
    return {"data": [_public_item(doc, i) for i in doc["items"]]}


def _order_ids(call: Call) -> list[Any]:
    """``order_ids``: a JSON list of at most 50 ids."""
    try:
        ids = json.loads(call.need("order_ids"))
    except ValueError as exc:
        raise ApiError("56", "Invalid order_ids list format") from exc
    if not isinstance(ids, list):
        raise ApiError("56", "Invalid order_ids list format")
    if len(ids) > 50:
        raise ApiError("38", "Too many order ids: at most 50")
    return ids


@api("/orders/items/get")
def orders_items_get(call: Call) -> dict[str, Any]:
    """The items of several orders; others' and unknown orders are left out."""
    store = current_sandbox().store
    data = []
    for raw in _order_ids(call):
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


__all__ = [
    "FEE_TYPES",
    "STATUSES",
    "VN",
    "buyers",
    "order_get",
    "order_items_get",
    "orders_get",
    "orders_items_get",
    "parse_iso",
    "simulate",
    "transactions_get",
]
