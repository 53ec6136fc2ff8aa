"""Login with slow-down after failures, the user loader, and the account's own changes."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response

from marketplace.auth import throttle
from marketplace.auth.errors import AccountError
from marketplace.auth.models import User
from marketplace.extensions import db
from marketplace.extensions import login_manager

log = logging.getLogger(__name__)

# Responses that may be cached although a user is logged in: files named by their content.
CACHEABLE_ENDPOINTS = frozenset({"static", "photos.rendition"})


@dataclass
class LoginResult:
    user: User | None
    wait_seconds: int = 0


def init_login(app: Flask) -> None:
    """Configure Flask-Login; logged-in pages are never stored by a browser or a proxy."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    app.after_request(_no_store_when_logged_in)


def load_user(user_id: str) -> User | None:
    """The user named by a session or remember cookie, if the cookie is of their current version."""
    number, _, version = user_id.partition(":")
    if not (number.isdigit() and version.isdigit()) or len(number) > 10:
        return None
    user = db.session.get(User, int(number))
    if user is None or user.session_version != int(version):
        return None
    return user


def _no_store_when_logged_in(response: Response) -> Response:
    # A shared phone's back button or cache must not show the last user's pages.
    if request.endpoint in CACHEABLE_ENDPOINTS or "Cache-Control" in response.headers:
        return response
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def find_user(email: str) -> User | None:
    """Look a user up by e-mail, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@functools.cache
def _dummy_hash() -> str:
    """A hash of the same kind as real ones, checked for unknown e-mails to spend the same time."""
    return generate_password_hash("no such user")


def authenticate(email: str, password: str, address: str | None) -> LoginResult:
    """Check the password, unless this address or account has failed too often lately.

    The password is checked for unknown e-mails too (against a dummy hash) and failures
    are counted alike, so neither the answer nor its time says whether an account exists.
    """
    user = find_user(email)
    known = user is not None and user.id in throttle.known_device_users()
    attempt = throttle.Attempt.make(address, email, known)
    wait = throttle.wait_seconds(attempt)
    if wait:
        log.info("login refused from %s: too many failures", attempt.address)
        return LoginResult(None, wait)
    right = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not right or not user.is_active:
        throttle.record_failure(attempt)
        log.info("failed login from %s for user %r", attempt.address, user and user.id)
        return LoginResult(None)
    throttle.record_success(attempt)
    return LoginResult(user)


def update_profile(user: User, data: dict[str, Any]) -> None:
    """Name, phone and language, as the user typed them (spaces tidied)."""
    user.name = " ".join(data["name"].split())
    user.phone = " ".join((data.get("phone") or "").split()) or None
    user.locale = data["locale"]
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password if the current one is right; every other session ends."""
    if not user.check_password(current):
        raise AccountError("current_password", gettext("The current password is wrong."))
    user.set_password(new)
    user.end_sessions()
    db.session.flush()
    log.info("user %r changed their password", user.id)


def end_all_sessions(user: User) -> None:
    """Log the user out of every browser and device."""
    user.end_sessions()
    db.session.flush()
    log.info("user %r logged out everywhere", user.id)
