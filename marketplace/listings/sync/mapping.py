"""Per-shop sync settings and category mapping, with the platform's tree cached in Redis."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from marketplace.catalog.models import Category
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import CategoryNode
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.models import CategoryMapping
from marketplace.listings.sync.errors import SyncInputError
from marketplace.shops import services
from marketplace.shops.models import Shop

CACHE_SECONDS = 6 * 3600  # category trees change rarely; a day-old one is fine
# The settings' bounds (the settings form checks them): percent, đồng, pieces.
PRICE_MARKUP_PERCENT = (-50, 200)
PRICE_MARKUP_FIXED = (-1_000_000, 1_000_000)
STOCK_BUFFER = (0, 10_000)


def _cached(key: str, fetch: Any) -> list[dict[str, Any]]:
    connection = rq.get_queue().connection
    hit = connection.get(key)
    if hit:
        return list(json.loads(hit))
    rows = [asdict(item) for item in fetch()]
    connection.set(key, json.dumps(rows), ex=CACHE_SECONDS)
    return rows


def leaf_categories(shop: Shop) -> list[CategoryNode]:
    """The platform's leaf categories (only leaves can hold listings)."""
    rows = _cached(
        f"cache:categories:{shop.platform}", lambda: services.call(shop, lambda c: c.categories())
    )
    return [CategoryNode(**row) for row in rows if row["leaf"]]


def attributes(shop: Shop, category_id: str) -> list[AttributeSpec]:
    """The attributes of one leaf category."""
    rows = _cached(
        f"cache:attributes:{shop.platform}:{category_id}",
        lambda: services.call(shop, lambda c: c.category_attributes(category_id)),
    )
    return [AttributeSpec(**{**row, "options": tuple(row["options"])}) for row in rows]


def brand_names(shop: Shop, category_id: str) -> set[str]:
    """Brands the platform accepts in a category (names and ids)."""
    rows = _cached(
        f"cache:brands:{shop.platform}:{category_id}",
        lambda: services.call(shop, lambda c: c.brands(category_id)),
    )
    return {str(row["name"]) for row in rows} | {str(row["platform_id"]) for row in rows}


def mappings(shop: Shop) -> dict[int, CategoryMapping]:
    """Our category id → its mapping on this shop."""
    rows = db.session.scalars(select(CategoryMapping).where(CategoryMapping.shop_id == shop.id))
    return {m.category_id: m for m in rows}


def save_mapping(
    shop: Shop, category_id: int, platform_category_id: str, values: dict[str, str]
) -> CategoryMapping:
    """Map a category to a leaf of the platform's tree, with values for its attributes.

    A mapping may be saved before every required attribute has a value (the page then
    shows the fields to fill); its products are not listed until ``missing`` is empty.
    """
    if db.session.get(Category, category_id) is None:
        raise SyncInputError(gettext("Choose one of our categories."), ["category_id"])
    if platform_category_id not in {c.platform_id for c in leaf_categories(shop)}:
        raise SyncInputError(
            gettext("Choose a category at the last level of the marketplace's tree."),
            ["platform_category_id"],
        )
    specs = attributes(shop, platform_category_id)
    values = {k: v.strip() for k, v in values.items() if v.strip()}
    bad = [
        a
        for a in specs
        if a.options and a.platform_id in values and values[a.platform_id] not in a.options
    ]
    if bad:
        raise SyncInputError(
            gettext("Choose a listed value for: %(names)s", names=", ".join(a.name for a in bad)),
            [f"attr-{a.platform_id}" for a in bad],
        )
    row = mappings(shop).get(category_id) or CategoryMapping(
        shop_id=shop.id, category_id=category_id
    )
    if row.id is not None and row.platform_category_id != platform_category_id:
        values = {}  # another category's attributes mean nothing here
    row.platform_category_id = platform_category_id
    row.attributes = json.dumps(
        {k: v for k, v in values.items() if k in {a.platform_id for a in specs}}
    )
    row.missing = ", ".join(a.name for a in specs if a.required and a.platform_id not in values)
    db.session.add(row)
    db.session.flush()
    return row


def save_settings(
    shop: Shop,
    *,
    price_markup_percent: int,
    price_markup_fixed: int,
    stock_buffer: int,
    delist_at_zero: bool,
) -> None:
    """Price rule (percent and fixed amount), stock buffer, delist at zero.

    The settings form keeps the numbers within PRICE_MARKUP_PERCENT, PRICE_MARKUP_FIXED
    and STOCK_BUFFER.
    """
    shop.price_markup_percent = price_markup_percent
    shop.price_markup_fixed = price_markup_fixed
    shop.stock_buffer = stock_buffer
    shop.delist_at_zero = delist_at_zero
    db.session.flush()
