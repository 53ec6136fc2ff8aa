"""Health checks and locale persistence."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text

from marketplace.auth.models import User
from marketplace.extensions import db
from marketplace.extensions import rq

log = logging.getLogger(__name__)


def health() -> dict[str, Any]:
    """Ask the database and Redis for a sign of life."""
    state: dict[str, Any] = {}
    try:
        db.session.execute(text("SELECT 1"))
        state["database"] = "ok"
    except Exception as exc:  # any driver error means "not answering"
        log.warning("health: database %r", exc)
        db.session.rollback()
        state["database"] = "error"
    try:
        rq.get_queue("default").connection.ping()
        state["redis"] = "ok"
    except Exception as exc:
        log.warning("health: redis %r", exc)
        state["redis"] = "error"
    return state


def set_user_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = locale
    db.session.commit()
