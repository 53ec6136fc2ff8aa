"""Is a product ready for a platform? Computed from our own data, before any API call."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product
from marketplace.platforms import PLATFORMS
from marketplace.platforms import title


@dataclass(frozen=True)
class Problem:
    """Something missing, with the place that fixes it: a fragment of a product page
    (``page`` is the catalog view: the product page, or the edit form)."""

    message: str
    anchor: str
    page: str = "detail"


def photo_problems(product: Product, platform: str) -> list[Problem]:
    """What the product's photos lack for the platform's image rules."""
    rule = PLATFORMS[platform].image
    name = title(platform)
    photos = [p for p in product.photos if p.status == PhotoStatus.READY]
    if not product.photos:
        return [Problem(gettext("%(platform)s needs at least one photo.", platform=name), "photos")]
    if not photos:
        return [Problem(gettext("The photos are still being processed."), "photos")]
    usable = [p for p in photos if p.rendition(platform) is not None]
    problems = []
    if not usable:
        problems.append(
            Problem(
                gettext(
                    "%(platform)s needs at least one photo of %(px)d px or more on each side.",
                    platform=name,
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
                    platform=name,
                    n=rule.max_count,
                ),
                "photos",
            )
        )
    return problems


def content_problems(product: Product, platform: str) -> list[Problem]:
    """What the product's name, weights and sizes lack for the platform's listing rules."""
    rule = PLATFORMS[platform].listing
    name = title(platform)
    problems = []
    length = len(product.name.strip())
    if not rule.name_min <= length <= rule.name_max:
        message = gettext(
            "%(platform)s needs a name of %(min)d to %(max)d characters (it has %(n)d).",
            platform=name,
            min=rule.name_min,
            max=rule.name_max,
            n=length,
        )
        problems.append(Problem(message, "name", "edit"))
    for index, variant in enumerate(product.variants):
        if rule.weight_required and not variant.weight_g:
            message = gettext(
                "%(platform)s needs the weight of variant %(sku)s.", platform=name, sku=variant.sku
            )
            problems.append(Problem(message, f"variants-{index}-weight_g", "edit"))
        sides = (variant.length_cm, variant.width_cm, variant.height_cm)
        if rule.dimensions_required and not all(sides):
            message = gettext(
                "%(platform)s needs the package size (length, width, height) of variant %(sku)s.",
                platform=name,
                sku=variant.sku,
            )
            problems.append(Problem(message, f"variants-{index}-length_cm", "edit"))
    return problems


def problems_for(product: Product, platform: str) -> list[Problem]:
    """Everything our own data lacks for the platform, photos first."""
    return photo_problems(product, platform) + content_problems(product, platform)


def readiness(product: Product) -> dict[str, list[Problem]]:
    """Problems per platform; an empty list means ready as far as our own data goes."""
    return {name: problems_for(product, name) for name in PLATFORMS}
