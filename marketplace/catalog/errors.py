"""Errors the catalogue services raise for the views to show next to a field."""

from __future__ import annotations

from typing import Any


class CatalogError(Exception):
    """Bad input that only the database can detect (e.g. a SKU already in use)."""

    def __init__(self, field: str, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.index = index  # which variant row, for variant fields


class ConflictError(Exception):
    """Someone saved the product after the form was opened; nothing was written."""

    def __init__(self, current_version: int, changes: list[Any]) -> None:
        super().__init__(f"product changed, now at version {current_version}")
        self.current_version = current_version
        self.changes = changes
