"""Login with slow-down after failures, and the user loader."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.extensions import login_manager

log = logging.getLogger(__name__)


@dataclass
class LoginResult:
    user: User | None
    wait_seconds: int = 0


def init_login(app: Flask) -> None:
    """Configure Flask-Login."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def find_user(email: str) -> User | None:
    """Look a user up by e-mail, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> LoginResult:
    """Check the password; after a few failures each further try must wait longer.

    The delay doubles from 30 s up to ``LOGIN_MAX_DELAY`` and is kept in the
    database so it holds across processes and restarts.
    """
    user = find_user(email)
    now = utcnow()
    if user is None:
        return LoginResult(None)
    if user.locked_until is not None and user.locked_until > now:
        return LoginResult(None, int((user.locked_until - now).total_seconds()) + 1)
    if not user.check_password(password) or not user.is_active:
        user.failed_logins += 1
        free = current_app.config["LOGIN_FREE_ATTEMPTS"]
        if user.failed_logins >= free:
            delay = timedelta(seconds=30 * 2 ** (user.failed_logins - free))
            user.locked_until = now + min(delay, current_app.config["LOGIN_MAX_DELAY"])
        db.session.flush()
        log.info("failed login for user %r (%d in a row)", user.id, user.failed_logins)
        return LoginResult(None)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return LoginResult(user)
