"""What every TikTok Shop sandbox endpoint shares: the envelope, the app registry and
the request checks (signature, timestamp window, access token, shop_cipher) of tiktok.md."""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any
from typing import TypeVar

from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from marketplace.connectors.tiktok.signing import sign
from marketplace.sandbox.common import current_sandbox

F = TypeVar("F", bound=Callable[..., Any])

# The demo app registered on first start (documented in the report and README of env_tiktok).
DEMO_APP = {
    "app_key": "6dsandboxapp",
    "app_secret": "tts-sandbox-secret-2026",
    "service_id": "7301000000000000001",
    "name": "Marketplace OCOP",
    "redirect_uri": "",
}
DEMO_SHOP = {
    "id": "7494000000000001",
    "name": "TikTok Shop HTX Xoài tròn Yên Châu",
    "region": "VN",
    "seller_type": "LOCAL",
    "cipher": "GCP_XF90igAAAABhSandboxYenChau01",
    "code": "VNLCYENCHAU",
}

# tiktok.md §1.2: the timestamp is accepted within [now − 5 min, now + 30 s].
TIMESTAMP_PAST = 300
TIMESTAMP_FUTURE = 30
CODE_TTL = 30 * 60  # tiktok.md §3.1
ACCESS_TTL = 7 * 86400  # tiktok.md §3.2
# UNVERIFIED (tiktok.md §7: refresh-token lifetime not stated): 365 days.
REFRESH_TTL = 365 * 86400

# tiktok.md §4.
TOO_MANY_REQUESTS = 36009002
TOKEN_EXPIRED = 105002
INVALID_SIGN = 106001
INVALID_COMMON = 36009004
SCOPE_MISSING = 105005
SHOP_CIPHER_MISSING = 106013
INVALID_PATH = 36009009
INVALID_METHOD = 36009010
WRONG_CONTENT_TYPE = 36009022
# UNVERIFIED (tiktok.md: not documented): the codes below are our own choices, the
# connector maps the same numbers (marketplace/connectors/tiktok/errors.py).
INVALID_PARAM = 36009003
INVALID_AUTH_CODE = 36004004
INVALID_REFRESH_TOKEN = 36004005
NOT_FOUND = 12052700


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def envelope(
    data: Any = None, code: int = 0, message: str = "Success", status: int = 200
) -> Response:
    request_id = f"{current_sandbox().random.getrandbits(64):016X}"
    response = jsonify(code=code, message=message, request_id=request_id, data=data or {})
    response.status_code = status
    if code == TOO_MANY_REQUESTS:
        response.headers["Retry-After"] = "1"
    return response


def lost_response() -> Response:
    """The write happened; the answer did not make it back."""
    response = jsonify(code=-1, message="sandbox: response lost after the write")
    response.status_code = 502
    return response


def ensure_demo() -> None:
    store = current_sandbox().store
    if store.get("apps", DEMO_APP["app_key"]) is None:
        store.put("apps", DEMO_APP["app_key"], dict(DEMO_APP))
    if store.get("shops", DEMO_SHOP["id"]) is None:
        store.put("shops", DEMO_SHOP["id"], dict(DEMO_SHOP))


def find_app(app_key: str) -> dict[str, Any] | None:
    ensure_demo()
    return current_sandbox().store.get("apps", app_key) if app_key else None


def find_app_by_service(service_id: str) -> dict[str, Any] | None:
    ensure_demo()
    for app in current_sandbox().store.all("apps"):
        if app["service_id"] == service_id:
            return app
    # Workaround: AppConfig has no service_id, so the connector falls back to app_key.
    return find_app(service_id)


def shop_by_cipher(cipher: str) -> dict[str, Any] | None:
    ensure_demo()
    for shop in current_sandbox().store.all("shops"):
        if shop["cipher"] == cipher:
            return shop
    return None


# tiktok.md §4: 50 QPS per API, counted per app+shop pair (a sliding one-second window).
QPS_LIMIT = 50
_recent_lock = threading.Lock()


def _over_qps() -> bool:
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    key = (request.args.get("app_key", ""), request.args.get("shop_cipher", ""), rule)
    now = time.monotonic()
    with _recent_lock:
        recent: dict[tuple[str, str, str], deque[float]] = current_app.extensions.setdefault(
            "tiktok_qps", defaultdict(deque)
        )
        stamps = recent[key]
        while stamps and stamps[0] <= now - 1.0:
            stamps.popleft()
        if len(stamps) >= QPS_LIMIT:
            return True
        stamps.append(now)
        return False


