"""Text helpers: diacritic folding for search, slugs, integer money parsing."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case and strip Vietnamese diacritics: "Cà phê Đà Lạt" -> "ca phe da lat"."""
    if not text:
        return ""
    # đ/Đ are letters of their own in Unicode, not d plus a mark, so NFD leaves them.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def slugify(text: str, max_length: int = 80) -> str:
    """Make a URL-safe ASCII slug from Vietnamese text."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "san-pham"


def search_terms(query: str | None) -> list[str]:
    """Split a search box entry into folded words, dropping characters LIKE treats specially."""
    cleaned = fold(query).replace("%", " ").replace("_", " ").replace("\\", " ")
    return [word for word in cleaned.split(" ") if word][:8]


def short_name(name: str, limit: int = 60) -> str:
    """A file name cut to ``limit`` characters around an ellipsis, keeping its ending
    (so the extension shows): long names would overflow messages and the flash cookie."""
    if len(name) <= limit:
        return name
    tail = min(15, limit // 3)
    return name[: limit - tail - 1] + "…" + name[-tail:]
