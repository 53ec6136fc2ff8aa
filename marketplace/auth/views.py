"""Log in, log out, choose the cooperative to work on."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext
from flask_babel import ngettext
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from werkzeug.wrappers import Response

from marketplace.auth import services
from marketplace.auth.forms import LoginForm
from marketplace.common.urls import safe_next
from marketplace.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """The login page; a wrong password says so without telling which part was wrong."""
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data or "", form.password.data or "")
        db.session.commit()
        if result.user is not None:
            session.clear()
            login_user(result.user, remember=bool(form.remember.data))
            session["locale"] = result.user.locale
            return redirect(_safe_next(request.args.get("next")))
        if result.wait_seconds:
            minutes = max(1, (result.wait_seconds + 59) // 60)
            message = ngettext(
                "Too many failed attempts. Try again in %(num)d minute.",
                "Too many failed attempts. Try again in %(num)d minutes.",
                minutes,
            )
            return render_template("auth/login.html", form=form, error=message), 429
        return render_template(
            "auth/login.html", form=form, error=gettext("Wrong email or password.")
        ), 200
    return render_template("auth/login.html", form=form, error=None)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out and forget the session."""
    logout_user()
    session.clear()
    flash(gettext("You have logged out."), "info")
    return redirect(url_for("auth.login"))
