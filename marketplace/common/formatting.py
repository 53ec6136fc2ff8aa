"""Jinja filters for money and dates in the user's locale."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from babel.numbers import format_currency
from flask import Flask
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import get_locale

from marketplace import platforms


def money(amount: int | None) -> str:
    """Integer đồng as ``125.000 ₫`` (Vietnamese) or ``₫125,000`` (English)."""
    if amount is None:
        return "—"
    return format_currency(amount, "VND", locale=str(get_locale() or "vi"))


def day(value: date | datetime | None) -> str:
    """A date as dd/mm/yyyy in Vietnamese, the locale's medium form otherwise."""
    if value is None:
        return ""
    pattern = "dd/MM/yyyy" if str(get_locale()) == "vi" else "medium"
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def moment(value: datetime | None) -> str:
    """A timestamp in the user's time zone, e.g. 23/11/2026 14:05."""
    if value is None:
        return ""
    pattern = "dd/MM/yyyy HH:mm" if str(get_locale()) == "vi" else "medium"
    return format_datetime(value, pattern)


def month(value: datetime | None) -> str:
    """A month in the user's time zone: 12/2025 in Vietnamese, December 2025 in English."""
    if value is None:
        return ""
    return format_datetime(value, "MM/yyyy" if str(get_locale()) == "vi" else "MMMM yyyy")


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(money)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(month)
    app.add_template_global(page_url)
    app.add_template_global(platforms.title, "platform_title")


def page_url(number: int) -> str:
    """The current URL with another page number, other query arguments kept."""
    from flask import request
    from flask import url_for

    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    args.update(request.view_args or {})
    args["page"] = number
    return url_for(request.endpoint or "main.index", **args)
