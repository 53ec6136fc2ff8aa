"""Errors the sync services raise for the pages to show; messages in the user's language."""

from __future__ import annotations

from collections.abc import Sequence


class SyncInputError(Exception):
    """Input only the database or the platform can judge (a category that is not a leaf,
    a value not in the platform's list, listings not on the shop); nothing was changed.

    ``fields`` names the form fields the message belongs to (empty: the whole form).
    """

    def __init__(self, message: str, fields: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fields = tuple(fields)
