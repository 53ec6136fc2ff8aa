"""Locale choice: the user's own setting, then the session's, then Vietnamese."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    """Vietnamese unless the user chose otherwise."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    """Expose the locale and the language list to templates."""

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }
