"""Seller consent page, codes and tokens (lazada.md §2), and the app registry."""

from __future__ import annotations

import secrets
import string
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask_babel import gettext

from marketplace.sandbox.common import TokenGrant
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.common import grant_response
from marketplace.sandbox.common import shop_named
from marketplace.sandbox.lazada.data import SELLER
from marketplace.sandbox.lazada.gateway import ACCESS_SECONDS
from marketplace.sandbox.lazada.gateway import CODE_SECONDS
from marketplace.sandbox.lazada.gateway import DEMO_APP_KEY
from marketplace.sandbox.lazada.gateway import REFRESH_SECONDS
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api
from marketplace.sandbox.lazada.gateway import ensure_demo_app
from marketplace.sandbox.lazada.shops import SHOPS
from marketplace.sandbox.lazada.shops import seller

consent = Blueprint(
    "lazada_auth", __name__, static_folder="static", static_url_path="/lazada-static"
)

_ALNUM = string.ascii_letters + string.digits


def _random(size: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(size))


def _page_error(message: str) -> tuple[str, int]:
    return render_template("sandbox/lazada/error.html", message=message, seller=SELLER), 400


def _check(values: dict[str, str]) -> dict[str, Any] | tuple[str, int]:
    """The app asking for consent, or the error page (lazada.md §2.1)."""
    ensure_demo_app()
    if "uuid" in values:
        return _page_error(gettext("The uuid parameter must not be sent."))
    if values.get("response_type") != "code":
        return _page_error(gettext("The response type must be code."))
    app = current_sandbox().store.get("apps", values.get("client_id", ""))
    if app is None:
        return _page_error(gettext("This app is not registered on Lazada Open Platform."))
    redirect_uri = values.get("redirect_uri", "")
    # The demo app registers no callback and accepts any; registered apps must match.
    if not redirect_uri or (app["callback"] and redirect_uri != app["callback"]):
        return _page_error(gettext("The redirect address does not match the app's callback."))
    return app


@consent.get("/oauth/authorize")
def authorize() -> Any:
    values = request.args.to_dict()
    app = _check(values)
    if isinstance(app, tuple):
        return app
    return render_template(
        "sandbox/lazada/authorize.html",
        app=app,
        sellers=SHOPS.listing(),
        client_id=values["client_id"],
        redirect_uri=values["redirect_uri"],
        state=values.get("state", ""),
    )


@consent.post("/oauth/authorize")
def decide() -> Any:
    values = request.form.to_dict()
    values["response_type"] = "code"
    app = _check(values)
    if isinstance(app, tuple):
        return app
    # The seller picks one of their shops (a form without the choice means the demo seller).
    chosen = SHOPS.find(values.get("seller_id", SELLER["seller_id"]))
    if chosen is None:
        return _page_error(gettext("This shop is not one of yours."))
    query: dict[str, str] = {}
    if values.get("decision") == "authorize":
        sandbox = current_sandbox()
        code = f"0_{app['app_key']}_{_random(25)}"
        sandbox.store.put(
            "codes",
            code,
            {
                "app_key": app["app_key"],
                "seller_id": chosen.id,
                "expires_at": sandbox.clock.now() + CODE_SECONDS,
                "used": False,
            },
        )
        query["code"] = code
    else:
        # UNVERIFIED (lazada.md §2.1): what a refusal sends back; we use OAuth's error.
        query["error"] = "access_denied"
    if values.get("state"):
        query["state"] = values["state"]
    separator = "&" if "?" in values["redirect_uri"] else "?"
    return redirect(values["redirect_uri"] + separator + urlencode(query), code=302)


