"""Our item payload in Shopee's shapes: plain-text description and tier variations."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import VariantPayload

# No weight in the payload: Shopee requires one (§5.2), so we send this and say so.
DEFAULT_WEIGHT_G = 500
TIER_OPTION_MAX = 20  # tier_variation_option_length_limit sample value (§5.3)
MAX_TIERS = 2  # §5.3
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6])>|<br\s*/?>", re.IGNORECASE)
Tiers = tuple[list[Json], list[list[int]]]


def html_to_text(markup: str) -> str:
    """Shopee's normal description is plain text (§5.2): drop tags, keep line breaks."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def is_single(item: ItemPayload) -> bool:
    """One variant without options: Shopee's model-less item."""
    return len(item.variants) == 1 and not item.variants[0].options


def weight_kg(item: ItemPayload) -> float:
    """The item's weight, else its heaviest variant's, else the default (§5.2)."""
    weights = [v.weight_g for v in item.variants if v.weight_g]
    weight_g = item.weight_g or (max(weights) if weights else DEFAULT_WEIGHT_G)
    return round(weight_g / 1000, 3)


def dimension(item: ItemPayload) -> Json | None:
    """The first variant's package size, when it has all three sides."""
    first = item.variants[0]
    if not (first.length_cm and first.width_cm and first.height_cm):
        return None
    return {
        "package_length": first.length_cm,
        "package_width": first.width_cm,
        "package_height": first.height_cm,
    }


def tiers(variants: Sequence[VariantPayload]) -> Tiers:
    """tier_variation and each variant's tier_index, from the variants' options (≤2 tiers)."""
    names: list[str] = []
    for variant in variants:
        names += [k for k in variant.options if k not in names]
    if not names:
        return _sku_tier(variants)
    if len(names) > MAX_TIERS:
        raise Rejected("Shopee allows at most 2 variation tiers", field="options")
    options = _tier_options(variants, names)
    indexes = [
        [options[i].index(v.options.get(name, "")) for i, name in enumerate(names)]
        for v in variants
    ]
    tier_list = [
        {"name": name, "option_list": [{"option": o} for o in options[i]]}
        for i, name in enumerate(names)
    ]
    return tier_list, indexes


def _sku_tier(variants: Sequence[VariantPayload]) -> Tiers:
    """Variants without options: one tier named by SKU (numbered when a SKU is too long)."""
    labels = [
        v.seller_sku if len(v.seller_sku) <= TIER_OPTION_MAX else f"#{i + 1}"
        for i, v in enumerate(variants)
    ]
    tier_list = [{"name": "Variant", "option_list": [{"option": x} for x in labels]}]
    return tier_list, [[i] for i in range(len(variants))]


def _tier_options(variants: Sequence[VariantPayload], names: list[str]) -> list[list[str]]:
    """Each tier's distinct option values, in first-seen order."""
    options: list[list[str]] = [[] for _ in names]
    for variant in variants:
        for i, name in enumerate(names):
            value = variant.options.get(name, "")
            if value not in options[i]:
                options[i].append(value)
    return options
