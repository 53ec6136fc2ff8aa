"""Lazada's error codes and messages turned into our typed errors (lazada.md §2.4, §5)."""

from __future__ import annotations

import re
from typing import Any

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable

PLATFORM = "lazada"

# lazada.md §2.4, §5.2: which codes mean what to us.
_AUTH_REFRESHABLE = {"IllegalAccessToken"}
_AUTH_FINAL = {"IllegalRefreshToken", "InvalidCode", "AUTH_TYPE_UNSUPPORTED"}
_RATE = {"ApiCallLimit", "901", "4154", "HOT_KEY_BLOCK_EXCEPTION", "998"}
_TRANSIENT = {"1000", "UnknownRuntimeException"}
_NOT_FOUND = {"E0002", "16", "39"}
_BAN = re.compile(r"last (\d+(?:\.\d+)?) second")

# UNVERIFIED (lazada.md §5.1, §7): the names inside a product write's ``detail`` array.
# We use [{"field": "<Lazada path>", "seller_sku": "...", "message": "..."}], and the
# sandbox answers the same; here the Lazada path becomes our ItemPayload field name.
_FIELDS = {
    "PrimaryCategory": "category_id",
    "Images": "images",
    "Attributes.name": "name",
    "Attributes.description": "description_html",
    "Attributes.brand_id": "brand",
    "Attributes.brand": "brand",
    "Attributes.model": "seller_sku",
}
_SKU_FIELD = re.compile(r"^Skus\.Sku\[(\d+)\]\.(\w+)$")
_SKU_NAMES = {
    "SellerSku": "seller_sku",
    "price": "price",
    "quantity": "stock",
    "package_weight": "weight_g",
    "package_length": "length_cm",
    "package_width": "width_cm",
    "package_height": "height_cm",
    "saleProp": "options",
    "Images": "images",
}


def our_field(lazada_field: str) -> str:
    """Our ItemPayload field for a Lazada payload path (best effort)."""
    if lazada_field in _FIELDS:
        return _FIELDS[lazada_field]
    match = _SKU_FIELD.match(lazada_field)
    if match:
        return f"variants[{match.group(1)}].{_SKU_NAMES.get(match.group(2), match.group(2))}"
    if lazada_field.startswith("Attributes."):
        return "attributes." + lazada_field.removeprefix("Attributes.")
    return lazada_field


class LazadaRejected(Rejected):
    """Rejected, keeping the envelope's ``detail`` array (per-SKU or per-field messages)."""

    def __init__(self, message: str, *, detail: list[Any], field: str = "", **kw: str) -> None:
        super().__init__(message, field=field, **kw)
        self.detail = detail


def error_for(body: dict[str, Any]) -> ConnectorError:
    """The typed error for an error envelope."""
    code = str(body.get("code", ""))
    message = str(body.get("message") or code)
    kw = {"code": code, "platform": PLATFORM}
    if code in _AUTH_REFRESHABLE:
        return AuthError(message, refreshable=True, **kw)
    if code in _AUTH_FINAL:
        return AuthError(message, refreshable=False, **kw)
    if code in _RATE:
        ban = _BAN.search(message)
        return RateLimited(message, retry_after=float(ban.group(1)) if ban else 1.0, **kw)
    if code in _TRANSIENT or body.get("type") in ("ISP", "SYSTEM"):
        return Retryable(message, **kw)
    if code in _NOT_FOUND:
        return NotFound(message, **kw)
    if code in ("IncompleteSignature", "MissingParameter", "InvalidTimestamp", "InvalidAppKey"):
        return ConnectorError(message, **kw)
    detail = body.get("detail")
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        first = detail[0]
        text = str(first.get("message") or message)
        field = our_field(str(first.get("field", "")))
        return LazadaRejected(f"{message}: {text}", detail=detail, field=field, **kw)
    return Rejected(message, **kw)
