"""Shopee's error codes (shopee.md §4) mapped to our typed errors."""

from __future__ import annotations

import re

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable

PLATFORM = "shopee"

# UNVERIFIED (shopee.md §4.3): no rate-limit code is documented; connector and sandbox
# use "error_rate_limit" with HTTP 429 (the code snowland-shopeeapi guesses).
RATE_LIMIT_CODES = frozenset({"error_rate_limit", "rate_limit_exceeded"})
TRANSIENT_CODES = frozenset(
    {"error_system_busy", "error_inner", "error_server", "error_network", "error_busy"}
)
AUTH_CODES = frozenset(
    {
        "error_auth",
        "invalid_access_token",
        "invalid_acceess_token",
        "error_shop",
        "invalid_shop",
        "shop_access_expired",
        "shop_no_linked",
    }
)
# Errors of the token endpoints: the seller must authorize again.
TOKEN_DEAD_CODES = frozenset(
    {
        "error_auth",
        "invalid_code",
        "refresh_token_expired",
        "error_shop_refresh_token",
        "error_merchant_refresh_token",
        "shop_access_expired",
        "merchant_access_expired",
        "shop_no_linked",
        "merchant_no_linked",
        "shop_banned",
        "invalid_shop_id",
    }
)
NOT_FOUND_CODES = frozenset(
    {"error_not_found", "error_item_not_found", "error_item_not_belong_shop", "error_data"}
)
# Shopee's error code -> the ItemPayload field it is about.
FIELD_BY_CODE = {
    "error_invalid_category": "category_id",
    "error_invalid_brand": "brand",
    "error_less_required_attribute": "attributes",
    "error_invalid_attribute_value": "attributes",
    "error_invalid_price": "price",
    "error_price_exceed_min_limitt": "price",
    "error_price_exceed_max_limitt": "price",
    "error_name_length_limit": "name",
    "error_item_name_empty": "name",
    "error_title_exceeds_max_length": "name",
    "error_desc_length_min_limit": "description_html",
    "error_image_num_min": "images",
    "error_image_unavailable": "images",
    "error_invalid_logistic_info": "logistic_info",
    "error_item_sku_duplicate": "seller_sku",
}
# Shopee's field names as they appear in "Wrong parameters, detail: …" -> ours.
FIELD_BY_NAME = {
    "item_name": "name",
    "description": "description_html",
    "category_id": "category_id",
    "image_id_list": "images",
    "image": "images",
    "original_price": "price",
    "weight": "weight_g",
    "item_sku": "seller_sku",
    "model_sku": "seller_sku",
    "seller_stock": "stock",
    "stock": "stock",
    "attribute_list": "attributes",
    "brand": "brand",
    "tier_variation": "options",
    "logistic_info": "logistic_info",
}
_WORD = re.compile(r"[a-z_]+")


def short_code(error: str) -> str:
    """``product.error_param`` -> ``error_param`` (shopee.md §4.2: match after the last dot)."""
    return error.rsplit(".", 1)[-1]


def field_for(code: str, message: str) -> str:
    if code in FIELD_BY_CODE:
        return FIELD_BY_CODE[code]
    for word in _WORD.findall(message.lower()):
        if word in FIELD_BY_NAME:
            return FIELD_BY_NAME[word]
    return ""


def error_for(error: str, message: str, *, token_call: bool = False) -> ConnectorError:
    """The typed error for one of Shopee's ``error`` codes."""
    code = short_code(error)
    kw = {"code": error, "platform": PLATFORM}
    text = f"{error}: {message}" if message else error
    if code in RATE_LIMIT_CODES:
        return RateLimited(text, retry_after=1.0, **kw)
    if code in TRANSIENT_CODES:
        return Retryable(text, **kw)
    if code == "error_sign" or message == "Invalid timestamp":
        return ConnectorError(text, **kw)  # our keys or clock are wrong: no retry helps
    if token_call and code in TOKEN_DEAD_CODES:
        return AuthError(text, refreshable=False, **kw)
    if code in AUTH_CODES:
        return AuthError(text, refreshable=True, **kw)
    if code in NOT_FOUND_CODES or "not found" in message.lower():
        return NotFound(text, **kw)
    return Rejected(text, field=field_for(code, message), **kw)
