"""The suppression rule, applied above the raw queries; every page and export goes through it.

A household business's sales are its own until it agrees to share them
(``Cooperative.shares_sales_figures``). A cell that holds only such a household's sales shows
"—" (``None`` here). Blanking that one cell is not enough: the area's total minus the other
rows — or minus the other cooperatives, each visible on its own drill-down page — would give
it back. So its sales are also taken out of every total and every cell that mixes it with
others, and the page says so: no subtraction, on any page or export, can bring them back.
The price is that officials' totals leave those households out until they agree.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import SubjectType
from marketplace.extensions import db
from marketplace.reports.queries import Figures
from marketplace.reports.queries import Scope
from marketplace.reports.queries import Withheld

Row = tuple[Any, Figures | None]


def withholding(scope: Scope) -> int:
    """How many household businesses in the scope have not agreed to share their figures."""
    query = select(func.count(Cooperative.id)).where(
        Cooperative.area_id.in_(scope.area_ids),
        Cooperative.subject_type == SubjectType.HOUSEHOLD,
        Cooperative.shares_sales_figures == false(),
    )
    if scope.cooperative_id is not None:
        query = query.where(Cooperative.id == scope.cooperative_id)
    return int(db.session.scalar(query) or 0)


def minus(figures: Figures, part: Figures) -> Figures:
    return Figures(*(getattr(figures, f.name) - getattr(part, f.name) for f in fields(Figures)))


def guard(figures: Figures, part: Withheld | None) -> Figures | None:
    """One cell: "—" when only withholding households sold in it, else without their sales."""
    if part is None or part.households == 0:
        return figures
    if part.households == part.producers:
        return None
    return minus(figures, part.figures)


def guard_rows(
    rows: list[tuple[Any, Figures]], parts: dict[Any, Withheld], keep_order: bool = False
) -> list[Row]:
    """Every row guarded, largest gross first again (taking sales out can change the order);
    a hidden row goes last, so its place says nothing of its size."""
    guarded = [(key, guard(figures, parts.get(key))) for key, figures in rows]
    if keep_order:
        return guarded
    return sorted(guarded, key=lambda row: (row[1] is None, -(row[1].gross if row[1] else 0)))
