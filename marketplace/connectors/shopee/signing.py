"""Shopee v2 request signing (shopee.md §2) and push verification (§7).

``sign`` is the helper the ``flask connectors sign`` debug command calls; the
sandbox verifies requests with the same functions, so both sides agree byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac


def base_string(path: str, params: dict[str, str]) -> str:
    """partner_id + path + timestamp, then access_token + shop_id (or merchant_id) if given.

    Public APIs carry no access_token (shopee.md §2.1); shop APIs append the access
    token and shop_id; merchant APIs the access token and merchant_id.
    """
    parts = [str(params["partner_id"]), path, str(params["timestamp"])]
    token = params.get("access_token")
    if token:
        owner = params.get("shop_id") or params.get("merchant_id") or ""
        parts += [str(token), str(owner)]
    return "".join(parts)


def hmac_hex(key: str, message: str) -> str:
    """Lowercase hex HMAC-SHA256, keyed with the partner key's UTF-8 bytes (§2.1)."""
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(app_secret: str, path: str, params: dict[str, str], body: str = "") -> tuple[str, str]:
    """(the exact string signed, its signature). The body is never signed on Shopee (§2.1)."""
    del body  # shopee.md §2.1: "the body is not signed"
    base = base_string(path, params)
    return base, hmac_hex(app_secret, base)


def push_sign(app_secret: str, callback_url: str, body: str) -> tuple[str, str]:
    """A push's ``Authorization`` header: HMAC of ``url|raw body`` (shopee.md §7)."""
    base = f"{callback_url}|{body}"
    return base, hmac_hex(app_secret, base)
