"""The history walk on /shops: its progress or how far it got, and "pull again".

The shops page belongs to a package below this one, so the status is a template hook
(``shop-card``) rendered inside each shop's card; the walks of the cooperative's shops
are read once per page, not once per card.
"""

from __future__ import annotations

from typing import Any
from typing import cast

from flask import Blueprint
from flask import Flask
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.catalog.guards import shop_manager_required
from marketplace.common import hooks
from marketplace.extensions import db
from marketplace.sales.history import services
from marketplace.sales.history import tasks
from marketplace.sales.models import OrderHistory
from marketplace.shops import health
from marketplace.shops.models import Shop
from marketplace.shops.views import shop_or_404

bp = Blueprint("order_history", __name__, url_prefix="/shops")


@bp.post("/<int:shop_id>/history")
@shop_manager_required
def pull_again(shop_id: int) -> Response:
    """Pull the shop's past orders (again): a finished walk starts afresh from now,
    one under way continues where it stopped."""
    shop = shop_or_404(shop_id)
    if not health.takes_orders(shop):
        flash(gettext("Past orders can only be pulled from a connected shop."), "error")
        return redirect(url_for("shops.index"))
    user: Any = current_user
    tasks.request_history(shop, by_user=user.id)
    db.session.commit()
    flash(gettext("Past orders are being pulled in the background."), "success")
    return redirect(url_for("shops.index"))


def _page_states(cooperative_id: int) -> dict[int, OrderHistory]:
    cache: dict[int, dict[int, OrderHistory]] = g.setdefault("order_history_states", {})
    if cooperative_id not in cache:
        cache[cooperative_id] = services.states_of(cooperative_id)
    return cache[cooperative_id]


def history_status(shop: Shop) -> str:
    """The shop card's lines about its past orders (the ``shop-card`` hook)."""
    if not health.takes_orders(shop):
        return ""
    state = _page_states(shop.cooperative_id).get(shop.id)
    return render_template(
        "sales/_history_status.html",
        shop=shop,
        state=state,
        percent=services.percent(state) if state else 0,
        job_id=tasks.pull_order_history.job_id(shop_id=shop.id),
    )


@bp.record_once
def _register_hooks(state: BlueprintSetupState) -> None:
    hooks.register(cast(Flask, state.app), "shop-card", history_status)
