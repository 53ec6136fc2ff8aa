"""Shop authorization (the consent page) and tokens (shopee.md §3)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from flask import Blueprint
from flask import Response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from marketplace.sandbox.common import TokenGrant
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.common import grant_response
from marketplace.sandbox.common import shop_named
from marketplace.sandbox.shopee.gateway import ACCESS_SECONDS
from marketplace.sandbox.shopee.gateway import AUTH_SECONDS
from marketplace.sandbox.shopee.gateway import CODE_SECONDS
from marketplace.sandbox.shopee.gateway import DEMO_PARTNER_ID
from marketplace.sandbox.shopee.gateway import DEMO_SHOP_ID
from marketplace.sandbox.shopee.gateway import OLD_ACCESS_GRACE
from marketplace.sandbox.shopee.gateway import REFRESH_SECONDS
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import authorization_alive
from marketplace.sandbox.shopee.gateway import body
from marketplace.sandbox.shopee.gateway import envelope
from marketplace.sandbox.shopee.gateway import require
from marketplace.sandbox.shopee.gateway import verify
from marketplace.sandbox.shopee.shops import SHOPS

bp = Blueprint("shopee_auth", __name__, static_folder="static", static_url_path="/_shopee_static")
CONSENT_SECONDS = 600  # how long the seller may take on the page


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = Response(render_template(f"sandbox/shopee/{template}", **context), status)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; form-action 'self' http: https:; "
        "frame-ancestors 'none'"
    )
    return response


@bp.get("/api/v2/shop/auth_partner")
def auth_partner() -> Response:
    """The seller-facing link (§3.1): public sign, valid 5 minutes."""
    sandbox = current_sandbox()
    try:
        caller = verify("public")
    except ApiError as exc:
        return _page("error.html", 400, error=exc.error, message=exc.message)
    target = request.args.get("redirect", "")
    if not target.startswith(("http://", "https://")):
        return _page("error.html", 400, error="error_param", message="redirect")
    app = sandbox.store.get("apps", str(caller.partner_id)) or {}
    consent_id = secrets.token_urlsafe(16)
    sandbox.store.put(
        "consents",
        consent_id,
        {
            "partner_id": caller.partner_id,
            "redirect": target,
            "expires_at": sandbox.clock.now() + CONSENT_SECONDS,
        },
    )
    return _page(
        "consent.html",
        consent_id=consent_id,
        app_name=app.get("name", ""),
        shops=SHOPS.listing(),
        action=url_for("shopee_auth.decide"),
    )


@bp.post("/api/v2/shop/auth_partner/decide")
def decide() -> WerkzeugResponse:
    """The consent form's target: Authorize → redirect with code and shop_id."""
    sandbox = current_sandbox()
    consent_id = request.form.get("consent_id", "")
    consent = sandbox.store.get("consents", consent_id) if consent_id else None
    if consent is None or consent["expires_at"] <= sandbox.clock.now():
        return _page("error.html", 400, error="error_param", message="consent")
    # The seller picks one of their shops (a form without the choice means the demo shop).
    shop = SHOPS.find(request.form.get("shop_id", str(DEMO_SHOP_ID)))
    if shop is None:
        return _page("error.html", 400, error="error_param", message="shop_id")
    sandbox.store.delete("consents", consent_id)
    if request.form.get("decision") != "authorize":
        return _page("cancelled.html")
    code = secrets.token_hex(16)
    partner_id, shop_id = int(consent["partner_id"]), int(shop.id)
    sandbox.store.put(
        "codes",
        code,
        {
            "partner_id": partner_id,
            "shop_id": shop_id,
            "expires_at": sandbox.clock.now() + CODE_SECONDS,
        },
    )
    _authorize(partner_id, shop_id)
    # UNVERIFIED (shopee.md §3.1): code and shop_id are appended to the redirect's own query.
    parts = urlsplit(consent["redirect"])
    query = [*parse_qsl(parts.query), ("code", code), ("shop_id", str(shop_id))]
    return redirect(urlunsplit(parts._replace(query=urlencode(query))), 302)


def _authorize(partner_id: int, shop_id: int) -> None:
    """Record the seller's authorization of the partner for the shop."""
    sandbox = current_sandbox()
    now = sandbox.clock.now()
    # UNVERIFIED (shopee.md §3.1): the seller picks the validity; the sandbox grants 365 days.
    sandbox.store.put(
        "authorizations",
        f"{partner_id}:{shop_id}",
        {
            "partner_id": partner_id,
            "shop_id": shop_id,
            "auth_time": int(now),
            "expire_time": int(now + AUTH_SECONDS),
        },
    )


def _issue(partner_id: int, shop_id: int) -> dict[str, Any]:
    sandbox = current_sandbox()
    now = sandbox.clock.now()
    access, refresh = secrets.token_hex(16), secrets.token_hex(16)
    sandbox.store.put(
        "access_tokens",
        access,
        {"partner_id": partner_id, "shop_id": shop_id, "expires_at": now + ACCESS_SECONDS},
    )
    sandbox.store.put(
        "refresh_tokens",
        refresh,
        {
            "token": refresh,
            "partner_id": partner_id,
            "shop_id": shop_id,
            "expires_at": now + REFRESH_SECONDS,
            "access_token": access,
            "used": False,
        },
    )
    return {"access_token": access, "refresh_token": refresh, "expire_in": ACCESS_SECONDS}


def _refresh_tokens(partner_id: int, shop_id: int) -> list[tuple[str, dict[str, Any]]]:
    """The live refresh tokens of one authorization, by key."""
    sandbox = current_sandbox()
    return [
        (str(t["token"]), t)
        for t in sandbox.store.all("refresh_tokens")
        if t["partner_id"] == partner_id and t["shop_id"] == shop_id and not t.get("used")
    ]


