"""The catalogue as an XLSX workbook (one row per variant)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalog.labels import status_label
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.common.files import private_dir
from marketplace.extensions import db

MONEY_FORMAT = '#,##0 "₫"'


def _headers() -> list[str]:
    return [
        gettext("Product name"),
        gettext("Status"),
        gettext("Category"),
        gettext("Brand"),
        gettext("OCOP stars"),
        gettext("OCOP certificate number"),
        gettext("Expires on"),
        gettext("SKU"),
        gettext("Options"),
        gettext("Price (đồng)"),
        gettext("List price (đồng)"),
        gettext("Stock on hand"),
        gettext("Weight (g)"),
        gettext("Length (cm)"),
        gettext("Width (cm)"),
        gettext("Height (cm)"),
        gettext("Barcode"),
    ]


def _cell(value: object) -> object:
    """Text as text: no formula injection, no characters Excel cannot store."""
    if not isinstance(value, str):
        return value
    text = str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def write_catalog(
    cooperative: Cooperative,
    path: Path,
    locale: str,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Write every non-archived product of the cooperative to ``path``; returns the row count."""
    products = list(
        db.session.scalars(
            select(Product)
            .where(
                Product.cooperative_id == cooperative.id,
                Product.status != ProductStatus.ARCHIVED,
            )
            .options(selectinload(Product.variants), selectinload(Product.category))
            .order_by(Product.name)
        )
    )
    book = Workbook(write_only=False)
    sheet = book.active
    if sheet is None:  # a new Workbook always has one sheet; this satisfies the type checker
        sheet = book.create_sheet()
    sheet.title = gettext("Products")[:31]
    sheet.append(_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = 0
    for done, product in enumerate(products, start=1):
        for variant in product.variants:
            sheet.append(
                [
                    _cell(value)
                    for value in [
                        product.name,
                        status_label(product.status),
                        product.category.name_for(locale) if product.category else "",
                        product.brand or "",
                        product.ocop_stars,
                        product.ocop_certificate_no or "",
                        product.ocop_expires_on,
                        variant.sku,
                        variant.options,
                        variant.price,
                        variant.list_price,
                        variant.stock,
                        variant.weight_g,
                        variant.length_cm,
                        variant.width_cm,
                        variant.height_cm,
                        variant.barcode or "",
                    ]
                ]
            )
            rows += 1
        progress(done, len(products))
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=11):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    private_dir(path.parent)
    book.save(path)
    path.chmod(0o600)
    return rows
