"""Orders and what each one earned the shop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from marketplace.connectors.errors import NotFound
from marketplace.connectors.tiktok import convert
from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.tiktok.client import chunks
from marketplace.connectors.types import Order
from marketplace.connectors.types import Page
from marketplace.connectors.types import Settlement

# UNVERIFIED (tiktok.md §7): order search pages of 50 (max 100), ≤50 ids per detail call.
ORDER_PAGE = 50
ORDER_IDS_PER_CALL = 50


class OrdersMixin(TikTokClient):
    """The ORDERS and SETTLEMENT capabilities."""

    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        """One page of ids of orders updated in [from, to), oldest update first."""
        if (updated_to - updated_from).total_seconds() > self.order_window_days * 86400:
            raise ValueError(f"order search covers at most {self.order_window_days} days")
        query: dict[str, Any] = {
            "page_size": ORDER_PAGE,
            "sort_field": "update_time",
            "sort_order": "ASC",
        }
        if cursor:
            query["page_token"] = cursor
        body = {
            "update_time_ge": int(updated_from.timestamp()),
            "update_time_lt": int(updated_to.timestamp()),
        }
        data = self._call("POST", "/order/202309/orders/search", query=query, body=body)
        ids = [str(o["id"]) for o in data.get("orders") or []]
        return Page(ids, data.get("next_page_token") or None)

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        """Get Order Detail, in batches of the per-call id limit."""
        orders: list[Order] = []
        for chunk in chunks(list(order_ids), ORDER_IDS_PER_CALL):
            data = self._call("GET", "/order/202507/orders", query={"ids": ",".join(chunk)})
            orders += [convert.order(o) for o in data.get("orders") or []]
        return orders

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        """The statement transactions of each settled order."""
        found: list[Settlement] = []
        for order_id in order_ids:
            rows = self._statement_rows(order_id)
            if rows:  # unsettled and cancelled orders have no transactions yet
                found.append(convert.settlement(order_id, rows))
        return found

    def _statement_rows(self, order_id: str) -> list[dict[str, Any]]:
        """The order's statement transactions; none when the order is unknown."""
        try:
            data = self._call("GET", f"/finance/202501/orders/{order_id}/statement_transactions")
        except NotFound:
            return []
        return [r for r in data.get("statement_transactions") or [] if isinstance(r, dict)]
