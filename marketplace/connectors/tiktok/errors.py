"""TikTok Shop error codes (tiktok.md §4) mapped onto our typed errors."""

from __future__ import annotations

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected

PLATFORM = "tiktok"

# tiktok.md §4 (documented).
TOO_MANY_REQUESTS = 36009002
TOKEN_EXPIRED = 105002
INVALID_SIGN = 106001
INVALID_COMMON = 36009004  # missing sign, invalid app_key, token or timestamp
SCOPE_MISSING = 105005
IP_NOT_ALLOWED = 36009033
SHOP_CIPHER_MISSING = 106013

# UNVERIFIED (tiktok.md: not documented): our own codes, identical in the sandbox
# (marketplace/sandbox/tiktok/core.py and catalog_rules.py).
INVALID_PARAM = 36009003
INVALID_AUTH_CODE = 36004004
INVALID_REFRESH_TOKEN = 36004005
NOT_FOUND = 12052700
DUPLICATE_SKU = 12052015
REJECTED_FIELDS: dict[int, str] = {
    12052010: "name",
    12052011: "description_html",
    12052012: "category_id",
    12052013: "attributes",
    12052014: "images",
    DUPLICATE_SKU: "seller_sku",
    12052016: "price",
    12052017: "variants",
    12052018: "brand",
    12052019: "stock",
    12052020: "weight_g",
    12019001: "image",
    INVALID_PARAM: "",
}


def error_for(code: int, message: str) -> ConnectorError:
    """The typed error for a non-zero ``code`` of an API call's envelope."""
    kw = {"code": str(code), "platform": PLATFORM}
    if code == TOO_MANY_REQUESTS:
        return RateLimited(message, retry_after=1.0, **kw)
    if code == TOKEN_EXPIRED:
        return AuthError(message, refreshable=True, **kw)
    if code == INVALID_COMMON:
        # The same code covers a bad token (refreshing may help) and a bad app_key.
        refreshable = "token" in message.lower()
        if refreshable or "app_key" in message.lower():
            return AuthError(message, refreshable=refreshable, **kw)
        return ConnectorError(message, **kw)
    if code in {SCOPE_MISSING, IP_NOT_ALLOWED}:
        return AuthError(message, refreshable=False, **kw)
    if code == NOT_FOUND:
        return NotFound(message, **kw)
    if code in REJECTED_FIELDS:
        return Rejected(message, field=REJECTED_FIELDS[code], **kw)
    return ConnectorError(message, **kw)


def token_error(code: int, message: str) -> ConnectorError:
    """Errors of the token endpoints: only rate limits are worth retrying."""
    if code == TOO_MANY_REQUESTS:
        return RateLimited(message, retry_after=1.0, code=str(code), platform=PLATFORM)
    return AuthError(message, refreshable=False, code=str(code), platform=PLATFORM)
