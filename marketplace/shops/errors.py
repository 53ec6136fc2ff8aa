"""Errors of the shops package that a view shows to the manager."""

from __future__ import annotations


class ShopHeldError(Exception):
    """The platform shop is held by another cooperative; ``message`` says which and how
    to hand it over (translated)."""

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.message = message
        self.holder = holder


class ShopMoveError(Exception):
    """An admin's move that cannot be done; ``message`` says why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
