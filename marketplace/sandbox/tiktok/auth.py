"""Seller authorization page, token endpoints and Get Authorized Shops (tiktok.md §3)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint
from flask import Response
from flask import abort
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask_babel import gettext

from marketplace.sandbox.common import TokenGrant
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.common import grant_response
from marketplace.sandbox.common import shop_named
from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok.core import ApiError
from marketplace.sandbox.tiktok.core import envelope
from marketplace.sandbox.tiktok.shops import SHOPS

bp = Blueprint(
    "tiktok_auth",
    __name__,
    static_folder="static",
    static_url_path="/open/static",
)
control = Blueprint("tiktok_control", __name__)

CONSENT_TTL = 30 * 60


def _scopes() -> list[str]:
    return [
        gettext("Read and manage your products, prices and stock"),
        gettext("Read your orders and their status"),
        gettext("Read your settlements, fees and statements"),
        gettext("Read your shop's basic information"),
    ]


@bp.get("/open/authorize")
def authorize_page() -> Any:
    app = core.find_app_by_service(request.args.get("service_id", ""))
    if app is None:
        abort(404)
    redirect_uri = request.args.get("redirect_uri", "") or app.get("redirect_uri", "")
    if not redirect_uri.startswith(("http://", "https://")):
        abort(400)
    sandbox = current_sandbox()
    ticket = secrets.token_urlsafe(16)
    sandbox.store.put(
        "consents",
        ticket,
        {
            "app_key": app["app_key"],
            "state": request.args.get("state", ""),
            "redirect_uri": redirect_uri,
            "expires_at": sandbox.clock.now() + CONSENT_TTL,
        },
    )
    return render_template(
        "sandbox/tiktok/consent.html",
        app_name=app.get("name") or app["app_key"],
        shops=SHOPS.listing(),
        scopes=_scopes(),
        ticket=ticket,
        action=request.path,
    )


@bp.post("/open/authorize")
def authorize_submit() -> Any:
    sandbox = current_sandbox()
    ticket = request.form.get("ticket", "")
    consent = sandbox.store.get("consents", ticket) if ticket else None
    if consent is None or consent["expires_at"] <= sandbox.clock.now():
        abort(400)
    # The seller picks one of their shops (a form without the choice means the demo shop).
    chosen = SHOPS.find(request.form.get("shop_id", core.DEMO_SHOP["id"]))
    if chosen is None:
        abort(400)
    shop = sandbox.store.get("shops", chosen.id) or core.DEMO_SHOP
    sandbox.store.delete("consents", ticket)
    query: dict[str, str] = {}
    if request.form.get("decision") == "authorize":
        code = "ROW_" + secrets.token_urlsafe(24)
        sandbox.store.put(
            "codes",
            code,
            {
                "app_key": consent["app_key"],
                "shop_id": chosen.id,
                "expires_at": sandbox.clock.now() + core.CODE_TTL,
                "used": False,
            },
        )
        query = {"app_key": consent["app_key"], "code": code, "locale": "vi-VN"}
        query["shop_region"] = shop["region"]
    else:
        query = {"code": "null", "error": "auth_denied"}  # tiktok.md §3.1
    query["state"] = consent["state"]
    separator = "&" if "?" in consent["redirect_uri"] else "?"
    return redirect(consent["redirect_uri"] + separator + urlencode(query), code=302)


def _issue(app_key: str, shop_id: str, open_id: str) -> dict[str, Any]:
    sandbox = current_sandbox()
    shop = sandbox.store.get("shops", shop_id) or core.DEMO_SHOP
    now = int(sandbox.clock.now())
    access = "TTP_" + secrets.token_urlsafe(24)
    refresh = "TTP_" + secrets.token_urlsafe(24)
    access_exp = now + core.ACCESS_TTL
    refresh_exp = now + core.REFRESH_TTL
    sandbox.store.put(
        "tokens", access, {"app_key": app_key, "shop_id": shop_id, "expires_at": access_exp}
    )
    sandbox.store.put(
        "refresh",
        refresh,
        {"app_key": app_key, "shop_id": shop_id, "expires_at": refresh_exp, "open_id": open_id},
    )
    return {
        "access_token": access,
        "access_token_expire_in": access_exp,  # absolute Unix time (tiktok.md §3.2)
        "refresh_token": refresh,
        "refresh_token_expire_in": refresh_exp,
        "open_id": open_id,
        "seller_name": shop["name"],
        "seller_base_region": shop["region"],
        "user_type": 0,
        "granted_scopes": ["seller.product.basic", "seller.order.info", "seller.finance.info"],
    }


def _token_app(grant_type: str) -> dict[str, Any]:
    args = request.args
    app = core.find_app(args.get("app_key", ""))
    if app is None or args.get("app_secret", "") != app["app_secret"]:
        raise ApiError(core.INVALID_COMMON, "Invalid app_key or app_secret")
    if args.get("grant_type") != grant_type:
        raise ApiError(core.INVALID_PARAM, f"grant_type must be {grant_type}")
    return app


@bp.get("/api/v2/token/get")
def token_get() -> Response:
    """Unsigned; the secret travels in the query (tiktok.md §3.2)."""
    sandbox = current_sandbox()
    try:
        if sandbox.take_rate_limit():
            raise ApiError(core.TOO_MANY_REQUESTS, "Too many requests", 429)
        app = _token_app("authorized_code")
        code = request.args.get("auth_code", "")
        grant = sandbox.store.get("codes", code) if code else None
        if grant is None or grant["app_key"] != app["app_key"]:
            raise ApiError(core.INVALID_AUTH_CODE, "Invalid auth_code")
        if grant["used"]:
            raise ApiError(core.INVALID_AUTH_CODE, "auth_code has already been used")
        if grant["expires_at"] <= sandbox.clock.now():
            raise ApiError(core.INVALID_AUTH_CODE, "auth_code is expired")
        grant["used"] = True
        sandbox.store.put("codes", code, grant)
        open_id = "open_" + grant["shop_id"]
        return envelope(_issue(app["app_key"], grant["shop_id"], open_id))
    except ApiError as exc:
        return envelope(None, exc.code, exc.message, exc.status)


@bp.get("/api/v2/token/refresh")
def token_refresh() -> Response:
    sandbox = current_sandbox()
    try:
        if sandbox.take_rate_limit():
            raise ApiError(core.TOO_MANY_REQUESTS, "Too many requests", 429)
        app = _token_app("refresh_token")
        token = request.args.get("refresh_token", "")
        grant = sandbox.store.get("refresh", token) if token else None
        if grant is None or grant["app_key"] != app["app_key"] or sandbox.faults.revoked:
            raise ApiError(core.INVALID_REFRESH_TOKEN, "Invalid refresh_token")
        if grant["expires_at"] <= sandbox.clock.now():
            raise ApiError(core.INVALID_REFRESH_TOKEN, "refresh_token is expired")
        # UNVERIFIED (tiktok.md §7): a refresh token is single use; the old access token
        # stays valid until its own expiry.
        sandbox.store.delete("refresh", token)
        return envelope(_issue(app["app_key"], grant["shop_id"], grant["open_id"]))
    except ApiError as exc:
        return envelope(None, exc.code, exc.message, exc.status)


@bp.get("/authorization/202309/shops")
@core.api(shop=False)
def authorized_shops() -> Response:
    shop = current_sandbox().store.get("shops", g.tts_grant["shop_id"]) or core.DEMO_SHOP
    return envelope({"shops": [shop]})


@control.post("/_sandbox/apps")
def register_app() -> Response:
    """Register another app: {app_key, app_secret, service_id, name?, redirect_uri?}."""
    doc = request.get_json(silent=True) or {}
    missing = [k for k in ("app_key", "app_secret", "service_id") if not doc.get(k)]
    if missing:
        return envelope(None, core.INVALID_PARAM, f"missing {', '.join(missing)}", 400)
    app = {k: str(doc.get(k, "")) for k in ("app_key", "app_secret", "service_id", "name")}
    app["redirect_uri"] = str(doc.get("redirect_uri", ""))
    current_sandbox().store.put("apps", app["app_key"], app)
    return envelope(app)


@control.post("/_sandbox/tokens")
def control_tokens() -> Response | tuple[Response, int]:
    """Test control: issue the demo app's tokens for the shop named ``{"shop": name}``,
    as the authorization page and /api/v2/token/get would."""
    chosen = shop_named(request.get_json(silent=True))
    if chosen is None:
        return grant_response(None)
    shop = current_sandbox().store.get("shops", chosen.id) or core.DEMO_SHOP
    issued = _issue(core.DEMO_APP["app_key"], chosen.id, "open_" + chosen.id)
    return grant_response(
        TokenGrant(
            shop_id=str(shop["cipher"]),  # shop calls name the shop by its cipher
            shop_name=chosen.name,
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            access_expires_at=float(issued["access_token_expire_in"]),
            refresh_expires_at=float(issued["refresh_token_expire_in"]),
            extra={
                "open_id": issued["open_id"],
                "seller_name": issued["seller_name"],
                "seller_base_region": issued["seller_base_region"],
                "granted_scopes": ",".join(issued["granted_scopes"]),
                "shop_id": chosen.id,
                "shop_code": str(shop.get("code", "")),
                "region": str(shop.get("region", "")),
            },
        )
    )
