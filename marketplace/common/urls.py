"""Where it is safe to send a browser back to."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Browsers drop tabs and newlines from URLs and treat a backslash like a slash,
    so "/\\t/evil.example" would become "//evil.example": refuse all of those.
    """
    if not target or _INVISIBLE.search(target) or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
