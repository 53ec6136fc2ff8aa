"""Lazada orders and finance transactions (lazada.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from marketplace.connectors.errors import Rejected
from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.lazada.convert import VN
from marketplace.connectors.lazada.convert import lz_time
from marketplace.connectors.lazada.convert import order
from marketplace.connectors.lazada.convert import order_line
from marketplace.connectors.lazada.convert import settlement
from marketplace.connectors.lazada.errors import PLATFORM
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import Page
from marketplace.connectors.types import Settlement

ORDERS_PAGE = 100
ORDER_ITEMS_BATCH = 50
FINANCE_PAGE = 500


class OrdersMixin(LazadaClient):
    """The ``ORDERS`` and ``SETTLEMENT`` capabilities."""

    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        """Ids of orders updated in the range, oldest update first; the cursor is the offset."""
        offset = int(cursor or 0)
        params = {
            "update_after": lz_time(updated_from),
            "update_before": lz_time(updated_to),
            "sort_by": "updated_at",
            "sort_direction": "ASC",
            "offset": str(offset),
            "limit": str(ORDERS_PAGE),
        }
        data = self._call("/orders/get", params).get("data") or {}
        ids = [str(o["order_id"]) for o in data.get("orders") or []]
        following = offset + len(ids)
        more = bool(ids) and following < int(data.get("countTotal") or 0)
        # /orders/get refuses offsets over 5000: the rest of the window is unreachable.
        if more and following > 5000:
            raise Rejected("over 5000 orders in one window: use a shorter one", platform=PLATFORM)
        return Page(ids, str(following) if more else None)

    def _order_lines(self, order_ids: Sequence[str]) -> dict[str, list[OrderLine]]:
        """The orders' lines by order id, ``ORDER_ITEMS_BATCH`` orders per call."""
        lines: dict[str, list[OrderLine]] = {}
        for start in range(0, len(order_ids), ORDER_ITEMS_BATCH):
            batch = order_ids[start : start + ORDER_ITEMS_BATCH]
            ids = "[" + ",".join(batch) + "]"
            for entry in self._call("/orders/items/get", {"order_ids": ids}).get("data") or []:
                lines[str(entry["order_id"])] = [
                    order_line(i) for i in entry.get("order_items") or []
                ]
        return lines

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        """The orders with their lines, in the order of ``order_ids``."""
        lines = self._order_lines(order_ids)
        orders = []
        for order_id in order_ids:
            data = self._call("/order/get", {"order_id": order_id}).get("data") or {}
            orders.append(order(order_id, data, lines.get(order_id, [])))
        return orders

    def _finance_rows(self, order_id: str, start: date, end: date) -> list[dict[str, Any]]:
        """Every finance transaction of the order between the two days."""
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            params = {
                "start_time": start.isoformat(),
                "end_time": end.isoformat(),
                "trans_type": "-1",
                "trade_order_id": order_id,
                "offset": str(offset),
                "limit": str(FINANCE_PAGE),
            }
            page = self._call("/finance/transaction/details/get", params).get("data") or []
            rows += page
            offset += len(page)
            if len(page) < FINANCE_PAGE:
                return rows

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        """Each order's settlement from its transactions of the last 180 days."""
        today = datetime.fromtimestamp(self.now(), VN).date()
        # lazada.md §4.6: the range must stay under 180 days.
        start_day = today - timedelta(days=179)
        return [
            settlement(order_id, self._finance_rows(order_id, start_day, today))
            for order_id in order_ids
        ]
