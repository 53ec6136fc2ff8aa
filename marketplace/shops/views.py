"""Shops: connect one through the platform's consent page, see its health, check, disconnect."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from marketplace.catalog.guards import current_cooperative
from marketplace.catalog.guards import shop_manager_required
from marketplace.connectors.errors import ConnectorError
from marketplace.extensions import db
from marketplace.shops import health
from marketplace.shops import services
from marketplace.shops.errors import ShopHeldError
from marketplace.shops.models import Shop

bp = Blueprint("shops", __name__, url_prefix="/shops")
_STATE_KEY = "shop_authorization"


@bp.app_context_processor
def _health() -> dict[str, Any]:
    # The banner on the cooperative's pages (product list, shops) reads it when shown.
    return {"late_order_shops": health.late_shops, "orders_late": health.orders_late}


def shop_or_404(shop_id: int) -> Shop:
    """A shop of the current cooperative, or 404."""
    shop = db.session.get(Shop, shop_id)
    if shop is None or shop.cooperative_id != current_cooperative().id:
        abort(404)
    return shop


@bp.get("/")
@shop_manager_required
def index() -> str:
    """The cooperative's shops and their health."""
    shops = db.session.scalars(
        select(Shop).where(Shop.cooperative_id == current_cooperative().id).order_by(Shop.platform)
    ).all()
    return render_template(
        "listings/shops.html",
        cooperative=current_cooperative(),
        shops=shops,
        platforms=services.connectable_platforms(),
        storefronts=services.sandbox_storefronts(),
    )


@bp.post("/connect/<platform>")
@shop_manager_required
def connect(platform: str) -> Response:
    """Send the manager to the platform's consent page."""
    if platform not in dict(services.connectable_platforms()):
        abort(404)
    state = secrets.token_urlsafe(24)
    session[_STATE_KEY] = {
        "state": state,
        "platform": platform,
        "cooperative": current_cooperative().id,
    }
    callback = url_for("shops.callback", platform=platform, _external=True)
    return redirect(services.authorization_url(platform, callback, state))


@bp.get("/callback/<platform>")
@shop_manager_required
def callback(platform: str) -> Response:
    """The platform sends the manager back here with a single-use code."""
    expected = session.pop(_STATE_KEY, None) or {}
    params = {k: v for k, v in request.args.items() if k not in {"code", "state"}}
    code = request.args.get("code", "")
    state_ok = secrets.compare_digest(
        str(expected.get("state", "")).encode(), request.args.get("state", "").encode()
    )
    if (
        not code
        or not state_ok
        or expected.get("platform") != platform
        or expected.get("cooperative") != current_cooperative().id
    ):
        flash(gettext("The connection was not completed. Please start again."), "error")
        return redirect(url_for("shops.index"))
    try:
        shop = services.complete_authorization(current_cooperative(), platform, code, params)
    except ShopHeldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("shops.index"))
    except ConnectorError as exc:
        db.session.rollback()
        flash(gettext("The platform refused the connection: %(error)s", error=exc.message), "error")
        return redirect(url_for("shops.index"))
    db.session.commit()
    flash(gettext("Shop %(name)s is connected.", name=shop.name), "success")
    return redirect(url_for("shops.index"))


@bp.post("/<int:shop_id>/check")
@shop_manager_required
def check(shop_id: int) -> Response:
    """Call the platform once and record the outcome."""
    shop = shop_or_404(shop_id)
    ok = services.check_health(shop)
    db.session.commit()
    if ok:
        flash(gettext("The shop answers normally."), "success")
    else:
        flash(gettext("The shop did not answer: %(error)s", error=shop.last_error or ""), "error")
    return redirect(url_for("shops.index"))


@bp.post("/<int:shop_id>/disconnect")
@shop_manager_required
def disconnect(shop_id: int) -> Response:
    """Forget the shop's tokens."""
    services.disconnect(shop_or_404(shop_id))
    db.session.commit()
    flash(gettext("The shop is disconnected."), "success")
    return redirect(url_for("shops.index"))
