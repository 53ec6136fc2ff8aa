"""Reporting periods (month, quarter, year, custom) and the two they are compared with."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

KINDS = ("month", "quarter", "year", "custom")
LONGEST_DAYS = 366 * 5  # a custom range longer than five years is a typing mistake


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before: the previous month, quarter or year, or as many days."""
        if self.kind == "custom":
            end = self.start - timedelta(days=1)
            return Period("custom", end - timedelta(days=self.days - 1), end)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        start = add_months(self.start, -months)
        return Period(self.kind, start, self.start - timedelta(days=1))

    def year_earlier(self) -> Period:
        """The same days a year before (29 February becomes the 28th)."""
        return Period(self.kind, _year_back(self.start), _year_back(self.end))

    def months(self) -> list[str]:
        """The months the period touches, as YYYY-MM."""
        found, current = [], self.start.replace(day=1)
        while current <= self.end:
            found.append(f"{current.year:04d}-{current.month:02d}")
            current = add_months(current, 1)
        return found


def _year_back(day: date) -> date:
    last = calendar.monthrange(day.year - 1, day.month)[1]
    return day.replace(year=day.year - 1, day=min(day.day, last))


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` away from ``first``'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    return Period("month", start, add_months(start, 1) - timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    return Period("quarter", start, add_months(start, 3) - timedelta(days=1))


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def trailing_year(end: date) -> Period:
    """The twelve months that end with ``end``'s month: the trend chart's range."""
    last = add_months(end.replace(day=1), 1) - timedelta(days=1)
    return Period("custom", add_months(end.replace(day=1), -11), last)
