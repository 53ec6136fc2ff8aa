"""Orders and their settlements (shopee.md §6)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.shopee.client import chunks
from marketplace.connectors.shopee.convert import order
from marketplace.connectors.shopee.convert import settlement
from marketplace.connectors.types import Order
from marketplace.connectors.types import Page
from marketplace.connectors.types import Settlement

ORDER_PAGE = 100  # get_order_list page_size max (§6.1)
ORDER_DETAIL_BATCH = 50  # get_order_detail order_sn per call (§6.2)
# recipient_address only for its province and district (convert.region).
DETAIL_FIELDS = (
    "item_list,total_amount,pay_time,buyer_username,cancel_by,cancel_reason,recipient_address"
)


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
            orders += [order(o) for o in answer.get("order_list") or []]
        return orders

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        """get_escrow_detail, one order per call (§6.5)."""
        return [self._settlement(sn) for sn in order_ids]

    def _settlement(self, order_sn: str) -> Settlement:
        answer = self._get("/api/v2/payment/get_escrow_detail", order_sn=order_sn)
        return settlement(order_sn, answer.get("order_income") or {})
