"""Shopee pushes (shopee.md §7): HMAC of "<callback URL>|<raw body>" with the partner key."""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.connectors.push import check_signature
from marketplace.connectors.push import json_body
from marketplace.connectors.push import section
from marketplace.connectors.push import text
from marketplace.connectors.push import whole
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.types import PushNotice

ORDER_STATUS_CODE = 3


class PushMixin(ShopeeClient):
    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        check_signature(headers, self.app.app_secret, url.encode() + b"|" + body)
        data = json_body(body)
        shop_id, code = text(data.get("shop_id")), whole(data.get("code"))
        order_sn = text(section(data, "data").get("ordersn"))
        sent_at = whole(data.get("timestamp"), default=0) or None
        if code == ORDER_STATUS_CODE and order_sn:
            return PushNotice(shop_id, "order", (order_sn,), sent_at)
        return PushNotice(shop_id, f"code_{code}", (), sent_at)
