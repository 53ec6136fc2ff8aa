"""Apply a plan to a shop, one committed step at a time, so a killed sync resumes.

Every step is a service: it flushes and the job commits after it. Creates never
duplicate: the listing row is written as ``pending`` with its seller SKU and
committed *before* the create call, and a listing found pending at the start of a
step (a previous run died after, or during, the call) is first looked up on the
platform by that SKU and linked if it is there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.catalog.storage import RENDITIONS
from marketplace.catalog.storage import get_storage
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import Rejected
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import VariantPayload
from marketplace.extensions import db
from marketplace.listings import plan as planning
from marketplace.listings import services
from marketplace.listings.mapping import brand_names
from marketplace.listings.models import Shop
from marketplace.listings.sync_models import CategoryMapping
from marketplace.listings.sync_models import Listing
from marketplace.listings.sync_models import ListingStatus
from marketplace.listings.sync_models import ListingVariant
from marketplace.listings.sync_models import PlatformImage
from marketplace.listings.sync_models import SyncEvent

log = logging.getLogger(__name__)
T = TypeVar("T")


def _log(shop: Shop, listing: Listing | None, action: str, error: Exception | None = None) -> None:
    field = getattr(error, "field", None) or None
    if error is None:
        outcome, message = "ok", ""
    elif isinstance(error, Rejected):
        outcome = "rejected"
        message = gettext("The marketplace refused it: %(reason)s", reason=str(error))
    else:
        outcome, message = (
            "failed",
            gettext("Could not reach the marketplace: %(reason)s", reason=str(error)),
        )
    db.session.add(
        SyncEvent(
            shop_id=shop.id,
            listing_id=listing.id if listing else None,
            action=action,
            outcome=outcome,
            field=field,
            message=message,
        )
    )


def log_failure(shop: Shop, listing: Listing | None, action: str, error: Exception) -> None:
    """The sync-log entry of a write that failed (the run goes on; the next one retries it)."""
    _log(shop, listing, action, error)


def _call(shop: Shop, action: Callable[[Connector], T]) -> T:
    return services.call(shop, action)


def _mapping(shop: Shop, product: Product) -> CategoryMapping:
    mapping = db.session.scalar(
        select(CategoryMapping).where(
            CategoryMapping.shop_id == shop.id, CategoryMapping.category_id == product.category_id
        )
    )
    if mapping is None:
        raise LookupError("category not mapped")
    return mapping


def _image_refs(shop: Shop, hashes: list[str]) -> list[ImageRef]:
    """Upload the renditions the platform does not have yet; each image once per shop."""
    known = {
        row.sha256: row
        for row in db.session.scalars(
            select(PlatformImage).where(
                PlatformImage.shop_id == shop.id, PlatformImage.sha256.in_(hashes)
            )
        )
    }
    refs = []
    for sha256 in hashes:
        row = known.get(sha256)
        if row is None:
            ref = _upload(shop, sha256)
            row = PlatformImage(
                shop_id=shop.id, sha256=sha256, platform_id=ref.platform_id, url=ref.url
            )
            db.session.add(row)
        refs.append(ImageRef(row.platform_id, row.url))
    return refs


def _upload(shop: Shop, sha256: str) -> ImageRef:
    data = get_storage().get(RENDITIONS, sha256)
    return _call(shop, lambda connector: connector.upload_image(data, f"{sha256[:16]}.jpg"))


def payload(shop: Shop, product: Product) -> tuple[ItemPayload, str]:
    """The ItemPayload the shop should have for the product, and its content hash."""
    data = planning.content(product, shop, _mapping(shop, product))
    variants = [
        VariantPayload(
            seller_sku=v.sku,
            price=planning.shop_price(shop, v.price),
            stock=planning.available_stock(shop, v),
            list_price=planning.shop_price(shop, v.list_price) if v.list_price else None,
            options=row["options"],
            weight_g=v.weight_g,
            length_cm=v.length_cm,
            width_cm=v.width_cm,
            height_cm=v.height_cm,
            barcode=v.barcode,
        )
        for v, row in zip(product.variants, data["variants"], strict=True)
    ]
    item = ItemPayload(
        seller_sku=data["seller_sku"],
        name=data["name"],
        description_html=data["description_html"],
        category_id=data["category_id"],
        images=_image_refs(shop, data["images"]),
        variants=variants,
        attributes=data["attributes"],
        # A cooperative's own brand is rarely registered with the platform: list it
        # without a brand rather than have the platform refuse the product.
        brand=data["brand"] if data["brand"] in brand_names(shop, data["category_id"]) else "",
        weight_g=next((v.weight_g for v in product.variants if v.weight_g), None),
    )
    return item, planning.content_hash(data)


def prepare_create(shop: Shop, product: Product) -> tuple[Listing, bool]:
    """The pending binding, written before any call; True when an earlier run left it."""
    listing = db.session.scalar(
        select(Listing).where(Listing.shop_id == shop.id, Listing.product_id == product.id)
    )
    if listing is not None:
        return listing, True
    listing = Listing(
        shop_id=shop.id, product_id=product.id, seller_sku=planning.seller_sku(product)
    )
    db.session.add(listing)
    db.session.flush()
    return listing, False


def _bind(
    listing: Listing,
    product: Product,
    remote: RemoteItem,
    item: ItemPayload,
    digest: str,
    *,
    created: bool = False,
) -> None:
    """Record what the platform has now.

    Price and stock count as pushed only when a create sent them. An update leaves
    them alone on the platform, so a variant keeps the values last pushed, and one
    met for the first time (a linked item, a new variant) gets the platform's own:
    the next plan then pushes whatever differs, even after a kill between steps.
    """
    by_sku = {v.seller_sku: v for v in remote.variants}
    wanted = {v.seller_sku: v for v in item.variants}
    known = {row.variant_id: row for row in listing.variants}
    rows = []
    for variant in product.variants:
        theirs = by_sku.get(variant.sku)
        if theirs is None:
            continue
        row = known.get(variant.id) or ListingVariant(
            variant_id=variant.id, price=theirs.price, stock=theirs.stock
        )
        if created:
            row.price, row.stock = wanted[variant.sku].price, wanted[variant.sku].stock
        row.platform_variant_id = theirs.platform_variant_id
        rows.append(row)
    listing.variants = rows
    listing.platform_item_id = remote.platform_item_id
    listing.status = ListingStatus.LIVE
    if len(rows) < len(product.variants):
        digest = ""  # variants missing on the platform: not done, the next plan updates again
    listing.content_hash, listing.last_error = digest, None


def push_create(shop: Shop, listing: Listing, resumed: bool) -> None:
    """Create the listing on the platform, or link the one an earlier attempt created."""
    product = listing.product
    try:
        item, digest = payload(shop, product)
        found = _call(shop, lambda c: c.find_by_seller_sku(listing.seller_sku)) if resumed else None
        if found is not None:
            linked = _call(shop, lambda c: c.update_item(found.platform_item_id, item))
            _bind(listing, product, linked, item, digest)
            _log(shop, listing, "link")
            return
        remote = _call(shop, lambda c: c.create_item(item))
    except Rejected as exc:
        listing.status, listing.last_error = ListingStatus.FAILED, str(exc)
        _log(shop, listing, "create", exc)
        return
    _bind(listing, product, remote, item, digest, created=True)
    _log(shop, listing, "create")


def push_update(shop: Shop, listing: Listing) -> None:
    """Replace the listing's content on the platform."""
    try:
        item, digest = payload(shop, listing.product)
        remote = _call(shop, lambda c: c.update_item(str(listing.platform_item_id), item))
    except Rejected as exc:
        listing.last_error = str(exc)
        _log(shop, listing, "update", exc)
        return
    _bind(listing, listing.product, remote, item, digest)
    _log(shop, listing, "update")


