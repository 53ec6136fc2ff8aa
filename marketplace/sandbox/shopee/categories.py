"""Categories, attribute trees, brands, item limits and logistics channels (shopee.md §5.1)."""

from __future__ import annotations

from flask import Response
from flask import request

from marketplace.sandbox.shopee import seed
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import arg_int
from marketplace.sandbox.shopee.gateway import envelope
from marketplace.sandbox.shopee.gateway import int_list
from marketplace.sandbox.shopee.gateway import verify
from marketplace.sandbox.shopee.product_base import bp

MAX_ATTRIBUTE_CATEGORIES = 20  # get_attribute_tree category_id_list (§5.1)
MAX_PAGE = 100  # get_brand_list page_size (§5.1)


@bp.get("/api/v2/product/get_category")
def get_category() -> Response:
    verify("shop")
    vietnamese = request.args.get("language", "en").lower().startswith("vi")
    return envelope(
        {
            "category_list": [
                {
                    "category_id": cid,
                    "parent_category_id": parent,
                    "original_category_name": name,
                    "display_category_name": vi if vietnamese else name,
                    "has_children": cid in seed.PARENTS,
                }
                for cid, parent, name, vi in seed.CATEGORIES
            ]
        }
    )


@bp.get("/api/v2/product/get_attribute_tree")
def get_attribute_tree() -> Response:
    """category_id_list ≤20, leaf categories only (§5.1); the curl sample's category_ids too."""
    verify("shop")
    raw = ",".join(request.args.getlist("category_id_list") or request.args.getlist("category_ids"))
    ids = int_list(raw)
    if not ids:
        raise ApiError("error_param", "Wrong parameters, detail: category_id_list is required.")
    if len(ids) > MAX_ATTRIBUTE_CATEGORIES:
        raise ApiError("error_param", "Wrong parameters, detail: category_id_list max 20.")
    for cid in ids:
        if cid not in seed.LEAVES:
            raise ApiError("error_invalid_category", f"Category {cid} is invalid or not a leaf.")
    return envelope(
        {"list": [{"category_id": cid, "attribute_tree": seed.ATTRIBUTES[cid]} for cid in ids]}
    )


@bp.get("/api/v2/product/get_brand_list")
def get_brand_list() -> Response:
    verify("shop")
    offset = arg_int("offset")
    page_size = arg_int("page_size")
    category_id = arg_int("category_id")
    arg_int("status")  # required, but ignored: the seeded brands have no status
    if not 1 <= page_size <= MAX_PAGE:
        raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1-100.")
    if category_id not in seed.LEAVES:
        raise ApiError("error_invalid_category", f"Category {category_id} is invalid.")
    brands = seed.BRANDS.get(category_id, [])
    page = brands[offset : offset + page_size]
    more = offset + page_size < len(brands)
    return envelope(
        {
            "brand_list": [
                {"brand_id": b, "original_brand_name": n, "display_brand_name": n} for b, n in page
            ],
            "has_next_page": more,
            "next_offset": offset + len(page) if more else 0,
            "is_mandatory": False,
            "input_type": "DROP_DOWN",
        }
    )


@bp.get("/api/v2/product/get_item_limit")
def get_item_limit() -> Response:
    verify("shop")
    return envelope({k: v for k, v in seed.LIMITS.items() if k != "max_price_ratio"})


@bp.get("/api/v2/logistics/get_channel_list")
def get_channel_list() -> Response:
    verify("shop")
    return envelope({"logistics_channel_list": seed.CHANNELS})
