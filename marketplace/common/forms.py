"""Form plumbing: WTForms messages through Flask-Babel, and fields for đồng and integers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import StringField
from wtforms.validators import StopValidation
from wtforms.widgets import HiddenInput

# WTForms ships no Vietnamese catalogue. Its built-in messages are listed here so
# that extraction puts them in ours, and BabelMeta routes them through Flask-Babel.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Invalid email address."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
)


class _BabelTranslations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class BabelMeta:
    """Mix into a form's ``Meta`` so WTForms' own messages are translated by our catalogue."""

    def get_translations(self, form: Any) -> _BabelTranslations:
        return _BabelTranslations()


class BaseForm(FlaskForm):
    """Every top-level form: CSRF (from Flask-WTF) and translated messages."""

    class Meta(BabelMeta):
        pass


class SubForm(Form):
    """A repeated part of a form (no CSRF token of its own)."""

    class Meta(BabelMeta):
        pass


_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+")
_MONEY_NOISE = re.compile(r"[\s\u00a0₫đ]|vnd", re.IGNORECASE)
_MONEY = re.compile(r"\d{1,12}|\d{1,3}([.,]\d{3}){1,3}")


class MoneyField(StringField):
    """Integer đồng; accepts "125000", "125.000", "125 000 ₫"."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = (valuelist[0] if valuelist else "") or ""
        cleaned = _MONEY_NOISE.sub("", str(raw).strip())
        if not cleaned:
            self.data = None
            return
        if not _MONEY.fullmatch(cleaned):
            self.data = None
            raise ValueError(gettext("Enter an amount in đồng using digits only, e.g. 125.000."))
        self.data = int(cleaned.replace(".", "").replace(",", ""))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:,}".replace(",", ".")


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in the user's language."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = str(valuelist[0]).strip().replace(" ", "")
        if _GROUPED.fullmatch(text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d{1,12}", text, re.ASCII):
            self.data = None
            raise ValueError(gettext("Enter a whole number."))
        self.data = int(text)


class ChosenIdField(IntegerField):
    """The id of a row the page offered (a hidden field or a select's value): anything
    but a whole number in the database's integer range gets the one ``message``."""

    widget = HiddenInput()

    def __init__(self, label: Any = None, validators: Any = None, *, message: Any, **kw: Any):
        super().__init__(label, validators, **kw)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        ok = text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) < 2**31
        self.data = int(text) if ok else None

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            raise StopValidation(str(self.message))


def whole_arg(values: Mapping[str, str], name: str) -> int | None:
    """A whole number from the query or form within the database's integer range, else None:
    a request's 2**63 must not reach a query (PostgreSQL and SQLite refuse it with a 500)."""
    text = str(values.get(name, "")).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    value = int(text)
    return value if value < 2**31 else None


def choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms ``SelectChoice`` objects."""
    return [SelectChoice(value, label) for value, label in pairs]