def push_price_stock(shop: Shop, changes: list[planning.PriceStockChange]) -> None:
    """All price/stock changes in as few calls as the platform allows (the connector batches)."""
    rows = {
        (lv.listing_id, lv.variant_id): lv
        for lv in db.session.scalars(
            select(ListingVariant).where(
                ListingVariant.listing_id.in_({c.listing_id for c in changes})
            )
        )
    }
    listings = {lv.listing_id: lv.listing for lv in rows.values()}
    updates = [
        PriceStock(
            str(listings[c.listing_id].platform_item_id),
            rows[(c.listing_id, c.variant_id)].platform_variant_id,
            c.seller_sku,
            c.price,
            c.stock,
        )
        for c in changes
    ]
    results = _call(shop, lambda c: c.update_price_stock(updates))
    for change, result in zip(changes, results, strict=True):
        listing = listings[change.listing_id]
        if result.ok:
            row = rows[(change.listing_id, change.variant_id)]
            row.price, row.stock = change.price, change.stock
        _log(shop, listing, "price_stock", result.error)


def settle_pending(shop: Shop, listing: Listing) -> None:
    """A product archived while its create was cut short: delist what the platform made,
    or drop the binding if it made nothing."""
    found = _call(shop, lambda c: c.find_by_seller_sku(listing.seller_sku))
    if found is None:
        db.session.delete(listing)
        return
    _call(shop, lambda c: c.delist(found.platform_item_id))
    by_sku = {v.seller_sku: v for v in found.variants}
    listing.variants = [
        ListingVariant(
            variant_id=variant.id,
            platform_variant_id=by_sku[variant.sku].platform_variant_id,
            price=by_sku[variant.sku].price,
            stock=by_sku[variant.sku].stock,
        )
        for variant in listing.product.variants
        if variant.sku in by_sku
    ]
    listing.platform_item_id, listing.content_hash = found.platform_item_id, ""
    listing.status = ListingStatus.DELISTED
    _log(shop, listing, "delist")


def push_listed(shop: Shop, listing: Listing, listed: bool) -> None:
    """Delist or relist."""
    item_id = str(listing.platform_item_id)
    _call(shop, lambda c: c.relist(item_id) if listed else c.delist(item_id))
    listing.status = ListingStatus.LIVE if listed else ListingStatus.DELISTED
    _log(shop, listing, "relist" if listed else "delist")
