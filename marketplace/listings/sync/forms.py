"""The sync page's forms: the shop's rules and one category mapping.

A mapping's attribute fields depend on the platform category chosen, so they are not
declared: the form keeps the submitted ``attr-<platform id>`` values in ``attributes``
and their errors in ``attribute_errors``; the service checks them against the
platform's list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import Field
from wtforms import Form
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from marketplace.common.forms import BaseForm
from marketplace.common.forms import ChosenIdField
from marketplace.common.forms import WholeNumberField
from marketplace.listings.sync import mapping

ATTRIBUTE_PREFIX = "attr-"
MAX_ATTRIBUTES = 100
MAX_ATTRIBUTE_ID = 64
MAX_ATTRIBUTE_VALUE = 255
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Between(NumberRange):
    """A number within bounds, said the same way for every bound; a number that did not
    parse already has its own message."""

    def __init__(self, bounds: tuple[int, int]) -> None:
        super().__init__(*bounds, message=_l("Enter a number from %(min)s to %(max)s."))

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is not None:
            super().__call__(form, field)


class SyncSettingsForm(BaseForm):
    """Price rule, stock buffer, zero-stock rule; an empty number means 0."""

    price_markup_percent = WholeNumberField(
        _l("Price markup in percent"),
        validators=[Optional(), _Between(mapping.PRICE_MARKUP_PERCENT)],
    )
    price_markup_fixed = WholeNumberField(
        _l("Fixed amount added (đồng)"),
        validators=[Optional(), _Between(mapping.PRICE_MARKUP_FIXED)],
    )
    stock_buffer = WholeNumberField(
        _l("Stock kept back"), validators=[Optional(), _Between(mapping.STOCK_BUFFER)]
    )
    delist_at_zero = BooleanField(_l("Delist at zero stock (relist when it returns)"))

    def settings(self) -> dict[str, Any]:
        """The values as ``mapping.save_settings`` takes them."""
        return {
            "price_markup_percent": self.price_markup_percent.data or 0,
            "price_markup_fixed": self.price_markup_fixed.data or 0,
            "stock_buffer": self.stock_buffer.data or 0,
            "delist_at_zero": bool(self.delist_at_zero.data),
        }


class CategoryMappingForm(BaseForm):
    """One of our categories, the platform's leaf category, values for its attributes."""

    category_id = ChosenIdField(message=_l("Choose one of our categories."))
    platform_category_id = StringField(
        _l("Marketplace category"),
        validators=[
            InputRequired(
                message=_l("Choose a category at the last level of the marketplace's tree.")
            ),
            Length(max=40, message=_l("At most %(max)d characters.")),
        ],
    )

    attributes: dict[str, str]
    attribute_errors: dict[str, list[str]]

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None, **kw: Any) -> None:
        super().process(formdata, obj, data, **kw)
        self.attributes = {}
        self.attribute_errors = {}
        formdata = self.meta.wrap_formdata(self, formdata)  # Flask-WTF: the request's form
        if formdata is not None:
            self.attributes = {
                key[len(ATTRIBUTE_PREFIX) :]: str(value)
                for key, value in formdata.items()
                if key.startswith(ATTRIBUTE_PREFIX)
            }

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        return self._validate_attributes() and ok

    def _validate_attributes(self) -> bool:
        if len(self.attributes) > MAX_ATTRIBUTES:
            self.form_errors.append(gettext("Too many attributes. Reload the page."))
            return False
        for key, value in self.attributes.items():
            if not key or len(key) > MAX_ATTRIBUTE_ID or _CONTROL.search(key):
                self.form_errors.append(gettext("Unknown attribute. Reload the page."))
            elif len(value) > MAX_ATTRIBUTE_VALUE:
                self.attribute_errors[key] = [
                    gettext("At most %(max)d characters.", max=MAX_ATTRIBUTE_VALUE)
                ]
            elif _CONTROL.search(value):
                self.attribute_errors[key] = [gettext("Remove the invisible control characters.")]
        return not self.form_errors and not self.attribute_errors

    def values(self) -> dict[str, str]:
        """The attribute values that were filled in."""
        return {k: v for k, v in self.attributes.items() if v.strip()}

    def add_error(self, message: str, fields: Iterable[str]) -> None:
        """Show a service's message beside the fields it names (else above the form)."""
        placed = False
        for name in fields:
            if name.startswith(ATTRIBUTE_PREFIX):
                key = name[len(ATTRIBUTE_PREFIX) :]
                self.attribute_errors[key] = [*self.attribute_errors.get(key, []), message]
                placed = True
            elif name in self._fields:
                self[name].errors = [*self[name].errors, message]
                placed = True
        if not placed:
            self.form_errors.append(message)

    def messages(self) -> list[str]:
        """Every error of the form, for a page that cannot show them beside the fields."""
        found = [*self.form_errors]
        for field in self:
            found += [str(e) for e in field.errors]
        for errors in self.attribute_errors.values():
            found += errors
        return list(dict.fromkeys(found))
