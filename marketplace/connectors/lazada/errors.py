"""Lazada envelopes, error codes and values, turned into our types (lazada.md §5)."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import requests

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.connectors.types import OrderStatus

PLATFORM = "lazada"
VN = timezone(timedelta(hours=7))

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


def error_from(body: dict[str, Any]) -> ConnectorError:
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


def envelope(response: requests.Response) -> dict[str, Any]:
    """The JSON body of a successful call, or the typed error (lazada.md §5.1)."""
    try:
        body = response.json()
    except ValueError as exc:
        raise Retryable(f"HTTP {response.status_code}: not JSON", platform=PLATFORM) from exc
    if not isinstance(body, dict):
        raise Retryable("unexpected response", platform=PLATFORM)
    if str(body.get("code", "")) != "0":
        raise error_from(body)
    return body


def money(value: Any) -> int:
    """Lazada amounts (strings or floats) as integer đồng."""
    if value in (None, ""):
        return 0
    return round(float(value))


def lz_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:mm:ss+07:00`` (lazada.md §4.1)."""
    return moment.astimezone(VN).replace(microsecond=0).isoformat()


def parse_time(value: Any) -> datetime:
    """Order times: ``2026-01-02 10:00:00 +0700``, ISO 8601 or epoch milliseconds."""
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, fmt).astimezone(UTC)
        except ValueError:
            continue
    return datetime.fromisoformat(text).astimezone(UTC)


def item_status(status: str) -> str:
    """Lazada product status → live / delisted / pending / rejected."""
    lowered = status.lower().replace(" ", "").replace("_", "")
    if lowered == "active":
        return "live"
    if lowered.startswith("pending"):
        return "pending"
    if lowered in ("rejected", "suspended"):
        return "rejected"
    return "delisted"


_ORDER_STATUS = {
    "unpaid": OrderStatus.UNPAID,
    "canceled": OrderStatus.CANCELLED,
    "returned": OrderStatus.RETURNED,
    "shipped_back": OrderStatus.RETURNED,
    "shipped_back_success": OrderStatus.RETURNED,
    "delivered": OrderStatus.COMPLETED,
    "shipped": OrderStatus.SHIPPED,
    "shipping": OrderStatus.SHIPPED,
    "failed_delivery": OrderStatus.SHIPPED,
}


def order_status(statuses: list[str]) -> OrderStatus:
    """An order's state from its items' distinct statuses (lazada.md §4.1)."""
    found = [_ORDER_STATUS.get(s, OrderStatus.TO_SHIP) for s in statuses] or [OrderStatus.TO_SHIP]
    for wanted in (
        OrderStatus.UNPAID,
        OrderStatus.TO_SHIP,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
        OrderStatus.RETURNED,
    ):
        if wanted in found:
            return wanted
    return OrderStatus.CANCELLED
