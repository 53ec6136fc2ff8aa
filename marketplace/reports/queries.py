"""The dashboard's raw queries over ``sales_daily``: each one SQL statement.

Nothing here hides anything: ``withheld`` tells the layer above (``privacy.py``) what to
take out, and every page and export goes through that layer.
Every query filters ``area_id IN scope`` and the period. Whole months (the dashboard's
month, quarter and year) are read from ``sales_monthly`` through its covering
``ix_sales_monthly_area_month``, other ranges from ``sales_daily`` (``ix_sales_daily_area_day``):
bench/rollups.py measured a province's year on the days at ~10× the 50 ms target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import extract
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import aliased

from marketplace.catalog.models import Area
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import SubjectType
from marketplace.extensions import db
from marketplace.sales.models import SalesDaily
from marketplace.sales.models import SalesMonthly

Rollup = type[SalesDaily] | type[SalesMonthly]

BREAKDOWNS = (
    "commune",
    "channel",
    "month",
    "stars",
    "category",
    "cooperative",
    "ethnic",
    "subject",
)


@dataclass(frozen=True)
class Scope:
    """The communes an official may see (their own area included), maybe one cooperative."""

    area_ids: tuple[int, ...]
    cooperative_id: int | None = None


@dataclass(frozen=True)
class Withheld:
    producers: int  # cooperatives whose sales the cell holds
    households: int  # of them, household businesses that have not agreed to share
    figures: Figures  # those households' sums


@dataclass(frozen=True)
class Figures:
    orders: int = 0
    units: int = 0
    gross: int = 0
    net: int = 0
    unsettled_gross: int = 0
    adjusted_gross: int = 0


def scope_for(area_id: int, cooperative_id: int | None = None) -> Scope:
    """The area and the communes directly under it (provinces hold communes since 2025)."""
    ids = db.session.scalars(
        select(Area.id).where(or_(Area.id == area_id, Area.parent_id == area_id)).order_by(Area.id)
    ).all()
    return Scope(tuple(ids), cooperative_id)


def _rollup(start: date, end: date) -> Rollup:
    """The monthly rows when start..end is whole months, else the daily ones."""
    whole = start.day == 1 and (end + timedelta(days=1)).day == 1
    return SalesMonthly if whole else SalesDaily


def _period(d: Rollup) -> Any:
    return d.month if d is SalesMonthly else d.day


def _sums(d: Rollup) -> list[ColumnElement[Any]]:
    return [
        func.coalesce(func.sum(col), 0)
        for col in (d.orders, d.units, d.gross, d.net, d.unsettled_gross, d.adjusted_gross)
    ]


def _figures(row: Any) -> Figures:
    return Figures(*(int(value or 0) for value in row))


def _where(query: Select[Any], d: Rollup, scope: Scope, start: date, end: date) -> Select[Any]:
    period = _period(d)
    query = query.where(d.area_id.in_(scope.area_ids), period >= start, period <= end)
    if scope.cooperative_id is not None:
        query = query.where(d.cooperative_id == scope.cooperative_id)
    return query


def _keys(d: Rollup, by: str) -> tuple[list[Any], Any]:
    """The grouping columns of a breakdown and the join it needs (None for none)."""
    if by == "commune":
        return [d.area_id], None
    if by == "channel":
        return [d.channel], None
    if by == "month":
        return [extract("year", _period(d)), extract("month", _period(d))], None
    if by == "cooperative":
        return [d.cooperative_id], None
    if by == "product":
        return [d.product_id], None
    if by == "stars":
        return [Product.ocop_stars], Product
    if by == "category":
        return [Product.category_id], Product
    if by == "ethnic":
        return [Cooperative.ethnic_minority_led], Cooperative
    if by == "subject":
        return [Cooperative.subject_type], Cooperative
    raise ValueError(f"unknown breakdown {by!r}")


def _joined(query: Select[Any], d: Rollup, join: Any) -> Select[Any]:
    if join is Product:  # product 0 (lines that matched no variant) has no product row
        return query.outerjoin(Product, Product.id == d.product_id)
    if join is Cooperative:
        return query.join(Cooperative, Cooperative.id == d.cooperative_id)
    return query


def _key(by: str, row: Any) -> Any:
    if by == "month":
        return f"{int(row[0]):04d}-{int(row[1]):02d}"
    value = row[0]
    if by == "subject" and value is not None:
        return str(getattr(value, "value", value))
    if by == "ethnic":
        return bool(value)
    return value


def totals(scope: Scope, start: date, end: date) -> Figures:
    """The scope's sums over the days start..end (both included)."""
    d = _rollup(start, end)
    row = db.session.execute(_where(select(*_sums(d)), d, scope, start, end)).one()
    return _figures(row)


def breakdown(scope: Scope, start: date, end: date, by: str) -> list[tuple[Any, Figures]]:
    """The sums grouped by one of BREAKDOWNS, largest gross first (months in order)."""
    d = _rollup(start, end)
    keys, join = _keys(d, by)
    sums = _sums(d)
    query = _joined(select(*keys, *sums).select_from(d), d, join)
    query = _where(query, d, scope, start, end).group_by(*keys)
    query = query.order_by(*keys) if by == "month" else query.order_by(sums[2].desc(), *keys)
    width = len(keys)
    return [(_key(by, row), _figures(row[width:])) for row in db.session.execute(query)]


def top_products(
    scope: Scope, start: date, end: date, limit: int = 10
) -> list[tuple[int, str, Figures]]:
    """The products with the largest gross; lines that matched no product are left out."""
    d = _rollup(start, end)
    sums = _sums(d)
    # The top ids first, then their names: joining every product of a province before
    # the sort was the slowest dashboard query (bench/rollups.py).
    best = select(d.product_id, *sums).where(d.product_id != 0)
    best = _where(best, d, scope, start, end).group_by(d.product_id)
    top = best.order_by(sums[2].desc(), d.product_id).limit(limit).subquery()
    figures = list(top.c)[1:]
    query = select(Product.id, Product.name, *figures).join(Product, Product.id == top.c.product_id)
    query = query.order_by(figures[2].desc(), Product.id)
    return [(int(row[0]), row[1], _figures(row[2:])) for row in db.session.execute(query)]


def withheld(scope: Scope, start: date, end: date, by: str | None) -> dict[Any, Withheld]:
    """Per cell of a breakdown (or the total, key None): how many producers' sales it holds,
    how many of them are household businesses that have not agreed to share, and those
    households' sums — what the suppression layer takes out."""
    d = _rollup(start, end)
    keys, join = _keys(d, by) if by else ([], None)
    owner = aliased(Cooperative)
    flag = and_(owner.subject_type == SubjectType.HOUSEHOLD, owner.shares_sales_figures == false())
    parts = [
        func.coalesce(func.sum(case((flag, col), else_=0)), 0)
        for col in (d.orders, d.units, d.gross, d.net, d.unsettled_gross, d.adjusted_gross)
    ]
    query: Select[Any] = select(
        *keys,
        func.count(func.distinct(d.cooperative_id)),
        func.count(func.distinct(case((flag, d.cooperative_id)))),
        *parts,
    ).select_from(d)
    query = _joined(query.join(owner, owner.id == d.cooperative_id), d, join)
    query = _where(query, d, scope, start, end)
    if keys:
        query = query.group_by(*keys)
    width = len(keys)
    result: dict[Any, Withheld] = {}
    for row in db.session.execute(query):
        key = _key(by, row) if by else None
        result[key] = Withheld(int(row[width]), int(row[width + 1]), _figures(row[width + 2 :]))
    return result
