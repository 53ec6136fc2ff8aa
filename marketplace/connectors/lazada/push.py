"""Lazada pushes (lazada.md §4.8): HMAC of "<app key><raw body>" with the app secret."""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.push import check_signature
from marketplace.connectors.push import json_body
from marketplace.connectors.push import section
from marketplace.connectors.push import text
from marketplace.connectors.push import whole
from marketplace.connectors.types import PushNotice

# An unanswered push is sent again every 30 minutes, up to 12 times (lazada.md §4.8).
RETRY_HOURS = 6


class PushMixin(LazadaClient):
    push_max_age_s = (RETRY_HOURS + 1) * 3600

    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        check_signature(headers, self.app.app_secret, self.app.app_key.encode() + body)
        data = json_body(body)
        seller = text(data.get("seller_id"))
        order_id = text(section(data, "data").get("trade_order_id"))
        sent_at = whole(data.get("timestamp"), default=0) or None
        if order_id:
            return PushNotice(seller, "order", (order_id,), sent_at)
        return PushNotice(seller, f"type_{text(data.get('message_type'))}", (), sent_at)
