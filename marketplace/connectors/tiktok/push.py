"""TikTok Shop webhooks (tiktok.md §1.3): HMAC of "<app key><raw body>" with the app secret."""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.connectors.push import check_signature
from marketplace.connectors.push import json_body
from marketplace.connectors.push import section
from marketplace.connectors.push import text
from marketplace.connectors.push import whole
from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.types import PushNotice

ORDER_STATUS_CHANGE = 1


class PushMixin(TikTokClient):
    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        check_signature(headers, self.app.app_secret, self.app.app_key.encode() + body)
        data = json_body(body)
        shop_id, kind = text(data.get("shop_id")), whole(data.get("type"))
        order_id = text(section(data, "data").get("order_id"))
        sent_at = whole(data.get("timestamp"), default=0) or None
        if kind == ORDER_STATUS_CHANGE and order_id:
            return PushNotice(shop_id, "order", (order_id,), sent_at)
        return PushNotice(shop_id, f"type_{kind}", (), sent_at)
