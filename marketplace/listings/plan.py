"""Plan: what each listing should be on a shop, compared with what was last pushed.

Nothing here calls a platform. The plan is what the manager previews ("3 new,
12 price/stock changes, 1 delist") and what ``sync.apply`` carries out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.catalog.readiness import photo_problems
from marketplace.extensions import db
from marketplace.listings.models import Shop
from marketplace.listings.sync_models import CategoryMapping
from marketplace.listings.sync_models import Listing
from marketplace.listings.sync_models import ListingStatus


def seller_sku(product: Product) -> str:
    """The parent SKU of a product on every shop; stable for the product's life."""
    return f"OCOP-{product.id}"


def shop_price(shop: Shop, price: int) -> int:
    """Our price with the shop's markup, rounded to the nearest 1.000 đ."""
    raw = price * (100 + shop.price_markup_percent) / 100 + shop.price_markup_fixed
    return max(1000, int((raw + 500) // 1000) * 1000)


def available_stock(shop: Shop, variant: Variant, reserved: int = 0) -> int:
    """On hand − reserved by open orders − the shop's safety buffer, never below zero."""
    return max(0, variant.stock - reserved - shop.stock_buffer)


def _options(text: str) -> dict[str, str]:
    name, sep, value = text.partition(":")
    return {name.strip(): value.strip()} if sep and value.strip() else {}


def image_hashes(product: Product, platform: str) -> list[str]:
    """The platform renditions of the product's ready photos, in gallery order."""
    rule = PLATFORM_RULES[platform]
    hashes = []
    for photo in product.photos:
        rendition = photo.rendition(platform) if photo.status == PhotoStatus.READY else None
        if rendition is not None and rendition.sha256:
            hashes.append(rendition.sha256)
    return hashes[: rule.max_count]


def content(product: Product, shop: Shop, mapping: CategoryMapping) -> dict[str, Any]:
    """Everything of a listing but price and stock, as plain JSON-able data."""
    return {
        "seller_sku": seller_sku(product),
        "name": product.name,
        "description_html": product.description,
        "category_id": mapping.platform_category_id,
        "attributes": json.loads(mapping.attributes or "{}"),
        "brand": product.brand or "",
        "images": image_hashes(product, shop.platform),
        "variants": [
            {
                "seller_sku": v.sku,
                "options": _options(v.options),
                "weight_g": v.weight_g,
                "length_cm": v.length_cm,
                "width_cm": v.width_cm,
                "height_cm": v.height_cm,
                "barcode": v.barcode,
            }
            for v in product.variants
        ],
    }


def content_hash(data: dict[str, Any]) -> str:
    """A stable hash of a listing's content."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class PriceStockChange:
    listing_id: int
    variant_id: int
    seller_sku: str
    price: int
    stock: int


@dataclass
class Plan:
    shop_id: int
    creates: list[int] = field(default_factory=list)  # product ids (or pending listings)
    updates: list[int] = field(default_factory=list)  # listing ids
    price_stock: list[PriceStockChange] = field(default_factory=list)
    delists: list[int] = field(default_factory=list)  # listing ids
    relists: list[int] = field(default_factory=list)  # listing ids
    # Pending listings of products no longer wanted: a create cut short may have left
    # the item on the platform, live; it is looked up and delisted (or the row dropped).
    settles: list[int] = field(default_factory=list)  # listing ids
    not_ready: dict[int, list[str]] = field(default_factory=dict)  # product id -> problems

    @property
    def writes(self) -> int:
        return (
            len(self.creates)
            + len(self.updates)
            + len(self.delists)
            + len(self.relists)
            + len(self.settles)
            + (1 if self.price_stock else 0)
        )


def _products(shop: Shop) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.cooperative_id == shop.cooperative_id)
            .options(selectinload(Product.variants), selectinload(Product.photos))
            .order_by(Product.id)
        )
    )


def _mappings(shop: Shop) -> dict[int, CategoryMapping]:
    rows = db.session.scalars(select(CategoryMapping).where(CategoryMapping.shop_id == shop.id))
    return {m.category_id: m for m in rows}


def _listings(shop: Shop) -> dict[int, Listing]:
    rows = db.session.scalars(
        select(Listing).where(Listing.shop_id == shop.id).options(selectinload(Listing.variants))
    )
    return {listing.product_id: listing for listing in rows}


def shop_readiness(shops: list[Shop], products: list[Product]) -> dict[int, dict[int, list[str]]]:
    """For the product list: product id → shop id → what keeps it off that shop."""
    mappings = {shop.id: _mappings(shop) for shop in shops}
    return {
        product.id: {shop.id: _problems(product, shop, mappings[shop.id]) for shop in shops}
        for product in products
    }


def _problems(product: Product, shop: Shop, mappings: dict[int, CategoryMapping]) -> list[str]:
    problems = [p.message for p in photo_problems(product, shop.platform)]
    mapping = mappings.get(product.category_id)  # type: ignore[arg-type]
    if mapping is None:
        problems.insert(0, "category_not_mapped")
    elif mapping.missing:
        problems.insert(0, f"attributes_missing:{mapping.missing}")
    return problems


def make_plan(shop: Shop) -> Plan:
    """Compare every product of the cooperative with its listing on the shop."""
    plan = Plan(shop_id=shop.id)
    mappings, listings = _mappings(shop), _listings(shop)
    for product in _products(shop):
        listing = listings.get(product.id)
        wanted = product.status == ProductStatus.ACTIVE
        if not wanted:
            if listing is not None and listing.status == ListingStatus.LIVE:
                plan.delists.append(listing.id)
            elif listing is not None and listing.status == ListingStatus.PENDING:
                plan.settles.append(listing.id)
            continue
        problems = _problems(product, shop, mappings)
        if problems:
            plan.not_ready[product.id] = problems
            continue
        _plan_product(plan, shop, product, listing, mappings[product.category_id])  # type: ignore[index]
    return plan


def _plan_product(
    plan: Plan, shop: Shop, product: Product, listing: Listing | None, mapping: CategoryMapping
) -> None:
    if listing is None or listing.platform_item_id is None:
        plan.creates.append(product.id)
        return
    if listing.content_hash != content_hash(content(product, shop, mapping)):
        plan.updates.append(listing.id)
    pushed = {lv.variant_id: lv for lv in listing.variants}
    total = 0
    for variant in product.variants:
        price, stock = shop_price(shop, variant.price), available_stock(shop, variant)
        total += stock
        known = pushed.get(variant.id)
        if known is not None and (known.price, known.stock) != (price, stock):
            plan.price_stock.append(
                PriceStockChange(listing.id, variant.id, variant.sku, price, stock)
            )
    if shop.delist_at_zero and total == 0 and listing.status == ListingStatus.LIVE:
        plan.delists.append(listing.id)
    elif listing.status == ListingStatus.DELISTED and (total > 0 or not shop.delist_at_zero):
        plan.relists.append(listing.id)
