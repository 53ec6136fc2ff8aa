"""Error pages in the user's language, JSON for JSON clients; never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood."),
        403: gettext("You do not have permission to see this page."),
        404: gettext("This page does not exist, or it belongs to another cooperative."),
        405: gettext("This action is not allowed here."),
        409: gettext("Someone else changed this at the same time."),
        413: gettext("The file is too large. Choose a smaller one and try again."),
        429: gettext("Too many attempts. Wait a little and try again."),
        500: gettext("Something went wrong on our side. Nothing was saved; please try again."),
    }


def _render(code: int, message: str | None = None) -> ResponseReturnValue:
    text = message or _messages().get(code, gettext("Something went wrong."))
    wants_json = request.path.startswith(("/jobs/", "/healthz")) or (
        request.accept_mimetypes.best == "application/json"
    )
    if wants_json:
        return jsonify(error=text, status=code), code
    return render_template("errors/error.html", code=code, message=text), code


def handle_http(error: HTTPException) -> ResponseReturnValue:
    """Any HTTP error raised by a view or by Werkzeug."""
    return _render(error.code or 500)


def handle_csrf(error: CSRFError) -> ResponseReturnValue:
    """An expired or missing CSRF token."""
    return _render(400, gettext("The form expired. Go back, reload the page and try again."))


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Log the traceback; show a calm page."""
    log.error("unhandled error on %s", request.path, exc_info=error)
    from marketplace.extensions import db

    db.session.rollback()
    return _render(500)


def init_app(app: Flask) -> None:
    """Install the handlers."""
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
