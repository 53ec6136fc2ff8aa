"""Times, amounts and query helpers shared by the order and finance APIs (lazada.md §4)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call

VN = timezone(timedelta(hours=7))


def parse_iso(value: str) -> float:
    """``YYYY-MM-DDTHH:mm:ss±HH:MM`` as epoch seconds, or error 17 (lazada.md §4.1)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ApiError("17", f"Invalid date format: {value}") from exc
    if moment.tzinfo is None:
        raise ApiError("17", f"Invalid date format, the offset is missing: {value}")
    return moment.timestamp()


def stamp(seconds: float) -> str:
    """Epoch seconds as the order APIs show times."""
    # UNVERIFIED (lazada.md §4.1): the docs give no format; Lazada's "2026-01-02 10:00:00 +0700".
    return datetime.fromtimestamp(seconds, VN).strftime("%Y-%m-%d %H:%M:%S %z")


def money(value: float) -> str:
    """An amount as the APIs show it."""
    return f"{value:.2f}"


def int_param(call: Call, name: str, default: str, code: str, low: int, high: int) -> int:
    """An integer parameter within ``[low, high]``, or error ``code``."""
    try:
        value = int(call.get(name, default))
    except ValueError as exc:
        raise ApiError(code, f"Invalid {name}") from exc
    if not low <= value <= high:
        raise ApiError(code, f"Invalid {name}: must be between {low} and {high}")
    return value


def seller_orders(call: Call) -> list[dict[str, Any]]:
    """Every stored order of the calling seller."""
    return [o for o in current_sandbox().store.all("orders") if o["seller_id"] == call.seller_id]
