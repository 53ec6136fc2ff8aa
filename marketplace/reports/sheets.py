"""Every table of the dashboard as plain rows: the page renders these and the exports write
them, so both show the same figures and the same "—"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from marketplace import platforms
from marketplace.reports.queries import Figures
from marketplace.reports.services import Dashboard
from marketplace.reports.services import Table

# What each column holds: how the page formats it and how XLSX stores it.
TEXT, COUNT, MONEY, PERCENT = "text", "count", "money", "percent"


@dataclass
class Sheet:
    name: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]  # None in a figure column: suppressed, shown "—"
    links: list[tuple[str, int] | None]
    row_kinds: list[str] | None = None  # for "auto" columns: the totals mix counts and money


def change(current: int | None, before: int | None) -> int | None:
    """Percent change, rounded; None when either side is hidden or there is nothing before."""
    if current is None or before is None or before == 0:
        return None
    return round((current - before) * 100 / abs(before))


def _metrics() -> list[tuple[str, str, str]]:
    return [
        ("orders", _("Orders"), COUNT),
        ("units", _("Units sold"), COUNT),
        ("gross", _("Gross revenue"), MONEY),
        ("net", _("Net revenue (settled)"), MONEY),
        ("unsettled_gross", _("Gross not yet settled"), MONEY),
    ]


def totals(board: Dashboard) -> Sheet:
    cur, prev, year = (board.totals[k] for k in ("current", "previous", "year"))
    rows = []
    row_kinds = []
    for attr, label, kind in _metrics():
        row_kinds.append(kind)
        values = [getattr(f, attr) if f is not None else None for f in (cur, prev, year)]
        rows.append(
            [
                label,
                values[0],
                values[1],
                change(values[0], values[1]),
                values[2],
                change(values[0], values[2]),
            ]
        )
    headers = [
        _("Figure"),
        _("This period"),
        _("Previous period"),
        _("Change %"),
        _("A year earlier"),
        _("Change %"),
    ]
    kinds = [TEXT, "auto", "auto", PERCENT, "auto", PERCENT]
    links: list[tuple[str, int] | None] = [None] * len(rows)
    return Sheet("totals", _("Totals compared"), headers, kinds, rows, links, row_kinds)


def accounts(board: Dashboard) -> Sheet:
    rows_in, total = board.accounts
    rows = [
        [platforms.title(a.platform), a.shops, a.cooperatives, a.products_online] for a in rows_in
    ]
    rows.append([_("All platforms"), total.shops, total.cooperatives, total.products_online])
    headers = [_("Platform"), _("Connected shops"), _("Cooperatives"), _("Products online")]
    return Sheet(
        "accounts",
        _("E-commerce accounts and products online (now)"),
        headers,
        [TEXT, COUNT, COUNT, COUNT],
        rows,
        [None] * len(rows),
    )


def breakdown(table: Table) -> Sheet:
    metrics = _metrics()
    headers = [table.key_title] + [label for _, label, _ in metrics]
    kinds = [TEXT] + [kind for _, _, kind in metrics]
    rows = [[line.label, *_values(line.figures, metrics)] for line in table.lines]
    return Sheet(table.name, table.title, headers, kinds, rows, [ln.drill for ln in table.lines])


def _values(figures: Figures | None, metrics: list[tuple[str, str, str]]) -> list[Any]:
    return [None if figures is None else getattr(figures, attr) for attr, _, _ in metrics]


def all_sheets(board: Dashboard) -> dict[str, Sheet]:
    sheets = {"totals": totals(board), "accounts": accounts(board)}
    sheets.update({name: breakdown(table) for name, table in board.tables.items()})
    return sheets


def cell_kind(sheet: Sheet, row: int, column: int) -> str:
    """How to show one cell: its column says, or for "auto" columns its row."""
    kind = sheet.kinds[column]
    return sheet.row_kinds[row] if kind == "auto" and sheet.row_kinds else kind
