"""Locale choice: the user's own setting, then the session's, then Vietnamese."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    """Vietnamese unless the user chose otherwise."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and CLI commands: force_locale decides, else the default
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _forget_request_caches() -> None:
    # Flask-Babel, Flask-Login and our tenancy guard cache on ``g``, which lives as long as the
    # app context. A caller that pushed its own app context (tests, scripts) would
    # otherwise see the previous request's locale and cooperative.
    for key in ("_flask_babel", "cooperative", "_login_user"):
        g.pop(key, None)


def init_app(app: Flask) -> None:
    """Expose the locale and the language list to templates."""
    app.before_request(_forget_request_caches)

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }
