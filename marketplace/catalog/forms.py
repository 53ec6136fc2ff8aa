"""The product form with its variants on one page."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import FieldList
from wtforms import FormField
from wtforms import HiddenField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from marketplace.common.forms import BaseForm
from marketplace.common.forms import MoneyField
from marketplace.common.forms import SubForm
from marketplace.common.forms import WholeNumberField
from marketplace.common.forms import choices

SKU_PATTERN = r"^[A-Za-z0-9._-]+$"
MIN_PRICE = 1_000
MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000
MAX_VARIANTS = 50
_DANGEROUS_HTML = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math)\b|\son\w+\s*=|javascript:",
    re.IGNORECASE,
)


def _gtin_ok(code: str) -> bool:
    """GS1 check digit of an EAN-8, UPC-A, EAN-13 or GTIN-14 code."""
    digits = [int(d) for d in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(form: Any) -> bool:
    """Invisible control characters (pasted from other software) break exports and PostgreSQL."""
    ok = True
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                ok = _refuse_control_characters(entry.form) and ok
        elif isinstance(field.data, str) and _CONTROL.search(field.data):
            field.errors = [*field.errors, _l("Remove the invisible control characters.")]
            ok = False
    return ok


def _optional_int(label: Any, low: int, high: int) -> WholeNumberField:
    message = _l("Enter a number from %(min)s to %(max)s.")
    return WholeNumberField(label, validators=[Optional(), NumberRange(low, high, message)])


class VariantForm(SubForm):
    id = HiddenField()
    sku = StringField(
        _l("SKU"),
        validators=[
            DataRequired(_l("Every variant needs a SKU.")),
            Length(max=50, message=_l("A SKU has at most 50 characters.")),
            Regexp(SKU_PATTERN, message=_l("A SKU may use only letters, digits and - _ .")),
        ],
    )
    options = StringField(
        _l("Options"),
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
        description=_l("For example: Khối lượng: 500 g"),
    )
    price = MoneyField(
        _l("Price (đồng)"),
        validators=[
            InputRequired(_l("Enter the price.")),
            NumberRange(
                MIN_PRICE,
                MAX_PRICE,
                _l("The price must be from 1.000 ₫ to 1 billion ₫."),
            ),
        ],
    )
    list_price = MoneyField(
        _l("List price (đồng)"),
        validators=[
            Optional(),
            NumberRange(
                MIN_PRICE,
                MAX_PRICE,
                _l("The price must be from 1.000 ₫ to 1 billion ₫."),
            ),
        ],
    )
    stock = WholeNumberField(
        _l("Stock on hand"),
        default=0,
        validators=[
            Optional(),
            NumberRange(0, MAX_STOCK, _l("Stock must be from 0 to 1,000,000.")),
        ],
    )
    weight_g = _optional_int(_l("Weight (g)"), 1, 100_000)
    length_cm = _optional_int(_l("Length (cm)"), 1, 300)
    width_cm = _optional_int(_l("Width (cm)"), 1, 300)
    height_cm = _optional_int(_l("Height (cm)"), 1, 300)
    barcode = StringField(_l("Barcode"), validators=[Optional()])
    remove = BooleanField(_l("Remove this variant"))

    def validate_list_price(self, field: MoneyField) -> None:
        if field.data is not None and self.price.data and field.data < self.price.data:
            raise ValidationError(_l("The list price cannot be lower than the price."))

    def validate_barcode(self, field: StringField) -> None:
        code = (field.data or "").strip()
        if not re.fullmatch(r"\d{8}|\d{12,14}", code) or not _gtin_ok(code):
            raise ValidationError(_l("Not a valid barcode (EAN-8, UPC or EAN-13)."))


def _text(label: Any, max_length: int, required: bool = False) -> StringField:
    validators: list[Any] = [Length(max=max_length, message=_l("At most %(max)d characters."))]
    validators.insert(0, DataRequired(_l("This field is required.")) if required else Optional())
    return StringField(label, validators=validators)


class ProductForm(BaseForm):
    version = HiddenField()
    name = StringField(
        _l("Product name"),
        validators=[
            DataRequired(_l("Enter the product name.")),
            Length(3, 200, _l("The name must be from %(min)d to %(max)d characters.")),
        ],
    )
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=True)
    brand = _text(_l("Brand"), 100)
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=20_000, message=_l("At most %(max)d characters."))],
    )
    ingredients = TextAreaField(
        _l("Ingredients"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    storage = TextAreaField(
        _l("Storage"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    shelf_life_days = _optional_int(_l("Shelf life (days)"), 1, 3650)
    origin_area_id = SelectField(_l("Origin commune"), coerce=int, validate_choice=True)
    ocop_stars = SelectField(
        _l("OCOP stars"),
        coerce=int,
        choices=choices([(0, _l("Not rated")), (3, "3 ★"), (4, "4 ★"), (5, "5 ★")]),
    )
    ocop_certificate_no = _text(_l("OCOP certificate number"), 50)
    ocop_issuer = _text(_l("Issued by"), 200)
    ocop_issued_on = DateField(_l("Issued on"), validators=[Optional()])
    ocop_expires_on = DateField(_l("Expires on"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=choices([("draft", _l("Draft")), ("active", _l("Active"))]),
        default="draft",
    )
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=MAX_VARIANTS)
    add_variant = SubmitField(_l("Add a variant"))
    save = SubmitField(_l("Save"))

    def validate_description(self, field: TextAreaField) -> None:
        if _DANGEROUS_HTML.search(field.data or ""):
            raise ValidationError(
                _l("The description may not contain scripts, frames or event handlers.")
            )

    def validate_ocop_expires_on(self, field: DateField) -> None:
        issued = self.ocop_issued_on.data
        if field.data and issued and field.data <= issued:
            raise ValidationError(_l("The expiry date must be after the issue date."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        valid = _refuse_control_characters(self) and valid
        # Cross-field rule: the field's own chain stops at Optional() when it is empty.
        if self.ocop_stars.data and not (self.ocop_certificate_no.data or "").strip():
            self.ocop_certificate_no.errors = [
                *self.ocop_certificate_no.errors,
                _l("A rated product needs its OCOP certificate number."),
            ]
            valid = False
        return valid

    def validate_variants(self, field: FieldList) -> None:
        kept = [entry for entry in field.entries if not entry.form.remove.data]
        if not kept:
            raise ValidationError(_l("A product needs at least one variant."))
        seen: set[str] = set()
        for entry in kept:
            sku = (entry.form.sku.data or "").strip().upper()
            if sku and sku in seen:
                entry.form.sku.errors = [
                    *entry.form.sku.errors,
                    _l("This SKU is used twice."),
                ]
                raise ValidationError(_l("Each variant needs its own SKU."))
            seen.add(sku)
