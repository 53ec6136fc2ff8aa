"""The import page's forms: link a listing to a product, ignore it or show it again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.widgets import HiddenInput

from marketplace.common.forms import BaseForm
from marketplace.common.forms import ChosenIdField
from marketplace.common.forms import choices


class LinkForm(BaseForm):
    """The product the listing becomes (the service checks it is the cooperative's)."""

    product_id = ChosenIdField(message=_l("Choose a product of your catalogue."))


class IgnoreForm(BaseForm):
    """``ignored=1`` (the default) hides the listing, ``0`` shows it again."""

    ignored = SelectField(
        choices=choices([("1", ""), ("0", "")]), default="1", widget=HiddenInput()
    )

    def hide(self) -> bool:
        return self.ignored.data != "0"
