"""Errors the sales services raise for the views."""

from __future__ import annotations


class DuplicatePushError(Exception):
    """The platform sent a push we already accepted (same body); nothing was recorded."""
