"""Errors the account services raise for input only they can judge."""

from __future__ import annotations


class AccountError(Exception):
    """A field's value was refused; ``message`` is translated and shown beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
