"""The dashboard put together: whose figures, which tables, every cell through privacy.py."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import platforms
from marketplace.auth.models import User
from marketplace.catalog.models import Area
from marketplace.catalog.models import AreaKind
from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.extensions import db
from marketplace.reports import privacy
from marketplace.reports import queries
from marketplace.reports import state
from marketplace.reports.period import Period
from marketplace.reports.period import trailing_year
from marketplace.reports.queries import Figures
from marketplace.reports.queries import Scope

TOP_PRODUCTS = 10


class OutOfScopeError(Exception):
    """The area or cooperative asked for does not exist or lies outside the user's area."""


@dataclass(frozen=True)
class Where:
    area: Area
    cooperative: Cooperative | None
    scope: Scope


@dataclass(frozen=True)
class Line:
    label: str
    figures: Figures | None  # None: suppressed, shown as "—"
    drill: tuple[str, int] | None = None  # ("area" | "cooperative", id) for a link


@dataclass
class Table:
    name: str
    title: str
    key_title: str
    lines: list[Line]


@dataclass
class Dashboard:
    where: Where
    period: Period
    compared: dict[str, Period]
    totals: dict[str, Figures | None]
    tables: dict[str, Table] = field(default_factory=dict)
    accounts: tuple[list[state.Accounts], state.Accounts] = ([], state.Accounts("", 0, 0, 0))
    fresh_at: datetime | None = None
    withholding: int = 0  # household businesses whose sales are left out
    restated: list[tuple[date, datetime]] = field(default_factory=list)


def locate(user: User, area_id: int | None, cooperative_id: int | None) -> Where:
    """The part of the map the user asked for, within what they may see."""
    home = _home_area(user)
    allowed = queries.scope_for(home.id).area_ids if not user.is_admin else None
    area = home
    if area_id is not None and area_id != home.id:
        found = db.session.get(Area, area_id)
        if found is None or (allowed is not None and found.id not in allowed):
            raise OutOfScopeError
        area = found
    if cooperative_id is None:
        return Where(area, None, queries.scope_for(area.id))
    coop = db.session.get(Cooperative, cooperative_id)
    inside = queries.scope_for(area.id).area_ids
    if coop is None or coop.area_id not in inside:
        raise OutOfScopeError
    return Where(coop.area, coop, Scope((coop.area_id,), coop.id))


def areas() -> list[Area]:
    """Every province and commune, for an admin's choice of area."""
    return list(db.session.scalars(select(Area).order_by(Area.kind.desc(), Area.name)))


def _home_area(user: User) -> Area:
    if user.is_admin and user.area_id is None:
        area = db.session.scalars(
            select(Area).where(Area.kind == AreaKind.PROVINCE).order_by(Area.id).limit(1)
        ).first()
    else:
        area = db.session.get(Area, user.area_id) if user.area_id else None
    if area is None:
        raise OutOfScopeError
    return area


def build(where: Where, period: Period, now: datetime | None = None) -> Dashboard:
    """Every figure the page and the exports show, in a constant number of queries."""
    scope = where.scope
    compared = {"current": period, "previous": period.previous(), "year": period.year_earlier()}
    totals = {
        name: privacy.guard(
            queries.totals(scope, p.start, p.end),
            queries.withheld(scope, p.start, p.end, None).get(None),
        )
        for name, p in compared.items()
    }
    board = Dashboard(where, period, compared, totals, withholding=privacy.withholding(scope))
    names = _names(scope)
    for by in queries.BREAKDOWNS:
        if by == "commune" and where.area.kind == AreaKind.COMMUNE:
            continue  # one row that repeats the totals
        if by == "cooperative" and where.cooperative is not None:
            continue
        rows = queries.breakdown(scope, period.start, period.end, by)
        parts = queries.withheld(scope, period.start, period.end, by)
        board.tables[by] = _table(by, privacy.guard_rows(rows, parts, by == "month"), names)
    board.tables["month"] = _every_month(board.tables["month"], period, names)
    trend = trailing_year(period.end)
    rows = queries.breakdown(scope, trend.start, trend.end, "month")
    parts = queries.withheld(scope, trend.start, trend.end, "month")
    guarded = _table("trend", privacy.guard_rows(rows, parts, True), names)
    board.tables["trend"] = _every_month(guarded, trend, names)
    board.tables["top"] = _top(scope, period)
    board.accounts = state.accounts(scope)
    board.fresh_at = state.freshness(scope)
    board.restated = state.restated_months(scope, period, now or datetime.now(UTC))
    return board


