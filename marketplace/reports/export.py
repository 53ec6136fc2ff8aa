"""One dashboard table as XLSX or CSV: the same rows the page shows, "—" where it shows "—".

The first lines say what the table is (title, area, period, freshness); the column headers
follow on line HEADER_ROW, the figures after them. Figures are numbers (đồng, counts,
percent), so a spreadsheet can sum them."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from marketplace.reports.sheets import MONEY
from marketplace.reports.sheets import Sheet
from marketplace.reports.sheets import cell_kind

HEADER_ROW = 5
HIDDEN = "—"


def _text(value: str) -> str:
    """Text as text: no formula injection, no characters Excel cannot store."""
    text = str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def _rows(sheet: Sheet, about: list[str]) -> list[list[Any]]:
    head: list[list[Any]] = [[sheet.title], *[[line] for line in about]]
    head += [[]] * (HEADER_ROW - 1 - len(head))
    body = [
        [
            HIDDEN if value is None and c else _text(value) if isinstance(value, str) else value
            for c, value in enumerate(row)
        ]
        for row in sheet.rows
    ]
    return [*head, [_text(h) for h in sheet.headers], *body]


def to_xlsx(sheet: Sheet, about: list[str]) -> bytes:
    book = Workbook()
    ws = book.active
    if ws is None:  # a new Workbook always has one sheet; this satisfies the type checker
        ws = book.create_sheet()
    ws.title = sheet.name[:31]
    for row in _rows(sheet, about):
        ws.append(row)
    ws.cell(1, 1).font = Font(bold=True)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
    for r in range(len(sheet.rows)):
        for c in range(1, len(sheet.headers)):
            if cell_kind(sheet, r, c) == MONEY:
                ws.cell(HEADER_ROW + 1 + r, c + 1).number_format = "#,##0"
    ws.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(sheet: Sheet, about: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(sheet, about):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
