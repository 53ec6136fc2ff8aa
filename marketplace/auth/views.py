"""Log in, log out, and the user's own account page."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from werkzeug.wrappers import Response

from marketplace.auth import services
from marketplace.auth import throttle
from marketplace.auth.errors import AccountError
from marketplace.auth.forms import LoginForm
from marketplace.auth.forms import LogoutEverywhereForm
from marketplace.auth.forms import PasswordForm
from marketplace.auth.forms import ProfileForm
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
        result = services.authenticate(
            form.email.data or "", form.password.data or "", request.remote_addr
        )
        db.session.commit()
        if result.user is not None:
            session.clear()
            login_user(result.user, remember=bool(form.remember.data))
            session["locale"] = result.user.locale
            response = redirect(_safe_next(request.args.get("next")))
            throttle.remember_device(response, result.user.id)
            return response
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


def _end_this_session() -> None:
    # Clear first: logout_user then leaves its "forget the remember cookie" mark in the
    # fresh session, which the response carries out.
    session.clear()
    logout_user()


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out here; the session and remember cookies copied from this browser stop working too."""
    services.end_all_sessions(current_user)
    db.session.commit()
    _end_this_session()
    flash(gettext("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _account_page(status: int = 200, **forms: object) -> tuple[str, int]:
    forms.setdefault("profile", ProfileForm(prefix="profile", obj=current_user))
    forms.setdefault("password", PasswordForm(prefix="password"))
    forms.setdefault("everywhere", LogoutEverywhereForm(prefix="everywhere"))
    return render_template("auth/account.html", **forms), status


@bp.get("/account")
@login_required
def account() -> tuple[str, int]:
    """Profile, language, password and "log out everywhere"."""
    return _account_page()


@bp.post("/account/profile")
@login_required
def profile() -> Response | tuple[str, int]:
    """Save name, phone and language."""
    form = ProfileForm(prefix="profile")
    if not form.validate_on_submit():
        return _account_page(422, profile=form)
    services.update_profile(current_user, form.data)
    db.session.commit()
    session["locale"] = current_user.locale
    flash(gettext("Your profile is saved."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/password")
@login_required
def password() -> Response | tuple[str, int]:
    """Change the password; other browsers are logged out, this one stays in."""
    form = PasswordForm(prefix="password")
    if not form.validate_on_submit():
        return _account_page(422, password=form)
    try:
        services.change_password(
            current_user, form.current_password.data or "", form.new_password.data or ""
        )
    except AccountError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return _account_page(422, password=form)
    db.session.commit()
    remember = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
    login_user(current_user._get_current_object(), remember=remember)
    flash(gettext("Your password is changed. Other devices are logged out."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> Response | tuple[str, int]:
    """End every session of this user, this one included."""
    form = LogoutEverywhereForm(prefix="everywhere")
    if not form.validate_on_submit():
        return _account_page(400, everywhere=form)
    services.end_all_sessions(current_user)
    db.session.commit()
    _end_this_session()
    flash(gettext("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))
