"""The dashboard's GET form: which period, which part of the map, which export."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from marketplace.common.forms import BaseForm
from marketplace.common.forms import choices
from marketplace.reports import period as periods
from marketplace.reports.period import Period
from marketplace.reports.state import VIETNAM

MAX_ID = 2**31 - 1
TABLES = (
    "totals",
    "accounts",
    "commune",
    "channel",
    "month",
    "trend",
    "stars",
    "category",
    "cooperative",
    "ethnic",
    "subject",
    "top",
)


class ReportForm(BaseForm):
    """Read from the query string; a GET that changes nothing needs no CSRF token."""

    class Meta(BaseForm.Meta):
        csrf = False

    kind = SelectField(
        _l("Period"),
        choices=choices(
            [
                ("month", _l("Month")),
                ("quarter", _l("Quarter")),
                ("year", _l("Year")),
                ("custom", _l("From … to …")),
            ]
        ),
        default="month",
    )
    year = IntegerField(
        _l("Year"),
        validators=[
            Optional(),
            NumberRange(2000, 2100, _l("Choose a year between 2000 and 2100.")),
        ],
    )
    month = SelectField(
        _l("Month"),
        choices=choices((str(m), f"{m:02d}") for m in range(1, 13)),
        validate_choice=True,
        default=None,
    )
    quarter = SelectField(
        _l("Quarter"), choices=choices((str(q), f"Q{q}") for q in range(1, 5)), default="1"
    )
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    area = IntegerField(
        validators=[Optional(), NumberRange(1, MAX_ID, _l("No such area or cooperative."))]
    )
    cooperative = IntegerField(
        validators=[Optional(), NumberRange(1, MAX_ID, _l("No such area or cooperative."))]
    )
    format = SelectField(choices=choices([("", ""), ("xlsx", "XLSX"), ("csv", "CSV")]), default="")
    table = SelectField(choices=choices([("", ""), *((t, t) for t in TABLES)]), default="")

    @classmethod
    def from_args(cls, args: Any, now: datetime | None = None) -> ReportForm:
        """The form read from the query string; this month in Vietnam where none is chosen."""
        today = (now or datetime.now(UTC)).astimezone(VIETNAM).date()
        return cls(
            args,
            year=today.year,
            month=str(today.month),
            quarter=str((today.month - 1) // 3 + 1),
        )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        message = self._range_error() if self.kind.data == "custom" else None
        if message is not None:
            self.end.errors = [*self.end.errors, message]
        return valid and message is None

    def _range_error(self) -> str | None:
        """What is wrong with a custom range; None when it is right (or its fields already
        said what is wrong)."""
        first, last = self.start.data, self.end.data
        if self.start.errors or self.end.errors:
            return None
        if first is None or last is None:
            return str(_l("Choose both the first and the last day."))
        if first.year < 2000 or last.year > 2100:
            return str(_l("Choose days between the years 2000 and 2100."))
        if first > last:
            return str(_l("The first day must not be after the last day."))
        if (last - first).days >= periods.LONGEST_DAYS:
            return str(_l("Choose a range of at most five years."))
        return None

    def validate_table(self, field: Any) -> None:
        if self.format.data and not field.data:
            raise ValidationError(_l("Choose which table to export."))

    def period(self) -> Period:
        kind, year = self.kind.data, int(self.year.data or 2000)
        if kind == "custom":
            return Period("custom", self.start.data, self.end.data)
        if kind == "quarter":
            return periods.quarter_period(year, int(self.quarter.data))
        if kind == "year":
            return periods.year_period(year)
        return periods.month_period(year, int(self.month.data))
