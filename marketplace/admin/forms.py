"""Admin forms: cooperatives and users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from marketplace.common.forms import BaseForm
from marketplace.common.forms import choices

PHONE = r"^(0|\+84)\d{9}$"


class CooperativeForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("This field is required.")),
            Length(3, 200, _l("The name must be from %(min)d to %(max)d characters.")),
        ],
    )
    tax_code = StringField(
        _l("Tax code"),
        validators=[
            DataRequired(_l("This field is required.")),
            Regexp(r"^\d{10}(-\d{3})?$", message=_l("A tax code has 10 digits (or 10-3).")),
        ],
    )
    area_id = SelectField(_l("Commune"), coerce=int)
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Regexp(PHONE, message=_l("A phone number looks like 0912345678.")),
        ],
    )
    zalo = StringField(
        _l("Zalo"),
        validators=[
            Optional(),
            Regexp(PHONE, message=_l("A phone number looks like 0912345678.")),
        ],
    )
    ethnic_minority_led = BooleanField(_l("Led by an ethnic minority"))
    subject_type = SelectField(
        _l("OCOP subject type"),
        choices=choices(
            [
                ("cooperative", _l("Cooperative")),
                ("household", _l("Household business")),
                ("enterprise", _l("Enterprise")),
            ]
        ),
    )


class UserForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("This field is required.")),
            Email(_l("Invalid email address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("This field is required.")),
            Length(2, 120, _l("The name must be from %(min)d to %(max)d characters.")),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=choices(
            [
                ("member", _l("Cooperative member")),
                ("official", _l("Official (read-only)")),
                ("admin", _l("Administrator")),
            ]
        ),
    )
    area_id = SelectField(_l("Area (officials)"), coerce=int)
    cooperative_ids = SelectMultipleField(_l("Cooperatives"), coerce=int)
    membership_role = SelectField(
        _l("Role in the cooperatives"),
        choices=choices([("manager", _l("Manager")), ("staff", _l("Staff"))]),
    )
    locale = SelectField(_l("Language"), choices=choices([("vi", "Tiếng Việt"), ("en", "English")]))
    active = BooleanField(_l("Account active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[
            Optional(),
            Length(8, 200, _l("A password has at least %(min)d characters.")),
        ],
    )

    def validate_area_id(self, field: SelectField) -> None:
        if self.role.data == "official" and not field.data:
            raise ValidationError(_l("An official needs an area."))

    def validate_cooperative_ids(self, field: SelectMultipleField) -> None:
        if self.role.data == "member" and not field.data:
            raise ValidationError(_l("A member needs at least one cooperative."))


class MoveShopForm(BaseForm):
    """Move a shop to another cooperative: first shown for confirmation, then confirmed."""

    cooperative_id = SelectField(_l("Move to cooperative"), coerce=int)
    confirmed = BooleanField(default=False)
