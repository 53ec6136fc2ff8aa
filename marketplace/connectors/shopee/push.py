"""Shopee pushes (shopee.md §7): HMAC of "<callback URL>|<raw body>" with the partner key."""

from __future__ import annotations

from collections.abc import Mapping

from marketplace.connectors.push import check_signature
from marketplace.connectors.push import json_body
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.types import PushNotice

ORDER_STATUS_CODE = 3


class PushMixin(ShopeeClient):
    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        check_signature(headers, self.app.app_secret, url.encode() + b"|" + body)
        data = json_body(body)
        code = int(data.get("code") or 0)
        order_sn = str((data.get("data") or {}).get("ordersn") or "")
        if code == ORDER_STATUS_CODE and order_sn:
            return PushNotice(str(data.get("shop_id", "")), "order", (order_sn,))
        return PushNotice(str(data.get("shop_id", "")), f"code_{code}")
