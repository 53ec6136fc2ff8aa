"""Orders and their settlements (shopee.md §6)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.shopee.client import chunks
from marketplace.connectors.shopee.client import utc
from marketplace.connectors.shopee.errors import money_in
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import Page
from marketplace.connectors.types import Settlement

ORDER_PAGE = 100  # get_order_list page_size max (§6.1)
ORDER_DETAIL_BATCH = 50  # get_order_detail order_sn per call (§6.2)
ORDER_STATUS = {
    "UNPAID": OrderStatus.UNPAID,
    "PENDING": OrderStatus.UNPAID,
    "INVOICE_PENDING": OrderStatus.UNPAID,
    "READY_TO_SHIP": OrderStatus.TO_SHIP,
    "PROCESSED": OrderStatus.TO_SHIP,
    "RETRY_SHIP": OrderStatus.TO_SHIP,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.SHIPPED,
    "COMPLETED": OrderStatus.COMPLETED,
    "IN_CANCEL": OrderStatus.CANCELLED,
    "CANCELLED": OrderStatus.CANCELLED,
    "TO_RETURN": OrderStatus.RETURNED,
}
# order_income fields that are costs to the seller (positive = cost) -> our fee names.
FEE_FIELDS = {
    "commission_fee": "commission",
    "service_fee": "service",
    "seller_transaction_fee": "transaction",
    "campaign_fee": "campaign",
    "order_ams_commission_fee": "affiliate",
    "escrow_tax": "tax",
    "withholding_tax": "withholding_tax",
    "reverse_shipping_fee": "reverse_shipping",
}
DETAIL_FIELDS = "item_list,total_amount,pay_time,buyer_username,cancel_by,cancel_reason"


class OrdersMixin(ShopeeClient):
    """get_order_list, get_order_detail and get_escrow_detail."""

    order_page_size: ClassVar[int] = ORDER_PAGE

    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        """get_order_list by update_time; Shopee's window is inclusive, ours is [from, to)."""
        start = math.ceil(updated_from.timestamp())
        # UNVERIFIED (shopee.md §6.1): both ends are inclusive in the sandbox, so we ask
        # for [from, to − 1 s] to keep consecutive windows from overlapping.
        end = math.ceil(updated_to.timestamp()) - 1
        if end - start > self.order_window_days * 86_400:
            raise Rejected("order window longer than 15 days", field="updated_to")
        answer = self._get(
            "/api/v2/order/get_order_list",
            time_range_field="update_time",
            time_from=start,
            time_to=end,
            page_size=self.order_page_size,
            cursor=cursor or "",
        )
        ids = [str(o["order_sn"]) for o in answer.get("order_list") or []]
        following = str(answer.get("next_cursor") or "") if answer.get("more") else ""
        return Page(items=ids, next_cursor=following or None)

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for chunk in chunks(list(order_ids), ORDER_DETAIL_BATCH):
            answer = self._get(
                "/api/v2/order/get_order_detail",
                order_sn_list=",".join(chunk),
                response_optional_fields=DETAIL_FIELDS,
            )
            orders += [_order(o) for o in answer.get("order_list") or []]
        return orders

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        """get_escrow_detail, one order per call (§6.5)."""
        return [self._settlement(sn) for sn in order_ids]

    def _settlement(self, order_sn: str) -> Settlement:
        answer = self._get("/api/v2/payment/get_escrow_detail", order_sn=order_sn)
        income = answer.get("order_income") or {}
        gross = money_in(income.get("order_selling_price"))
        net = money_in(income.get("escrow_amount"))
        fees = _fees(income)
        # Shipping, rebates and adjustments: whatever else separates gross from net.
        other = gross - sum(fees.values()) - net
        if other:
            fees["other"] = other
        return Settlement(platform_order_id=order_sn, gross=gross, fees=fees, net=net)


def _fees(income: Json) -> dict[str, int]:
    """The seller's costs named in order_income, and any return refund."""
    fees = {
        ours: money_in(income.get(theirs))
        for theirs, ours in FEE_FIELDS.items()
        if money_in(income.get(theirs))
    }
    refund = money_in(income.get("seller_return_refund"))
    if refund:
        fees["return_refund"] = abs(refund)
    return fees


def _order(data: Json) -> Order:
    status = str(data.get("order_status") or "")
    return Order(
        platform_order_id=str(data["order_sn"]),
        status=ORDER_STATUS.get(status, OrderStatus.TO_SHIP),
        platform_status=status,
        created_at=utc(data.get("create_time")),
        updated_at=utc(data.get("update_time")),
        total=money_in(data.get("total_amount")),
        lines=[_line(line) for line in data.get("item_list") or []],
    )


def _line(line: Json) -> OrderLine:
    # Lines without order_item_id are told apart by item and model.
    line_id = line.get("order_item_id") or f"{line.get('item_id')}:{line.get('model_id')}"
    return OrderLine(
        platform_line_id=str(line_id),
        seller_sku=str(line.get("model_sku") or line.get("item_sku") or ""),
        name=str(line.get("item_name") or ""),
        quantity=int(line.get("model_quantity_purchased") or 0),
        unit_price=money_in(line.get("model_discounted_price") or line.get("model_original_price")),
        platform_item_id=str(line.get("item_id") or ""),
        platform_variant_id=str(line.get("model_id") or "0"),
    )
