"""The LazOP gateway: signature, timestamp and token checks, envelopes, dispatch.

Every API lives under ``/rest``: ``/rest/orders/get`` on the country gateway and
``/rest/auth/token/create`` on the auth gateway are served by the same app.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import Response
from flask import request
from werkzeug.datastructures import FileStorage

from marketplace.connectors.lazada.signing import sign
from marketplace.sandbox.common import current_sandbox

SKEW_SECONDS = 7200  # lazada.md §1.2, §5.3
DEMO_APP_KEY = "100132"
DEMO_APP_SECRET = "lazada-sandbox-demo-secret-100132"  # noqa: S105 - a sandbox's demo app
# lazada.md §2.2: test-app lifetimes.
CODE_SECONDS = 30 * 60
ACCESS_SECONDS = 7 * 86400
REFRESH_SECONDS = 30 * 86400

gateway = Blueprint("lazada_gateway", __name__)


class ApiError(Exception):
    """A LazOP error envelope (lazada.md §5.1)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        kind: str = "ISV",
        detail: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.kind = kind
        self.detail = detail


@dataclass
class Call:
    """One verified API call."""

    api: str
    params: dict[str, str]
    app: dict[str, Any]
    now: float
    seller_id: str = ""
    files: dict[str, FileStorage] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def need(self, name: str) -> str:
        value = self.params.get(name, "")
        if value == "":
            raise ApiError("MissingParameter", f"The input parameter '{name}' that is mandatory")
        return value


Handler = Callable[[Call], dict[str, Any]]
_HANDLERS: dict[str, tuple[Handler, bool, bool]] = {}


def api(path: str, *, token: bool = True, write: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for an API path (after ``/rest``)."""

    def decorate(handler: Handler) -> Handler:
        _HANDLERS[path] = (handler, token, write)
        return handler

    return decorate


def request_id() -> str:
    return secrets.token_hex(13)[:25]


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")


def error_response(exc: ApiError) -> Response:
    body: dict[str, Any] = {
        "type": exc.kind,
        "code": exc.code,
        "message": exc.message,
        "request_id": request_id(),
    }
    if exc.detail is not None:
        body["detail"] = exc.detail
    # UNVERIFIED (lazada.md §5.1, §7): errors come with HTTP 200, as third-party code assumes.
    return _json(body)


def ensure_demo_app() -> None:
    store = current_sandbox().store
    if store.get("apps", DEMO_APP_KEY) is None:
        store.put(
            "apps",
            DEMO_APP_KEY,
            {"app_key": DEMO_APP_KEY, "app_secret": DEMO_APP_SECRET, "callback": ""},
        )


def parse_timestamp(value: str) -> float | None:
    """Milliseconds, or a formatted date such as ``2017-11-11T12:00:00Z`` (lazada.md §1.2)."""
    if value.isdigit():
        return int(value) / 1000
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo else None


def _verify(api_path: str, params: dict[str, str]) -> dict[str, Any]:
    for name in ("app_key", "sign", "timestamp", "sign_method"):
        if not params.get(name):
            raise ApiError("MissingParameter", f"The input parameter '{name}' that is mandatory")
    ensure_demo_app()
    sandbox = current_sandbox()
    app = sandbox.store.get("apps", params["app_key"])
    if app is None:
        # UNVERIFIED (lazada.md §5.2): the code for an unknown app key.
        raise ApiError("InvalidAppKey", "The specified app key is invalid")
    if params["sign_method"] not in ("sha256", "hmac"):
        raise ApiError("IncompleteSignature", "The request signature method is not supported")
    stamp = parse_timestamp(params["timestamp"])
    if stamp is None or abs(stamp - sandbox.clock.now()) > SKEW_SECONDS:
        # UNVERIFIED (lazada.md §5.2, §7): "InvalidTimestamp" is in no Lazada page.
        raise ApiError("InvalidTimestamp", "Timestamp is invalid or out of the allowed 7200 s")
    expected = sign(app["app_secret"], api_path, params)[1]
    if not hmac.compare_digest(expected, params["sign"].upper()):
        raise ApiError(
            "IncompleteSignature", "The request signature does not conform to lazop standards"
        )
    return app


def seller_for_token(call: Call) -> str:
    """The seller of a valid access token, or IllegalAccessToken."""
    token = call.get("access_token")
    if not token:
        raise ApiError("MissingParameter", "The input parameter 'access_token' that is mandatory")
    sandbox = current_sandbox()
    doc = sandbox.store.get("tokens", token)
    if (
        doc is None
        or sandbox.faults.revoked
        or doc["app_key"] != call.app["app_key"]
        or doc["expires_at"] <= call.now
    ):
        raise ApiError("IllegalAccessToken", "The specified access token is invalid or expired")
    return str(doc["seller_id"])


@gateway.route("/rest/<path:api_path>", methods=["GET", "POST"])
def dispatch(api_path: str) -> Response:
    path = "/" + api_path
    # lazada.md §6: form and query merged; files are not signed.
    params = {**request.args.to_dict(), **request.form.to_dict()}
    sandbox = current_sandbox()
    try:
        app = _verify(path, params)
        if sandbox.take_rate_limit():
            raise ApiError(
                "ApiCallLimit",
                "Api access frequency exceeds the limit. this ban will last 1 seconds",
            )
        entry = _HANDLERS.get(path)
        if entry is None:
            # UNVERIFIED (lazada.md §5.2): the code for an unknown API path.
            raise ApiError("InvalidApiPath", "The specified API path is invalid")
        handler, token, write = entry
        call = Call(path, params, app, sandbox.clock.now(), files=request.files.to_dict())
        if token:
            call.seller_id = seller_for_token(call)
        body = handler(call)
    except ApiError as exc:
        return error_response(exc)
    if write and sandbox.take_lost_write():
        return _json({"error": "bad gateway", "message": "sandbox lost the response"}, 502)
    return _json({"code": "0", **body, "request_id": request_id()})
