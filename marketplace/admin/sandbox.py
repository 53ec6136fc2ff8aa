"""The admin page that steers the mounted sandboxes: faults on demand, for training and demos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange

from marketplace.catalog.guards import admin_required
from marketplace.common.forms import BaseForm
from marketplace.common.forms import WholeNumberField
from marketplace.platforms import title
from marketplace.sandbox.common import ADMIN_ENVIRON_KEY
from marketplace.sandbox.common import Sandbox

bp = Blueprint("sandbox_admin", __name__, url_prefix="/admin/sandbox")
SHARE = NumberRange(0, 1, _l("Enter a share from 0 to 1."))


class FaultsForm(BaseForm):
    error_share = DecimalField(
        _l("Share of requests answered with a server error"), places=2, validators=[SHARE]
    )
    timeout_share = DecimalField(
        _l("Share of requests that time out"), places=2, validators=[SHARE]
    )
    latency_ms = WholeNumberField(
        _l("Added latency (ms)"),
        validators=[NumberRange(0, 30_000, _l("Enter a number from %(min)s to %(max)s."))],
    )
    rate_limit_next = WholeNumberField(
        _l("Rate-limit the next N requests"),
        validators=[NumberRange(0, 10_000, _l("Enter a number from %(min)s to %(max)s."))],
    )
    lose_response_next_writes = WholeNumberField(
        _l("Lose the response of the next N writes"),
        validators=[NumberRange(0, 10_000, _l("Enter a number from %(min)s to %(max)s."))],
    )
    revoked = BooleanField(_l("Revoke every token"))


class BuyerOrderForm(BaseForm):
    sku = StringField(
        _l("Variant SKU"), validators=[InputRequired(_l("Enter the SKU of a listed variant."))]
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        default=1,
        validators=[NumberRange(1, 99, _l("Enter a number from %(min)s to %(max)s."))],
    )


# Each platform's word for an order that is paid and waits to be shipped.
OPEN_ORDER_STATUS = {"shopee": "READY_TO_SHIP", "lazada": "pending", "tiktok": "AWAITING_SHIPMENT"}


def _sandboxes() -> dict[str, Sandbox]:
    mounted: dict[str, Any] = current_app.extensions.get("sandboxes", {})
    return {path.rsplit("/", 1)[-1]: app.extensions["sandbox"] for path, app in mounted.items()}


@bp.get("/")
@admin_required
def index() -> str:
    """Every mounted sandbox with its current faults."""
    return _page(
        {
            name: FaultsForm(prefix=name, obj=sandbox.faults)
            for name, sandbox in _sandboxes().items()
        }
    )


def _page(forms: dict[str, FaultsForm], orders: dict[str, BuyerOrderForm] | None = None) -> str:
    orders = orders or {}
    for name in forms:
        orders.setdefault(name, BuyerOrderForm(prefix=f"order-{name}", formdata=None))
    return render_template(
        "admin/sandbox.html",
        forms=forms,
        orders=orders,
        storefronts=_storefronts(),
    )


def _storefronts() -> dict[str, str]:
    """Each mounted sandbox's storefront page, where its demo shop's listings show."""
    mounted: dict[str, Any] = current_app.extensions.get("sandboxes", {})
    return {path.rsplit("/", 1)[-1]: f"{request.script_root}{path}/storefront" for path in mounted}


@bp.post("/<name>")
@admin_required
def update(name: str) -> Response | tuple[str, int]:
    """Set one sandbox's faults."""
    sandbox = _sandboxes().get(name)
    if sandbox is None:
        abort(404)
    form = FaultsForm(prefix=name)
    if not form.validate():
        forms = {n: FaultsForm(prefix=n, obj=s.faults) for n, s in _sandboxes().items()}
        forms[name] = form
        return _page(forms), 422
    faults = sandbox.faults
    faults.error_share = float(form.error_share.data or 0)
    faults.timeout_share = float(form.timeout_share.data or 0)
    faults.latency_ms = form.latency_ms.data or 0
    faults.rate_limit_next = form.rate_limit_next.data or 0
    faults.lose_response_next_writes = form.lose_response_next_writes.data or 0
    faults.revoked = bool(form.revoked.data)
    faults.save(sandbox.store)
    flash(gettext("Sandbox %(name)s updated.", name=name), "success")
    return redirect(url_for("sandbox_admin.index"))


@bp.post("/<name>/order")
@admin_required
def buyer_order(name: str) -> Response | tuple[str, int]:
    """A simulated buyer orders a listed variant now, to watch stock follow on the other shops."""
    mounted: dict[str, Any] = current_app.extensions.get("sandboxes", {})
    sandbox_app = mounted.get(f"/sandbox/{name}")
    if sandbox_app is None or name not in OPEN_ORDER_STATUS:
        abort(404)
    form = BuyerOrderForm(prefix=f"order-{name}")
    if form.validate():
        answer = sandbox_app.test_client().post(
            "/_sandbox/buyers",
            json={"skus": [form.sku.data.strip()], "count": 1, "quantity": form.quantity.data}
            | {"status": OPEN_ORDER_STATUS[name]},
            environ_overrides={ADMIN_ENVIRON_KEY: True},
        )
        if answer.status_code == 200:
            flash(
                gettext(
                    "A buyer ordered %(quantity)s × %(sku)s on %(name)s. The other shops' stock "
                    "follows within a minute.",
                    quantity=form.quantity.data,
                    sku=form.sku.data.strip(),
                    name=title(name),
                ),
                "success",
            )
            return redirect(url_for("sandbox_admin.index"))
        form.sku.errors = [gettext("No live listing on this shop has that SKU.")]
    forms = {n: FaultsForm(prefix=n, obj=s.faults) for n, s in _sandboxes().items()}
    return _page(forms, {name: form}), 422
