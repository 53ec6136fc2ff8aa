"""Plan: what each listing should be on a shop, compared with what was last pushed.

Nothing here calls a platform. The plan is what the manager previews ("3 new,
12 price/stock changes, 1 delist") and what ``sync.apply`` carries out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.catalog.sku import parent_sku
from marketplace.common.models import utcnow
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import VariantPayload
from marketplace.extensions import db
from marketplace.listings.imports.models import UnmatchedItem
from marketplace.listings.models import CategoryMapping
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.readiness import Missing
from marketplace.listings.readiness import missing_for_shop
from marketplace.listings.sync import backoff
from marketplace.platforms import PLATFORMS
from marketplace.sales.models import reserved_by_variant
from marketplace.shops.models import Shop


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
    rule = PLATFORMS[platform].image
    hashes = []
    for photo in product.photos:
        rendition = photo.rendition(platform) if photo.status == PhotoStatus.READY else None
        if rendition is not None and rendition.sha256:
            hashes.append(rendition.sha256)
    return hashes[: rule.max_count]


def listing_payload(
    product: Product, shop: Shop, mapping: CategoryMapping, reserved: dict[int, int]
) -> ItemPayload:
    """The one definition of what a listing should be on the shop.

    Images are named by their renditions' hashes (``ImageRef.platform_id``); the apply
    step swaps in the platform's references once they are uploaded. The content hash
    is taken from this, so a field added here is compared as soon as it is sent.
    """
    return ItemPayload(
        seller_sku=parent_sku(product.id),
        name=product.name,
        description_html=product.description,
        category_id=mapping.platform_category_id,
        images=[ImageRef(sha256, "") for sha256 in image_hashes(product, shop.platform)],
        variants=[
            VariantPayload(
                seller_sku=v.sku,
                price=shop_price(shop, v.price),
                stock=available_stock(shop, v, reserved.get(v.id, 0)),
                list_price=shop_price(shop, v.list_price) if v.list_price else None,
                options=_options(v.options),
                weight_g=v.weight_g,
                length_cm=v.length_cm,
                width_cm=v.width_cm,
                height_cm=v.height_cm,
                barcode=v.barcode,
            )
            for v in product.variants
        ],
        attributes=json.loads(mapping.attributes or "{}"),
        brand=product.brand or "",
        weight_g=next((v.weight_g for v in product.variants if v.weight_g), None),
    )


# Price and stock travel in price/stock writes (and in a create); the variant id is where
# a write goes, not what it says.
PRICE_STOCK_FIELDS = ("price", "stock", "list_price")
NOT_CONTENT = ("platform_variant_id",)


def payload_hash(item: ItemPayload, *, with_price_stock: bool = False) -> str:
    """A stable hash of everything the payload sends; price and stock only for a create,
    where they travel with the content (what a refused create is pinned to)."""
    data = asdict(item)
    dropped = NOT_CONTENT + (() if with_price_stock else PRICE_STOCK_FIELDS)
    for variant in data["variants"]:
        for name in dropped:
            variant.pop(name)
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
    not_ready: dict[int, list[Missing]] = field(default_factory=dict)  # product id -> problems
    # listing id -> why it is left out this time (refused, or retried later)
    waiting: dict[int, backoff.Waiting] = field(default_factory=dict)
    unlinked: int = 0  # listings on the shop neither linked to the catalogue nor ignored
    # Variant id -> units held by open orders when the plan was made: read once per run.
    reserved: dict[int, int] = field(default_factory=dict)

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


def _unlinked_skus(shop: Shop) -> tuple[int, frozenset[str]]:
    """How many listings of the shop wait to be linked, and every seller SKU they carry."""
    rows = db.session.scalars(
        select(UnmatchedItem).where(
            UnmatchedItem.shop_id == shop.id, UnmatchedItem.ignored.is_(False)
        )
    ).all()
    return len(rows), frozenset(sku for row in rows for sku in row.skus)


def make_plan(shop: Shop, now: datetime | None = None) -> Plan:
    """Compare every product of the cooperative with its listing on the shop.

    Listings in backoff (``backoff.py``) are left out and counted in ``waiting``.
    """
    reserved = reserved_by_variant(shop.cooperative_id)
    plan, now = Plan(shop_id=shop.id, reserved=reserved), now or utcnow()
    mappings, listings = _mappings(shop), _listings(shop)
    plan.unlinked, unlinked_skus = _unlinked_skus(shop)
    for product in _products(shop):
        listing = listings.get(product.id)
        wanted = product.status == ProductStatus.ACTIVE
        if not wanted:
            if listing is not None and listing.status == ListingStatus.LIVE:
                _delist_unless_waiting(plan, listing, now)
            elif listing is not None and listing.status == ListingStatus.PENDING:
                plan.settles.append(listing.id)
            continue
        unbound = listing is None or listing.platform_item_id is None
        # Only an unbound product could be created twice beside an unlinked listing.
        carried = unlinked_skus if unbound else frozenset()
        problems = missing_for_shop(product, shop, mappings.get(product.category_id), carried)  # type: ignore[arg-type]
        if problems:
            plan.not_ready[product.id] = problems
            continue
        mapping = mappings[product.category_id]  # type: ignore[index]
        if listing is None or listing.platform_item_id is None:
            _plan_create(plan, shop, product, listing, mapping, now, reserved)
        else:
            _plan_product(plan, shop, product, listing, mapping, now, reserved)
    return plan


def _delist_unless_waiting(plan: Plan, listing: Listing, now: datetime) -> None:
    wait = backoff.held(listing, now, None)
    if wait is None:
        plan.delists.append(listing.id)
    else:
        plan.waiting[listing.id] = wait


def _plan_create(
    plan: Plan,
    shop: Shop,
    product: Product,
    listing: Listing | None,
    mapping: CategoryMapping,
    now: datetime,
    reserved: dict[int, int],
) -> None:
    """A new listing, or one whose create failed: again, unless it must wait."""
    if listing is not None:
        planned = listing_payload(product, shop, mapping, reserved)
        digest = payload_hash(planned, with_price_stock=True)
        wait = backoff.held(listing, now, digest)
        if wait is not None:
            plan.waiting[listing.id] = wait
            return
    plan.creates.append(product.id)


def _plan_product(
    plan: Plan,
    shop: Shop,
    product: Product,
    listing: Listing,
    mapping: CategoryMapping,
    now: datetime,
    reserved: dict[int, int],
) -> None:
    digest = payload_hash(listing_payload(product, shop, mapping, reserved))
    wait = backoff.held(listing, now, digest if listing.content_hash != digest else None)
    if wait is not None and wait.reason == backoff.Reason.RETRY_LATER:
        plan.waiting[listing.id] = wait
        return
    if wait is not None:  # the new content was refused; price and stock still go
        plan.waiting[listing.id] = wait
    elif listing.content_hash != digest:
        plan.updates.append(listing.id)
    pushed = {lv.variant_id: lv for lv in listing.variants}
    total = 0
    for variant in product.variants:
        price = shop_price(shop, variant.price)
        stock = available_stock(shop, variant, reserved.get(variant.id, 0))
        total += stock
        known = pushed.get(variant.id)
        if known is None or (known.price, known.stock) == (price, stock):
            continue
        if backoff.variant_held(known, price, stock):
            plan.waiting.setdefault(listing.id, backoff.Waiting(backoff.Reason.PRICE_STOCK_REFUSED))
        else:
            plan.price_stock.append(
                PriceStockChange(listing.id, variant.id, variant.sku, price, stock)
            )
    if shop.delist_at_zero and total == 0 and listing.status == ListingStatus.LIVE:
        plan.delists.append(listing.id)
    elif listing.status == ListingStatus.DELISTED and (total > 0 or not shop.delist_at_zero):
        plan.relists.append(listing.id)
