"""Lazada pushes (lazada.md §4.8): HMAC of "<app key><raw body>" with the app secret."""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.push import check_signature
from marketplace.connectors.push import json_body
from marketplace.connectors.types import PushNotice


class PushMixin(LazadaClient):
    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        check_signature(headers, self.app.app_secret, self.app.app_key.encode() + body)
        data = json_body(body)
        seller = str(data.get("seller_id", ""))
        order_id = str((data.get("data") or {}).get("trade_order_id") or "")
        if order_id:
            return PushNotice(seller, "order", (order_id,))
        return PushNotice(seller, f"type_{data.get('message_type', '')}")