def _check_partner(data: dict[str, Any], partner_id: int) -> None:
    require(data, "partner_id")
    if str(data["partner_id"]) != str(partner_id):
        raise ApiError("invalid_partner_id", "Invalid partner_id.")


@bp.post("/api/v2/auth/token/get")
def token_get() -> Response:
    """GetAccessToken (§3.2): the code is single use and lives 10 minutes."""
    sandbox = current_sandbox()
    caller = verify("public")
    data = body()
    require(data, "code")
    _check_partner(data, caller.partner_id)
    if data.get("main_account_id") is not None:
        raise ApiError("invalid_main_acount_id", "Invalid main_account_id.")  # sic (§3.2)
    require(data, "shop_id")
    code = sandbox.store.get("codes", str(data["code"]))
    if (
        code is None
        or code.get("used")
        or code["expires_at"] <= sandbox.clock.now()
        or code["partner_id"] != caller.partner_id
    ):
        raise ApiError("invalid_code", "The code is expired or used or invalid.")
    if str(code["shop_id"]) != str(data["shop_id"]):
        raise ApiError("invalid_shop_id", "Invalid shop_id.")
    code["used"] = True
    sandbox.store.put("codes", str(data["code"]), code)
    # Re-authorization replaces both tokens (§3.3): earlier refresh tokens stop working.
    for key, old in _refresh_tokens(caller.partner_id, int(code["shop_id"])):
        old["used"] = True
        sandbox.store.put("refresh_tokens", key, old)
    return envelope(**_issue(caller.partner_id, int(code["shop_id"])))


@bp.post("/_sandbox/tokens")
def control_tokens() -> Response | tuple[Response, int]:
    """Test control: authorize the demo partner for the shop named ``{"shop": name}`` and
    issue its tokens, as the consent page and GetAccessToken would. Unlike a real
    re-authorization the earlier tokens keep working: whoever holds them is not cut off."""
    shop = shop_named(request.get_json(silent=True))
    if shop is None:
        return grant_response(None)
    partner_id, shop_id = DEMO_PARTNER_ID, int(shop.id)
    _authorize(partner_id, shop_id)
    issued = _issue(partner_id, shop_id)
    now = current_sandbox().clock.now()
    refresh = current_sandbox().store.get("refresh_tokens", issued["refresh_token"]) or {}
    return grant_response(
        TokenGrant(
            shop_id=shop.id,
            shop_name=shop.name,
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            access_expires_at=now + int(issued["expire_in"]),
            refresh_expires_at=float(refresh.get("expires_at", now)),
            extra={},
        )
    )


@bp.post("/api/v2/auth/access_token/get")
def access_token_get() -> Response:
    """RefreshAccessToken (§3.3): single-use refresh token, old access token lives 5 min."""
    sandbox = current_sandbox()
    caller = verify("public")
    data = body()
    require(data, "refresh_token")
    _check_partner(data, caller.partner_id)
    require(data, "shop_id")
    key = str(data["refresh_token"])
    token = sandbox.store.get("refresh_tokens", key)
    if (
        token is None
        or token.get("used")
        or sandbox.faults.revoked
        or token["partner_id"] != caller.partner_id
        or str(token["shop_id"]) != str(data["shop_id"])
    ):
        raise ApiError("error_auth", "Invalid refresh_token.")
    now = sandbox.clock.now()
    if token["expires_at"] <= now:
        raise ApiError("refresh_token_expired", "Refresh token expired.")
    if not authorization_alive(caller.partner_id, int(token["shop_id"])):
        raise ApiError("shop_access_expired", "The shop authorization has expired.")
    token["used"] = True
    sandbox.store.put("refresh_tokens", key, token)
    old = sandbox.store.get("access_tokens", str(token["access_token"]))
    if old is not None:
        old["expires_at"] = min(old["expires_at"], now + OLD_ACCESS_GRACE)
        sandbox.store.put("access_tokens", str(token["access_token"]), old)
    issued = _issue(caller.partner_id, int(token["shop_id"]))
    return envelope(partner_id=caller.partner_id, shop_id=int(token["shop_id"]), **issued)


@bp.get("/api/v2/shop/get_shop_info")
def get_shop_info() -> Response:
    """Fields at top level (§4.1)."""
    sandbox = current_sandbox()
    caller = verify("shop")
    shop = sandbox.store.get("shops", str(caller.shop_id)) or {}
    auth = sandbox.store.get("authorizations", f"{caller.partner_id}:{caller.shop_id}") or {}
    return envelope(
        shop_name=shop.get("shop_name", ""),
        region=shop.get("region", "VN"),
        status="NORMAL",
        auth_time=auth.get("auth_time", 0),
        expire_time=auth.get("expire_time", 0),
        is_cb=False,
        is_sip=False,
        is_main_shop=False,
        is_direct_shop=False,
    )


@bp.get("/api/v2/public/get_shops_by_partner")
def get_shops_by_partner() -> Response:
    sandbox = current_sandbox()
    caller = verify("public")
    page_size = max(1, min(100, int(request.args.get("page_size") or 100)))
    page_no = max(1, int(request.args.get("page_no") or 1))
    shops = [
        {
            "region": "VN",
            "shop_id": a["shop_id"],
            "auth_time": a["auth_time"],
            "expire_time": a["expire_time"],
            "sip_affi_shop_list": [],
        }
        for a in sandbox.store.all("authorizations")
        if a["partner_id"] == caller.partner_id
    ]
    start = (page_no - 1) * page_size
    return envelope(
        authed_shop_list=shops[start : start + page_size], more=len(shops) > start + page_size
    )
