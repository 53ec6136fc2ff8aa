"""A product's variants as the services save them: values, matching, audit records."""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.extensions import db

VARIANT_FIELDS = (
    "sku",
    "options",
    "price",
    "list_price",
    "stock",
    "weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "barcode",
)


def variant_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in VARIANT_FIELDS}
    values["sku"] = (values["sku"] or "").strip()
    values["options"] = (values["options"] or "").strip()
    values["barcode"] = (values["barcode"] or "").strip() or None
    values["stock"] = values["stock"] or 0
    return values


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [
        (name, as_text(old[name]), as_text(new[name]))
        for name in new
        if as_text(old[name]) != as_text(new[name])
    ]


def _match_variants(
    product: Product, wanted: list[dict[str, Any]]
) -> tuple[list[Variant | None], list[Variant]]:
    """Each wanted row's existing variant (by id, else by SKU), and the variants left over."""
    remaining = {v.id: v for v in product.variants}
    matched: list[Variant | None] = [
        remaining.pop(_int_or_none(row.get("id")) or -1, None) for row in wanted
    ]
    by_sku = {v.sku.upper(): v for v in remaining.values()}
    for index, row in enumerate(wanted):
        if matched[index] is None:
            found = by_sku.pop(str(row.get("sku", "")).strip().upper(), None)
            if found is not None:
                remaining.pop(found.id)
            matched[index] = found
    return matched, list(remaining.values())


def _variant_audit(variant: Variant, values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    old = {name: getattr(variant, name) for name in VARIANT_FIELDS}
    return [
        (
            "updated",
            {"variant_sku": values["sku"], "field": name, "old_value": before, "new_value": after},
        )
        for name, before, after in diff(old, values)
    ]


def sync_variants(
    product: Product, wanted: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Apply the variant rows; return audit records as (action, keywords).

    The database checks SKU uniqueness row by row, so removed variants are deleted
    and renamed ones parked on a temporary SKU before the new SKUs are written:
    swapping two SKUs or re-adding a removed one is then never a conflict.
    """
    matched, removed = _match_variants(product, wanted)
    records = [("variant_removed", {"variant_sku": gone.sku}) for gone in removed]
    product.variants = [v for v in matched if v is not None]
    db.session.flush()
    values_list = [variant_values(row) for row in wanted]
    for variant, values in zip(matched, values_list, strict=True):
        if variant is not None and variant.sku != values["sku"]:
            variant.sku = f"~{variant.id}"
    db.session.flush()
    kept: list[Variant] = []
    for position, (variant, values) in enumerate(zip(matched, values_list, strict=True)):
        if variant is None:
            variant = Variant(cooperative_id=product.cooperative_id, **values)
            records.append(("variant_added", {"variant_sku": values["sku"]}))
        else:
            records += _variant_audit(variant, values)
            for name, value in values.items():
                setattr(variant, name, value)
        variant.position = position
        kept.append(variant)
    product.variants = kept
    return records


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
