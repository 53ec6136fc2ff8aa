"""Checks add_item and update_item share: name, description, images, logistics… (§5.2)."""

from __future__ import annotations

from collections.abc import Callable

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee import seed
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import Caller
from marketplace.sandbox.shopee.product_base import Json


def validate_content(caller: Caller, data: Json, *, partial: bool = False) -> None:
    """Checks shared by add_item and update_item (which sends only what changes)."""
    checks: list[tuple[str, Callable[[Json], None]]] = [
        ("item_name", _check_name),
        ("description", _check_description),
        ("weight", _check_weight),
        ("category_id", _check_category),
        ("image", lambda d: _check_images(caller, d)),
        ("logistic_info", _check_logistics),
    ]
    for key, check in checks:
        if key in data or not partial:
            check(data)
    category_id = data.get("category_id")
    if category_id in seed.LEAVES and ("attribute_list" in data or not partial):
        _validate_attributes(int(category_id), data.get("attribute_list") or [])
    if category_id in seed.LEAVES and data.get("brand"):
        _check_brand(int(category_id), data["brand"])


def _bounds(limit: str) -> tuple[int, int]:
    return seed.LIMITS[limit]["min_limit"], seed.LIMITS[limit]["max_limit"]


def _check_name(data: Json) -> None:
    name = str(data.get("item_name") or "")
    if not name.strip():
        raise ApiError("error_item_name_empty", "Item name is empty.")
    lo, hi = _bounds("item_name_length_limit")
    if not lo <= len(name) <= hi:
        raise ApiError(
            "error_name_length_limit", f"Item name length should be between {lo} and {hi}."
        )


def _check_description(data: Json) -> None:
    text = str(data.get("description") or "")
    lo, hi = _bounds("item_description_length_limit")
    if len(text) < lo:
        raise ApiError("error_desc_length_min_limit", f"Description needs ≥ {lo} characters.")
    if len(text) > hi:
        raise ApiError(
            "error_param", f"Wrong parameters, detail: description is over {hi} characters."
        )


def _check_weight(data: Json) -> None:
    try:
        weight = float(data.get("weight") or 0)
    except (TypeError, ValueError):
        weight = 0
    if weight <= 0:
        raise ApiError("error_param", "Wrong parameters, detail: weight must be positive.")


def _check_category(data: Json) -> None:
    category_id = data.get("category_id")
    if category_id not in seed.LEAVES:
        raise ApiError(
            "error_invalid_category", f"Category {category_id} is invalid or not a leaf."
        )


def _check_images(caller: Caller, data: Json) -> None:
    store = current_sandbox().store
    ids = (data.get("image") or {}).get("image_id_list") or []
    lo, hi = _bounds("item_image_count_limit")
    if len(ids) < lo:
        raise ApiError("error_image_num_min", "At least one image is required.")
    if len(ids) > hi:
        raise ApiError("error_param", "Wrong parameters, detail: too many images.")
    for image_id in ids:
        image = store.get("images", str(image_id))
        if image is None or image["partner_id"] != caller.partner_id:
            raise ApiError("error_image_unavailable", f"Image {image_id} is unavailable.")


def _check_logistics(data: Json) -> None:
    channels = {c["logistics_channel_id"]: c for c in seed.CHANNELS}
    entries = data.get("logistic_info") or []
    for entry in entries:
        channel = channels.get(entry.get("logistic_id"))
        if channel is None or (entry.get("enabled") and not channel["enabled"]):
            raise ApiError(
                "error_invalid_logistic_info", f"Logistic {entry.get('logistic_id')} invalid."
            )
    if not any(e.get("enabled") for e in entries):
        raise ApiError("error_invalid_logistic_info", "Enable at least one logistic channel.")


def _check_brand(category_id: int, brand: Json) -> None:
    if "brand_id" not in brand or "original_brand_name" not in brand:
        raise ApiError("error_invalid_brand", "Brand ID required.")
    allowed = {b for b, _ in seed.BRANDS.get(category_id, [])} | {0}
    if brand["brand_id"] not in allowed:
        raise ApiError("error_invalid_brand", f"Brand {brand['brand_id']} is invalid.")


def _validate_attributes(category_id: int, given: list[Json]) -> None:
    tree = {a["attribute_id"]: a for a in seed.ATTRIBUTES[category_id]}
    seen: set[int] = set()
    for entry in given:
        spec = tree.get(entry.get("attribute_id"))
        values = entry.get("attribute_value_list") or []
        if spec is None or not values:
            raise ApiError(
                "error_invalid_attribute_value", f"Attribute {entry.get('attribute_id')} invalid."
            )
        _check_values(spec, values)
        seen.add(spec["attribute_id"])
    missing = [a["name"] for a in tree.values() if a["mandatory"] and a["attribute_id"] not in seen]
    if missing:
        raise ApiError(
            "error_less_required_attribute",
            f"Mandatory attributes missing: {', '.join(missing)}.",
        )


def _check_values(spec: Json, values: list[Json]) -> None:
    """Known value ids, or value_id 0 with a name: a custom value (§5.2)."""
    known = {v["value_id"] for v in spec["attribute_value_list"]}
    for value in values:
        value_id = value.get("value_id", 0)
        if value_id == 0 and not value.get("original_value_name"):
            raise ApiError("error_invalid_attribute_value", "Custom value needs a name.")
        if value_id and value_id not in known:
            raise ApiError("error_invalid_attribute_value", f"Value {value_id} invalid.")
