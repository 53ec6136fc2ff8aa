"""Login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
    )
    remember = BooleanField(_l("Keep me logged in"))
