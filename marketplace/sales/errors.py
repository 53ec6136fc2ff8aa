"""Errors the sales services raise for the views."""

from __future__ import annotations


class DuplicatePushError(Exception):
    """The platform sent a push we already accepted (same body); nothing was recorded."""


class LinkSkuError(Exception):
    """A SKU could not be linked to a variant; ``message`` says why, in the user's language.

    ``not_found``: the SKU has no unlinked order line in the cooperative (a 404)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.not_found = not_found
