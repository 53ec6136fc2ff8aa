"""The admin page that steers the mounted sandboxes: faults on demand, for training and demos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms.validators import NumberRange

from marketplace.auth.guards import admin_required
from marketplace.common.forms import BaseForm
from marketplace.common.forms import WholeNumberField
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


def _sandboxes() -> dict[str, Sandbox]:
    mounted: dict[str, Any] = current_app.extensions.get("sandboxes", {})
    return {path.rsplit("/", 1)[-1]: app.extensions["sandbox"] for path, app in mounted.items()}


@bp.get("/")
@admin_required
def index() -> str:
    """Every mounted sandbox with its current faults."""
    forms = {
        name: FaultsForm(prefix=name, obj=sandbox.faults) for name, sandbox in _sandboxes().items()
    }
    return render_template("admin/sandbox.html", forms=forms)


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
        return render_template("admin/sandbox.html", forms=forms), 422
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
