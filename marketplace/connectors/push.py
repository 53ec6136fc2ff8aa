"""Verifying platform pushes: each platform signs the raw body with our app secret.

The raw bytes are signed, so the body must never be re-serialised before checking;
digests are compared in constant time and in any letter case (Lazada does not say
which it sends).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from marketplace.connectors.errors import AuthError


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_signature(headers: Mapping[str, str], secret: str, message: bytes) -> None:
    """Raise AuthError unless the ``Authorization`` header is the HMAC of ``message``."""
    given = (headers.get("Authorization") or "").strip().lower()
    if not given or not hmac.compare_digest(given, hmac_hex(secret, message)):
        raise AuthError("push signature does not match", refreshable=False)


def json_body(body: bytes) -> dict[str, Any]:
    """The push body as a JSON object, or AuthError-free ValueError when it is not one."""
    data = json.loads(body.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("push body is not a JSON object")
    return data


def section(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` as an object ({} when absent); ValueError when it is something else."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"push field {key!r} is not an object")
    return value


def whole(value: Any, default: int = 0) -> int:
    """A push's integer field (a number or digits); ValueError for anything else."""
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("push field is not an integer")
    return int(value)


def text(value: Any) -> str:
    """A push's id field (a string or a number) as text; ValueError for anything else."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("push field is not an id")
    return str(value)
