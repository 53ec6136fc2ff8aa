"""Home, health check and language choice."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from marketplace.common.urls import safe_next
from marketplace.main import services

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> BaseResponse | str:
    """Send each kind of user to where their work is."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_official:
        # By path, not url_for: main sits beside reports in the layers and imports none of it.
        return redirect("/reports/")
    if current_user.is_admin and not current_user.memberships:
        return redirect(url_for("admin.cooperatives"))
    return redirect(url_for("catalog.products"))


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Database and Redis state; 200 only when both answer."""
    state: dict[str, Any] = services.health()
    ok = state["database"] == "ok" and state["redis"] == "ok"
    state["status"] = "ok" if ok else "degraded"
    return jsonify(state), 200 if ok else 503


@bp.post("/locale")
def set_locale() -> BaseResponse:
    """Switch the interface language and come back to the same page."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_user_locale(current_user, locale)
    return redirect(safe_next(request.form.get("next"), url_for("main.index")))
