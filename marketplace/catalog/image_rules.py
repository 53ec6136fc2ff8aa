"""The renditions every product photo gets: two for our own pages, one per platform.

The platforms' rules are platform facts (``marketplace/platforms.py``).
"""

from __future__ import annotations

from marketplace.platforms import PLATFORMS
from marketplace.platforms import ImageRule

THUMBNAIL = ImageRule(
    "thumb", max_side=160, square=True, format="WEBP", max_bytes=30_000, quality=75
)
DISPLAY = ImageRule("display", max_side=800, format="WEBP", max_bytes=250_000, quality=80)
PLATFORM_RULES: dict[str, ImageRule] = {name: p.image for name, p in PLATFORMS.items()}


def all_rules() -> list[ImageRule]:
    """Every rendition a photo gets: our own two, then one per platform."""
    return [THUMBNAIL, DISPLAY, *PLATFORM_RULES.values()]
