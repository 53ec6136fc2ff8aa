"""TikTok Shop request and webhook signatures (tiktok.md §1), shared with the sandbox."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

# Never part of the signed string (tiktok.md §1.1 step 1).
UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def string_to_sign(app_secret: str, path: str, params: Mapping[str, str], body: str = "") -> str:
    """secret + path + sorted key+value pairs (minus sign/access_token) + body + secret."""
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    return f"{app_secret}{path}{pairs}{body}{app_secret}"


def sign(app_secret: str, path: str, params: dict[str, str], body: str = "") -> tuple[str, str]:
    """(the exact string that is signed, its lowercase-hex HMAC-SHA256 keyed by the secret).

    ``body`` is the raw JSON body as sent; pass "" for GET and multipart requests.
    """
    plain = string_to_sign(app_secret, path, params, body)
    digest = hmac.new(app_secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
    return plain, digest


def webhook_signature(app_key: str, app_secret: str, raw_body: str) -> str:
    """The ``Authorization`` header of a webhook: HMAC-SHA256(app_key + body) (tiktok.md §1.3)."""
    message = f"{app_key}{raw_body}".encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def verify_webhook(app_key: str, app_secret: str, raw_body: str, header: str) -> bool:
    """Constant-time check of a webhook's ``Authorization`` header."""
    return hmac.compare_digest(webhook_signature(app_key, app_secret, raw_body), header.strip())
