"""The Shopee sandbox's gateway: envelope, errors, signature and token checks (shopee.md §2, §4)."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from flask import Response
from flask import jsonify
from flask import request

from marketplace.connectors.shopee.signing import sign
from marketplace.sandbox.common import current_sandbox

TIMESTAMP_WINDOW = 300  # shopee.md §2.1 / §9.1
CODE_SECONDS = 600  # §3.1
ACCESS_SECONDS = 14_400  # §3.3
OLD_ACCESS_GRACE = 300  # §3.3: the old access token lives 5 more minutes after a refresh
REFRESH_SECONDS = 30 * 86_400  # §3.3
AUTH_SECONDS = 365 * 86_400  # §3.1

# The demo partner app and shop every sandbox starts with (re-created after a reset).
DEMO_PARTNER_ID = 2001887
DEMO_PARTNER_KEY = "sandbox_partner_key_0123456789abcdef"
DEMO_SHOP_ID = 14701711
DEMO_SHOP_NAME = "Shop HTX Chè Mộc Châu Xanh"

# UNVERIFIED (shopee.md §4.2): no source pairs errors with HTTP statuses; we answer
# 403 for auth/sign/permission, 404 for not-found, 429 for the rate limit, 500 for
# server errors and 400 for everything else. The connector reads the body regardless.
_STATUS = {
    "error_auth": 403,
    "error_sign": 403,
    "error_permission": 403,
    "error_not_found": 404,
    "error_rate_limit": 429,
    "error_server": 500,
}


class ApiError(Exception):
    """An answer in Shopee's error envelope."""

    def __init__(self, error: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.status = status or _STATUS.get(error.rsplit(".", 1)[-1], 400)


def request_id() -> str:
    return uuid.uuid4().hex


def envelope(response: dict[str, Any] | None = None, **top: Any) -> Response:
    """Business data under ``response`` (§4.1); auth APIs pass their fields as ``top``."""
    body: dict[str, Any] = {"request_id": request_id(), "error": "", "message": ""}
    if response is not None:
        body["response"] = response
    body.update(top)
    return jsonify(body)


def error_response(exc: ApiError) -> Response:
    response = jsonify(request_id=request_id(), error=exc.error, message=exc.message)
    response.status_code = exc.status
    return response


def rate_limited() -> Response:
    # UNVERIFIED (shopee.md §4.3): the code, message and status are our choice.
    response = error_response(
        ApiError("error_rate_limit", "Too many requests, please try later.", 429)
    )
    response.headers["Retry-After"] = "1"
    return response


def lost_write() -> Response:
    response = jsonify(error="error_network", message="sandbox lost the response")
    response.status_code = 502
    return response


def ensure_seed() -> None:
    """The demo app and shop exist (first start, and again after a reset)."""
    store = current_sandbox().store
    if store.get("apps", str(DEMO_PARTNER_ID)) is None:
        store.put(
            "apps",
            str(DEMO_PARTNER_ID),
            {"partner_id": DEMO_PARTNER_ID, "partner_key": DEMO_PARTNER_KEY, "name": "Demo app"},
        )
    if store.get("shops", str(DEMO_SHOP_ID)) is None:
        store.put(
            "shops",
            str(DEMO_SHOP_ID),
            {"shop_id": DEMO_SHOP_ID, "shop_name": DEMO_SHOP_NAME, "region": "VN"},
        )


@dataclass
class Caller:
    partner_id: int
    shop_id: int = 0
    access_token: str = ""


def _int_param(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def verify(level: str = "shop", *, path: str | None = None) -> Caller:
    """Check the common parameters, the timestamp window and the sign; then the token.

    ``level`` is "public" or "shop"; "media" accepts the public sign, and the shop sign
    when access_token and shop_id are present (shopee.md §9.1).
    """
    sandbox = current_sandbox()
    args = request.args
    if not args.get("partner_id"):
        raise ApiError("error_param", "There is no partner_id in query.")
    if not args.get("timestamp"):
        raise ApiError("error_param", "no timestamp")
    if not args.get("sign"):
        raise ApiError("error_param", "There is no sign in query.")
    timestamp = _int_param("timestamp")
    # UNVERIFIED (shopee.md §2.1, §10): the window is symmetric, |now − timestamp| ≤ 300 s.
    if timestamp is None or abs(sandbox.clock.now() - timestamp) > TIMESTAMP_WINDOW:
        raise ApiError("error_param", "Invalid timestamp")
    partner_id = _int_param("partner_id")
    app = sandbox.store.get("apps", str(partner_id)) if partner_id is not None else None
    if app is None or partner_id is None:
        raise ApiError("error_param", "Invalid partner_id.")
    shop_signed = level == "shop" or (
        level == "media" and bool(args.get("access_token")) and bool(args.get("shop_id"))
    )
    if shop_signed:
        if not args.get("access_token"):
            raise ApiError("error_param", "There is no access_token in query.")
        if _int_param("shop_id") is None:
            raise ApiError("error_param", "There is no shop_id in query.")
    params = {"partner_id": args["partner_id"], "timestamp": args["timestamp"]}
    if shop_signed:
        params |= {"access_token": args["access_token"], "shop_id": args["shop_id"]}
    expected = sign(str(app["partner_key"]), path or request.path, params)[1]
    if not hmac.compare_digest(expected, args["sign"]):
        raise ApiError("error_sign", "Wrong sign.")
    if not shop_signed:
        return Caller(partner_id)
    shop_id = int(args["shop_id"])
    token = sandbox.store.get("access_tokens", args["access_token"])
    if (
        token is None
        or sandbox.faults.revoked
        or token["partner_id"] != partner_id
        or token["expires_at"] <= sandbox.clock.now()
        or not authorization_alive(partner_id, int(token["shop_id"]))
    ):
        raise ApiError("error_auth", "Invalid access_token.")
    if int(token["shop_id"]) != shop_id:
        raise ApiError("error_auth", "Invalid partner_id or shopid.")
    return Caller(partner_id, shop_id, args["access_token"])


def authorization_alive(partner_id: int, shop_id: int) -> bool:
    sandbox = current_sandbox()
    auth = sandbox.store.get("authorizations", f"{partner_id}:{shop_id}")
    return auth is not None and auth["expire_time"] > sandbox.clock.now()


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError("error_param", "Wrong parameters, detail: request body must be JSON.")
    return data


def require(data: dict[str, Any], *names: str) -> None:
    for name in names:
        if data.get(name) in (None, "", []):
            raise ApiError("error_param", f"Wrong parameters, detail: {name} is required.")


def int_list(raw: str) -> list[int]:
    """``1,2``, ``[1,2]`` or repeated keys (shopee.md §5.1: accept the comma and bracket forms)."""
    values = []
    for part in raw.strip().strip("[]").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ApiError("error_param", f"Wrong parameters, detail: {part!r} is not an id.")
        values.append(int(part))
    return values


def arg_int(name: str, *, required: bool = True, default: int = 0) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        if required:
            raise ApiError("error_param", f"Wrong parameters, detail: {name} is required.")
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError("error_param", f"Wrong parameters, detail: {name} is invalid.") from None
