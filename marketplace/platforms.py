"""Facts about each platform we sell on, in one place: its title, image and listing rules.

A leaf module: it imports nothing of the app, so connectors, the photo pipeline, the
readiness rules and the pages all read the same facts. Where a platform does not
document a limit we pick one conservative value and mark it UNVERIFIED
(../shared/platforms/*.md); the platform's sandbox applies the same value.
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


@dataclass(frozen=True)
class ListingRule:
    """What a platform requires of a listing's own fields."""

    name_min: int
    name_max: int
    weight_required: bool = True  # shipping fees are computed from it
    dimensions_required: bool = False


@dataclass(frozen=True)
class Platform:
    name: str  # the connector's registry name
    title: str  # shown to people
    image: ImageRule  # the listing rendition every photo gets for it
    listing: ListingRule


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform(
            "shopee",
            "Shopee",
            # shopee.md §5.x upload_image: ≤10 MB, JPG/JPEG/PNG, 1–9 images per item.
            # UNVERIFIED (shopee.md §5): pixel bounds are not documented; we send 1:1 at
            # most 2048 px and require 500 px, the size Shopee's seller centre recommends.
            ImageRule(
                "shopee", max_side=2048, min_side=500, square=True, max_bytes=2 * 1024 * 1024
            ),
            ListingRule(5, 100),  # item_name_length_limit for VN
        ),
        Platform(
            "lazada",
            "Lazada",
            # lazada.md §3.4: JPG or PNG, 330–5000 px each side; size cap 1 MB (the
            # emulator's choice between the documented 1 MB and 3 MB), at most 8 images.
            ImageRule(
                "lazada",
                max_side=2000,
                min_side=330,
                square=True,
                max_bytes=1024 * 1024,
                max_count=8,
            ),
            ListingRule(1, 255, dimensions_required=True),  # package_* are mandatory
        ),
        Platform(
            "tiktok",
            "TikTok Shop",
            # UNVERIFIED (tiktok.md, "not documented"): JPEG 1:1, 300–4000 px, ≤5 MB, 9 images.
            ImageRule(
                "tiktok", max_side=2000, min_side=300, square=True, max_bytes=5 * 1024 * 1024
            ),
            ListingRule(1, 255),  # package_weight is required
        ),
    )
}


def title(name: str) -> str:
    """The platform's name as people know it; an unknown name as it is."""
    platform = PLATFORMS.get(name)
    return platform.title if platform else name
