"""What each rendition of a product photo must satisfy.

Platform rules come from ../shared/platforms/*.md. Where a platform does not
document a limit we pick one conservative value and mark it UNVERIFIED; the
connector and its sandbox use the same value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageRule:
    """Bounds for one rendition: pixel sides, byte size, format, square padding."""

    name: str
    max_side: int  # the longer side is scaled down to this; never scaled up
    min_side: int = 1  # a source smaller than this cannot satisfy the rule
    square: bool = False  # pad to 1:1 on white
    format: str = "JPEG"  # JPEG, PNG or WEBP
    max_bytes: int = 10 * 1024 * 1024
    quality: int = 85  # starting JPEG/WebP quality; lowered until max_bytes is met
    max_count: int = 9  # photos per listing the platform accepts


# Renditions every photo gets for our own pages.
THUMBNAIL = ImageRule(
    "thumb", max_side=160, square=True, format="WEBP", max_bytes=30_000, quality=75
)
DISPLAY = ImageRule("display", max_side=800, format="WEBP", max_bytes=250_000, quality=80)

# One listing rendition per platform.
PLATFORM_RULES: dict[str, ImageRule] = {
    # shopee.md §5.x upload_image: ≤10 MB, JPG/JPEG/PNG, 1–9 images per item.
    # UNVERIFIED (shopee.md §5): pixel bounds are not documented; we send 1:1 at most
    # 2048 px and require 500 px, the size Shopee's seller centre recommends.
    "shopee": ImageRule(
        "shopee", max_side=2048, min_side=500, square=True, max_bytes=2 * 1024 * 1024, max_count=9
    ),
    # lazada.md §3.4: JPG or PNG, 330–5000 px each side; size cap 1 MB (the emulator's
    # choice between the documented 1 MB and 3 MB), at most 8 images.
    "lazada": ImageRule(
        "lazada", max_side=2000, min_side=330, square=True, max_bytes=1024 * 1024, max_count=8
    ),
    # UNVERIFIED (tiktok.md, "not documented"): we choose JPEG 1:1, 300–4000 px, ≤5 MB, 9 images.
    "tiktok": ImageRule(
        "tiktok", max_side=2000, min_side=300, square=True, max_bytes=5 * 1024 * 1024, max_count=9
    ),
    # UNVERIFIED (vietnam.md, Postmart has no public API): 1:1 JPEG ≤2 MB for the listing sheet.
    "postmart": ImageRule(
        "postmart", max_side=1200, min_side=300, square=True, max_bytes=2 * 1024 * 1024
    ),
}


def all_rules() -> list[ImageRule]:
    """Every rendition a photo gets: our own two, then one per platform."""
    return [THUMBNAIL, DISPLAY, *PLATFORM_RULES.values()]