def _check() -> None:
    """Raise ApiError unless the request is a well-signed, fresh, authorised call."""
    sandbox = current_sandbox()
    if sandbox.take_rate_limit() or _over_qps():
        raise ApiError(TOO_MANY_REQUESTS, "Too many requests", 429)
    args = request.args.to_dict()
    app = find_app(args.get("app_key", ""))
    if app is None:
        raise ApiError(INVALID_COMMON, "Invalid app_key")
    if not args.get("sign"):
        raise ApiError(INVALID_COMMON, "Missing sign")
    try:
        stamp = int(args.get("timestamp", ""))
    except ValueError:
        raise ApiError(INVALID_COMMON, "Invalid timestamp") from None
    now = sandbox.clock.now()
    if not now - TIMESTAMP_PAST <= stamp <= now + TIMESTAMP_FUTURE:
        raise ApiError(INVALID_COMMON, "Invalid timestamp: outside the accepted window")
    content_type = request.headers.get("Content-Type", "")
    body = "" if content_type.startswith("multipart/form-data") else request.get_data(as_text=True)
    _, expected = sign(app["app_secret"], request.path, args, body)
    if not hmac.compare_digest(expected, args["sign"]):
        raise ApiError(INVALID_SIGN, "Invalid sign")
    token = request.headers.get("x-tts-access-token", "")
    grant = sandbox.store.get("tokens", token) if token else None
    if grant is None or grant["app_key"] != app["app_key"] or sandbox.faults.revoked:
        raise ApiError(INVALID_COMMON, "Invalid access_token")
    if grant["expires_at"] <= now:
        raise ApiError(TOKEN_EXPIRED, "Access token is expired")
    g.tts_app = app
    g.tts_grant = grant


def _check_shop() -> None:
    cipher = request.args.get("shop_cipher", "")
    if not cipher:
        raise ApiError(SHOP_CIPHER_MISSING, "shop_cipher is required")
    shop = shop_by_cipher(cipher)
    # UNVERIFIED (tiktok.md §4): a cipher of another shop also answers 106013.
    if shop is None or shop["id"] != g.tts_grant["shop_id"]:
        raise ApiError(SHOP_CIPHER_MISSING, "Invalid shop_cipher")
    g.tts_shop = shop


def api(*, shop: bool = True, json_body: bool = False) -> Callable[[F], F]:
    """Decorate a view: verify the call, then turn ApiError into TikTok's envelope."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                _check()
                if shop:
                    _check_shop()
                if json_body and not request.headers.get("Content-Type", "").startswith(
                    "application/json"
                ):
                    raise ApiError(WRONG_CONTENT_TYPE, "Content-Type must be application/json")
                return view(*args, **kwargs)
            except ApiError as exc:
                return envelope(None, exc.code, exc.message, exc.status)

        return wrapper  # type: ignore[return-value]

    return decorate


def body() -> dict[str, Any]:
    doc = request.get_json(silent=True)
    if not isinstance(doc, dict):
        raise ApiError(INVALID_PARAM, "Request body must be a JSON object")
    return doc


def page_args(maximum: int) -> tuple[int, int]:
    """(page_size, offset) from page_size/page_token; page tokens are opaque offsets."""
    try:
        size = int(request.args.get("page_size", ""))
    except ValueError:
        raise ApiError(INVALID_PARAM, "page_size is required and must be an integer") from None
    if not 1 <= size <= maximum:
        raise ApiError(INVALID_PARAM, f"page_size must be between 1 and {maximum}")
    token = request.args.get("page_token", "")
    offset = decode_page_token(token) if token else 0
    return size, offset


def encode_page_token(offset: int) -> str:
    return f"pt{offset:08d}".encode().hex()


def decode_page_token(token: str) -> int:
    try:
        text = bytes.fromhex(token).decode()
        if not text.startswith("pt"):
            raise ValueError(token)
        return int(text[2:])
    except ValueError:
        raise ApiError(INVALID_PARAM, "Invalid page_token") from None


def money(amount: int) -> str:
    return str(int(amount))
