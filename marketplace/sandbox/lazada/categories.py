"""The category tree, category attributes and brands (lazada.md §3.2)."""

from __future__ import annotations

from typing import Any

from marketplace.sandbox.lazada.data import ATTRIBUTES
from marketplace.sandbox.lazada.data import BRANDS
from marketplace.sandbox.lazada.data import TREE
from marketplace.sandbox.lazada.data import find_category
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api


@api("/category/tree/get", token=False)
def category_tree(call: Call) -> dict[str, Any]:
    """The whole category tree."""
    return {"data": TREE}


@api("/category/attributes/get")
def category_attributes(call: Call) -> dict[str, Any]:
    """A leaf category's attribute set."""
    category = call.need("primary_category_id")
    node = find_category(category)
    if node is None:
        raise ApiError("201", "Invalid CategoryId")
    if not node["leaf"]:
        raise ApiError("57", "The category has no attribute set")
    return {"data": ATTRIBUTES.get(int(category), [])}


@api("/category/brands/query")
def brands_query(call: Call) -> dict[str, Any]:
    """One page of the brands; this API adds success and error fields to the envelope."""
    try:
        start, size = int(call.need("startRow")), int(call.need("pageSize"))
    except ValueError as exc:
        raise ApiError("InvalidParameter", "startRow and pageSize must be numbers") from exc
    if not 1 <= size <= 200 or start < 0:
        raise ApiError("InvalidParameter", "pageSize must be between 1 and 200")
    return {
        "data": {
            "module": BRANDS[start : start + size],
            "total_record": len(BRANDS),
            "start_row": start,
            "page_size": size,
            "total_page": -(-len(BRANDS) // size),
        },
        "success": True,
        "error_code": None,
        "error_msg": None,
    }
