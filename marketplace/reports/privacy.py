"""The suppression rule, applied above the raw queries; every page and export goes through it.

A household business's sales are its own: a cell (a row of a breakdown, a total, a product)
whose figures come from exactly one household business that has not agreed to share shows
"—" (``None`` here). A table that shows its total would still give such a cell away by
difference (total minus the other rows), so when a table has exactly one suppressed row the
next smallest row is suppressed too ("complementary suppression"): the difference is then
the sum of two producers, which names neither.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false
from sqlalchemy import select

from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import SubjectType
from marketplace.extensions import db
from marketplace.reports.queries import Figures
from marketplace.reports.queries import Scope

Row = tuple[Any, Figures | None]


def protected_ids(scope: Scope) -> frozenset[int]:
    """The household businesses in the scope that have not agreed to share their figures."""
    ids = db.session.scalars(
        select(Cooperative.id).where(
            Cooperative.area_id.in_(scope.area_ids),
            Cooperative.subject_type == SubjectType.HOUSEHOLD,
            Cooperative.shares_sales_figures == false(),
        )
    )
    return frozenset(ids)


def hidden(cell: tuple[int, int] | None, protected: frozenset[int]) -> bool:
    """A cell held by one producer only, that producer a protected household business."""
    return cell is not None and cell[0] == 1 and cell[1] in protected


def guard_total(
    figures: Figures, cells: dict[Any, tuple[int, int]], protected: frozenset[int]
) -> Figures | None:
    return None if hidden(cells.get(None), protected) else figures


def guard_rows(
    rows: list[tuple[Any, Figures]],
    cells: dict[Any, tuple[int, int]],
    protected: frozenset[int],
) -> list[Row]:
    """The rows with single-household cells blanked, and one more if only one was."""
    blank = {key for key, _ in rows if hidden(cells.get(key), protected)}
    if len(blank) == 1 and len(rows) > 1:
        others = sorted((f.gross, str(key)) for key, f in rows if key not in blank)
        smallest = others[0][1]
        blank |= {key for key, _ in rows if str(key) == smallest}
    return [(key, None if key in blank else figures) for key, figures in rows]
