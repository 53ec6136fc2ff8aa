"""Periods of the sales page: a month, a quarter or a year of Vietnam calendar days.

A period travels in the query string as ``2026-12`` (a month), ``2026-Q4`` (a quarter)
or ``2026`` (a year); the page offers the recent ones (``recent``) and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

_VALUE = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?", re.ASCII)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter" or "year"
    start: date  # its first day
    months: int  # how many months it spans

    @property
    def end_exclusive(self) -> date:
        return _add_months(self.start, self.months)

    @property
    def end(self) -> date:
        return date.fromordinal(self.end_exclusive.toordinal() - 1)

    @property
    def value(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == "month":
            return gettext("Month %(month)d/%(year)d", month=self.start.month, year=year)
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return gettext("Quarter %(quarter)d/%(year)d", quarter=quarter, year=year)
        return gettext("Year %(year)d", year=year)

    def last_months(self, count: int) -> list[date]:
        """The first days of the ``count`` months ending with this period's last, oldest first."""
        last = _add_months(self.end_exclusive, -1)
        return [_add_months(last, -n) for n in range(count - 1, -1, -1)]


def month(day: date) -> Period:
    return Period("month", day.replace(day=1), 1)


def parse(value: str) -> Period | None:
    """The period a query-string value names, or None."""
    found = _VALUE.fullmatch(value.strip())
    if found is None:
        return None
    year = int(found["year"])
    if year < 2000:
        return None
    if found["month"]:
        number = int(found["month"])
        return Period("month", date(year, number, 1), 1) if 1 <= number <= 12 else None
    if found["quarter"]:
        return Period("quarter", date(year, (int(found["quarter"]) - 1) * 3 + 1, 1), 3)
    return Period("year", date(year, 1, 1), 12)


def recent(today: date) -> list[Period]:
    """What the chooser offers: the last 12 months, 8 quarters and 3 years."""
    this_month = today.replace(day=1)
    months = [month(_add_months(this_month, -n)) for n in range(12)]
    first_of_quarter = this_month.replace(month=(this_month.month - 1) // 3 * 3 + 1)
    quarters = [Period("quarter", _add_months(first_of_quarter, -3 * n), 3) for n in range(8)]
    years = [Period("year", date(today.year - n, 1, 1), 12) for n in range(3)]
    return months + quarters + years
