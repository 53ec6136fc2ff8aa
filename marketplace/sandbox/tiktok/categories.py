"""Categories, their attributes, and brands."""

from __future__ import annotations

from typing import Any

from flask import Response

from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok import seed
from marketplace.sandbox.tiktok.catalog_rules import BRAND_PAGE_MAX
from marketplace.sandbox.tiktok.catalog_rules import CATEGORY
from marketplace.sandbox.tiktok.core import ApiError
from marketplace.sandbox.tiktok.core import envelope


def find_category(category_id: str) -> dict[str, Any] | None:
    """The seeded category with this id, if any."""
    return next((c for c in seed.CATEGORIES if c["id"] == category_id), None)


@core.api()
def categories() -> Response:
    """Get Categories: the whole seeded tree, every category available to the shop."""
    rows = [{**c, "permission_statuses": ["AVAILABLE"]} for c in seed.CATEGORIES]
    return envelope({"categories": rows})


def _attribute(spec: dict[str, Any]) -> dict[str, Any]:
    """One seeded attribute as Get Attributes shows it."""
    values = [{"id": f"{spec['id']}{i:03d}", "name": v} for i, v in enumerate(spec["values"])]
    return {
        "id": spec["id"],
        "name": spec["name"],
        "type": "PRODUCT_PROPERTY",
        # UNVERIFIED spelling: the 202309 docs spell this flag "is_requried".
        "is_requried": spec["required"],
        "values": values,
    }


@core.api()
def attributes(category_id: str) -> Response:
    """Get Attributes of a category."""
    if find_category(category_id) is None:
        return envelope(None, CATEGORY, f"category {category_id} does not exist")
    rows = [_attribute(a) for a in seed.ATTRIBUTES.get(category_id, [])]
    return envelope({"attributes": rows})


@core.api()
def brands() -> Response:
    """Get Brands, one page."""
    try:
        size, offset = core.page_args(BRAND_PAGE_MAX)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    rows = [{**b, "authorized_status": "AUTHORIZED", "is_t1_brand": False} for b in seed.BRANDS]
    page = rows[offset : offset + size]
    nxt = core.encode_page_token(offset + size) if offset + size < len(rows) else ""
    return envelope({"brands": page, "next_page_token": nxt, "total_count": len(rows)})
