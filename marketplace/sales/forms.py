"""The sales page's forms: the period chooser (GET) and linking a SKU to a variant."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from marketplace.common.forms import BabelMeta
from marketplace.common.forms import BaseForm
from marketplace.common.forms import ChosenIdField


class PeriodForm(Form):
    """A month, quarter or year (``periods.recent``); read from the query string, so it
    changes nothing and carries no CSRF token."""

    class Meta(BabelMeta):
        pass

    period = SelectField(_l("Period"))


class LinkSkuForm(BaseForm):
    """A seller SKU of the unmatched order lines and the variant it is."""

    seller_sku = StringField(
        validators=[
            InputRequired(_l("The SKU is missing.")),
            Length(max=60, message=_l("A SKU has at most 60 characters.")),
        ]
    )
    variant_id = ChosenIdField(message=_l("Choose one of your cooperative's products."))
