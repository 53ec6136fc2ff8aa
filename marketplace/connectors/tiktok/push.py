"""TikTok Shop webhooks (tiktok.md §1.3): HMAC of "<app key><raw body>" with the app secret."""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.connectors.push import check_signature
from marketplace.connectors.push import json_body
from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.types import PushNotice

ORDER_STATUS_CHANGE = 1


class PushMixin(TikTokClient):
    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        check_signature(headers, self.app.app_secret, self.app.app_key.encode() + body)
        data = json_body(body)
        shop_id = str(data.get("shop_id", ""))
        order_id = str((data.get("data") or {}).get("order_id") or "")
        if int(data.get("type") or 0) == ORDER_STATUS_CHANGE and order_id:
            return PushNotice(shop_id, "order", (order_id,))
        return PushNotice(shop_id, f"type_{data.get('type', '')}")
