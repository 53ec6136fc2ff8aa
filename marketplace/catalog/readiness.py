"""Is a product ready for a platform? Computed from our own data, before any API call."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product


@dataclass(frozen=True)
class Problem:
    """Something missing, with the place that fixes it (a URL fragment on the product page)."""

    message: str
    anchor: str


PLATFORM_TITLES = {
    "shopee": "Shopee",
    "lazada": "Lazada",
    "tiktok": "TikTok Shop",
    "postmart": "Postmart",
}


def photo_problems(product: Product, platform: str) -> list[Problem]:
    """What the product's photos lack for the platform's image rules."""
    rule = PLATFORM_RULES[platform]
    title = PLATFORM_TITLES.get(platform, platform)
    photos = [p for p in product.photos if p.status == PhotoStatus.READY]
    if not product.photos:
        return [
            Problem(gettext("%(platform)s needs at least one photo.", platform=title), "photos")
        ]
    if not photos:
        return [Problem(gettext("The photos are still being processed."), "photos")]
    usable = [p for p in photos if p.rendition(platform) is not None]
    problems = []
    if not usable:
        problems.append(
            Problem(
                gettext(
                    "%(platform)s needs at least one photo of %(px)d px or more on each side.",
                    platform=title,
                    px=rule.min_side,
                ),
                "photos",
            )
        )
    if len(usable) > rule.max_count:
        problems.append(
            Problem(
                gettext(
                    "%(platform)s shows at most %(n)d photos; the first %(n)d will be used.",
                    platform=title,
                    n=rule.max_count,
                ),
                "photos",
            )
        )
    return problems


def readiness(product: Product) -> dict[str, list[Problem]]:
    """Problems per platform; an empty list means ready as far as photos go."""
    return {name: photo_problems(product, name) for name in PLATFORM_RULES}