def _issue(call: Call, seller_id: str, refresh_expires_at: float, users_key: str) -> dict[str, Any]:
    store = current_sandbox().store
    account = seller(seller_id)
    access = "50000" + _random(55)
    refresh = "50001" + _random(55)
    store.put(
        "tokens",
        access,
        {
            "app_key": call.app["app_key"],
            "seller_id": seller_id,
            "expires_at": call.now + ACCESS_SECONDS,
        },
    )
    store.put(
        "refresh",
        refresh,
        {
            "app_key": call.app["app_key"],
            "seller_id": seller_id,
            "expires_at": refresh_expires_at,
            "used": False,
        },
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": ACCESS_SECONDS,
        "refresh_expires_in": max(0, int(refresh_expires_at - call.now)),
        "country": "vn",
        "account_platform": "seller_center",
        "account": account["email"],
        "account_id": None,
        users_key: [
            {
                "country": "vn",
                "seller_id": seller_id,
                "user_id": account["user_id"],
                "short_code": account["short_code"],
            }
        ],
    }


@api("/auth/token/create", token=False)
def token_create(call: Call) -> dict[str, Any]:
    store = current_sandbox().store
    code = call.need("code")
    doc = store.get("codes", code)
    if (
        doc is None
        or doc["used"]
        or doc["expires_at"] <= call.now
        or doc["app_key"] != call.app["app_key"]
    ):
        raise ApiError("InvalidCode", "Invalid authorization code")
    doc["used"] = True
    store.put("codes", code, doc)
    return _issue(call, doc["seller_id"], call.now + REFRESH_SECONDS, "country_user_info")


@api("/auth/token/refresh", token=False)
def token_refresh(call: Call) -> dict[str, Any]:
    sandbox = current_sandbox()
    token = call.need("refresh_token")
    doc = sandbox.store.get("refresh", token)
    if (
        doc is None
        or doc["used"]
        or sandbox.faults.revoked
        or doc["expires_at"] <= call.now
        or doc["app_key"] != call.app["app_key"]
    ):
        raise ApiError("IllegalRefreshToken", "The specified refresh token is invalid or expired")
    # UNVERIFIED (lazada.md §2.3): a refresh issues a new refresh token (same expiry) and
    # the used one stops working; the old access token stays valid until it expires.
    doc["used"] = True
    sandbox.store.put("refresh", token, doc)
    return _issue(call, doc["seller_id"], doc["expires_at"], "country_user_info_list")


@api("/seller/get")
def seller_get(call: Call) -> dict[str, Any]:
    account = seller(call.seller_id)
    return {
        "data": {
            "seller_id": account["seller_id"],
            "name": account["name"],
            "name_company": account["company"],
            "short_code": account["short_code"],
            "email": account["email"],
            "logo_url": "",
            "cb": False,
            "location": "Sơn La",
            "status": "ACTIVE",
            "verified": True,
            "marketplaceEaseMode": False,
        }
    }


@consent.post("/_sandbox/apps")
def register_app() -> Response:
    """Register (or update) an app: ``{"app_key", "app_secret", "callback"}``."""
    body = request.get_json(silent=True) or {}
    if not body.get("app_key") or not body.get("app_secret"):
        abort(400)
    doc = {
        "app_key": str(body["app_key"]),
        "app_secret": str(body["app_secret"]),
        "callback": str(body.get("callback", "")),
    }
    current_sandbox().store.put("apps", doc["app_key"], doc)
    return jsonify(doc)


@consent.post("/_sandbox/tokens")
def control_tokens() -> Response | tuple[Response, int]:
    """Test control: issue the demo app's tokens for the seller named ``{"shop": name}``,
    as the consent page and /auth/token/create would."""
    ensure_demo_app()
    chosen = shop_named(request.get_json(silent=True))
    if chosen is None:
        return grant_response(None)
    sandbox = current_sandbox()
    app = sandbox.store.get("apps", DEMO_APP_KEY) or {}
    call = Call(api="/auth/token/create", params={}, app=app, now=sandbox.clock.now())
    issued = _issue(call, chosen.id, call.now + REFRESH_SECONDS, "country_user_info")
    user = issued["country_user_info"][0]
    return grant_response(
        TokenGrant(
            shop_id=chosen.id,
            shop_name=chosen.name,
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            access_expires_at=call.now + int(issued["expires_in"]),
            refresh_expires_at=call.now + int(issued["refresh_expires_in"]),
            extra={
                "country": issued["country"],
                "account": issued["account"],
                "account_platform": issued["account_platform"],
                "user_id": str(user["user_id"]),
                "short_code": str(user["short_code"]),
            },
        )
    )