def _names(scope: Scope) -> dict[str, dict[Any, str]]:
    areas = db.session.execute(select(Area.id, Area.name).where(Area.id.in_(scope.area_ids)))
    coops = db.session.execute(
        select(Cooperative.id, Cooperative.name).where(Cooperative.area_id.in_(scope.area_ids))
    )
    categories = db.session.execute(select(Category.id, Category.name_vi, Category.name_en))
    vi = str(get_locale() or "vi") == "vi"
    return {
        "commune": dict(areas.all()),
        "cooperative": dict(coops.all()),
        "category": {i: (nv if vi else ne) for i, nv, ne in categories},
    }


def _label(by: str, key: Any, names: dict[str, dict[Any, str]]) -> str:
    if by in ("commune", "cooperative", "category"):
        return _("Uncategorised") if key is None else names[by].get(key, str(key))
    if by == "channel":
        return platforms.title(key)
    if by in ("month", "trend"):
        year, month = str(key).split("-")
        return f"{month}/{year}"
    if by == "stars":
        return _("No OCOP stars") if key is None else f"{key} ★"
    if by == "ethnic":
        return _("Ethnic-minority-led") if key else _("Other")
    return {
        "cooperative": _("Cooperative"),
        "household": _("Household business"),
        "enterprise": _("Enterprise"),
    }.get(str(key), str(key))


def _drill(by: str, key: Any) -> tuple[str, int] | None:
    if by == "commune" and key is not None:
        return ("area", int(key))
    if by == "cooperative" and key is not None:
        return ("cooperative", int(key))
    return None


def _table(by: str, rows: list[privacy.Row], names: dict[str, dict[Any, str]]) -> Table:
    lines = [Line(_label(by, key, names), figures, _drill(by, key)) for key, figures in rows]
    return Table(by, titles()[by], key_titles()[by], lines)


def _every_month(table: Table, period: Period, names: dict[str, dict[Any, str]]) -> Table:
    """A month without sales is a row of zeros, so the trend shows the gap."""
    found = {line.label: line for line in table.lines}
    lines = []
    for month in period.months():
        label = _label("month", month, names)
        lines.append(found.get(label) or Line(label, Figures()))
    return Table(table.name, table.title, table.key_title, lines)


def _top(scope: Scope, period: Period) -> Table:
    """The best-selling products; a withholding household's products are left out, since a
    ranked "—" would still tell roughly how much it sold."""
    top = queries.top_products(scope, period.start, period.end, TOP_PRODUCTS)
    parts = queries.withheld(scope, period.start, period.end, "product")
    guarded = [(name, privacy.guard(figures, parts.get(pid))) for pid, name, figures in top]
    lines = [Line(name, figures) for name, figures in guarded if figures is not None]
    return Table("top", titles()["top"], key_titles()["top"], lines)


def titles() -> dict[str, str]:
    return {
        "commune": _("By commune"),
        "channel": _("By platform"),
        "month": _("By month"),
        "trend": _("Monthly trend, last 12 months"),
        "stars": _("By OCOP stars"),
        "category": _("By category"),
        "cooperative": _("By cooperative"),
        "ethnic": _("Ethnic-minority-led cooperatives"),
        "subject": _("By type of producer"),
        "top": _("Top products"),
    }


def key_titles() -> dict[str, str]:
    return {
        "commune": _("Commune"),
        "channel": _("Platform"),
        "month": _("Month"),
        "trend": _("Month"),
        "stars": _("OCOP stars"),
        "category": _("Category"),
        "cooperative": _("Cooperative"),
        "ethnic": _("Led by"),
        "subject": _("Type of producer"),
        "top": _("Product"),
    }
