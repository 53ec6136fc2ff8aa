"""Apply a plan to a shop, one committed step at a time, so a killed sync resumes.

Every step is a service: it flushes and the job commits after it. Creates never
duplicate: the listing row is written as ``pending`` with its seller SKU and
committed *before* the create call, and a listing found pending at the start of a
step (a previous run died after, or during, the call) is first looked up on the
platform by that SKU and linked if it is there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Photo
from marketplace.catalog.models import Product
from marketplace.catalog.sku import parent_sku
from marketplace.catalog.storage import RENDITIONS
from marketplace.catalog.storage import get_storage
from marketplace.connectors import registry
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import RemoteItem
from marketplace.extensions import db
from marketplace.listings.models import CategoryMapping
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.models import ListingVariant
from marketplace.listings.models import PlatformImage
from marketplace.listings.sync import backoff
from marketplace.listings.sync import log as synclog
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync.mapping import brand_names
from marketplace.shops import services
from marketplace.shops.models import Shop

log = logging.getLogger(__name__)
T = TypeVar("T")


def _log(
    shop: Shop,
    listing: Listing | None,
    action: str,
    error: Exception | None = None,
    **summaries: synclog.Summary | None,
) -> None:
    synclog.record(shop, listing, action, error, **summaries)


def _failed(
    shop: Shop, listing: Listing, action: str, error: ConnectorError, payload_hash: str | None
) -> None:
    """Log a failed write and put the listing in backoff; re-raise what no wait can fix.

    ``payload_hash`` (for creates and updates) pins a refusal to the payload refused;
    other refusals (delist, relist) wait like transient failures.
    """
    kind = backoff.classify(error)
    if kind is backoff.Kind.FATAL:
        raise error  # the job logs it and stops (tasks._step)
    _log(shop, listing, action, error)
    listing.last_error = str(error)
    if kind is backoff.Kind.REJECTED and payload_hash is not None:
        backoff.refused(listing, payload_hash)
    else:
        backoff.failed(listing, error)
    if isinstance(error, Retryable | RateLimited):
        # Logged and waiting: the job counts it, and stops when nothing answers any more.
        raise Unanswered(error) from error


class Unanswered(Exception):  # noqa: N818 - a signal to the job, not an error to show
    """A write the platform did not answer; already logged and put in backoff."""

    def __init__(self, error: ConnectorError) -> None:
        super().__init__(str(error))
        self.error = error


def log_failure(shop: Shop, listing: Listing | None, action: str, error: Exception) -> None:
    """The sync-log entry of a write that failed (the run goes on; the next one retries it)."""
    _log(shop, listing, action, error)


def _call(shop: Shop, action: Callable[[Connector], T]) -> T:
    """The gateway commits before it calls out: ``action`` must capture plain values only
    (ids, strings, payload dataclasses), or reading an expired ORM attribute inside it
    would open a transaction for the length of the call."""
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


def image_batches(shop: Shop, product_ids: list[int]) -> list[list[str]]:
    """The renditions these products need that the shop lacks, cut to the platform's upload
    batch; none when it takes one image per call (each create uploads its own then)."""
    size = registry.get_connector(shop.platform).image_upload_batch
    if size <= 1 or not product_ids:
        return []
    products = db.session.scalars(
        select(Product)
        .where(Product.id.in_(product_ids))
        .options(selectinload(Product.photos).selectinload(Photo.renditions))
    )
    wanted = dict.fromkeys(h for p in products for h in planning.image_hashes(p, shop.platform))
    known = set(
        db.session.scalars(select(PlatformImage.sha256).where(PlatformImage.shop_id == shop.id))
    )
    missing = [h for h in wanted if h not in known]
    return [missing[i : i + size] for i in range(0, len(missing), size)]


def upload_images(shop: Shop, hashes: list[str]) -> None:
    """Upload one batch of renditions and remember them. A refused batch is left to the
    creates, which upload one at a time and so fail only the product whose image it is."""
    storage = get_storage()
    files = [(storage.get(RENDITIONS, sha256), f"{sha256[:16]}.jpg") for sha256 in hashes]
    try:
        refs = _call(shop, lambda connector: connector.upload_images(files))
    except Rejected as exc:
        log.warning("shop %r refused a batch of %d images: %s", shop.id, len(hashes), exc)
        return
    for sha256, ref in zip(hashes, refs, strict=True):
        db.session.add(
            PlatformImage(shop_id=shop.id, sha256=sha256, platform_id=ref.platform_id, url=ref.url)
        )
    db.session.flush()


def _upload(shop: Shop, sha256: str) -> ImageRef:
    data = get_storage().get(RENDITIONS, sha256)
    return _call(shop, lambda connector: connector.upload_image(data, f"{sha256[:16]}.jpg"))


def planned(shop: Shop, product: Product, reserved: dict[int, int]) -> ItemPayload:
    """The listing as the plan defines it (``plan.listing_payload``); no platform call."""
    return planning.listing_payload(product, shop, _mapping(shop, product), reserved)


def to_send(
    shop: Shop, product: Product, item: ItemPayload, listing: Listing | None = None
) -> ItemPayload:
    """The planned payload made ready for the platform: its images uploaded (each once per
    shop), the platform's variant ids we know, and a brand only where the platform has it."""
    known = {row.variant_id: row.platform_variant_id for row in listing.variants} if listing else {}
    return replace(
        item,
        images=_image_refs(shop, [image.platform_id for image in item.images]),
        variants=[
            replace(wanted, platform_variant_id=known.get(variant.id, ""))
            for variant, wanted in zip(product.variants, item.variants, strict=True)
        ],
        # A cooperative's own brand is rarely registered with the platform: list it
        # without a brand rather than have the platform refuse the product.
        brand=item.brand
        if item.brand and item.brand in brand_names(shop, item.category_id)
        else "",
    )


def prepare_create(shop: Shop, product: Product) -> tuple[Listing, bool]:
    """The pending binding, written before any call; True when an earlier run left it."""
    listing = db.session.scalar(
        select(Listing).where(Listing.shop_id == shop.id, Listing.product_id == product.id)
    )
    if listing is not None:
        return listing, True
    listing = Listing(shop_id=shop.id, product_id=product.id, seller_sku=parent_sku(product.id))
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
    by_id = {v.platform_variant_id: v for v in remote.variants}
    wanted = {v.seller_sku: v for v in item.variants}
    # Rows are updated in place: replacing them would insert the new (listing, variant)
    # before the old one is deleted. A variant the platform still has under the id we
    # know keeps it even without our SKU (a listing linked in order, Shopee's model-less
    # item, whose only variant carries the parent SKU).
    known = {row.variant_id: row for row in listing.variants}
    rows = []
    for variant in product.variants:
        row = known.get(variant.id)
        there = by_sku.get(variant.sku) or (by_id.get(row.platform_variant_id) if row else None)
        if there is None:
            continue
        if row is None:
            row = ListingVariant(variant_id=variant.id, price=there.price, stock=there.stock)
        if created:
            row.price, row.stock = wanted[variant.sku].price, wanted[variant.sku].stock
        row.platform_variant_id = there.platform_variant_id
        rows.append(row)
    listing.variants = rows
    listing.platform_item_id = remote.platform_item_id
    listing.status = ListingStatus.LIVE
    if len(rows) < len(product.variants):
        digest = ""  # variants missing on the platform: not done, the next plan updates again
    listing.content_hash, listing.last_error = digest, None


def push_create(shop: Shop, listing: Listing, resumed: bool, reserved: dict[int, int]) -> None:
    """Create the listing on the platform, or link the one an earlier attempt created."""
    product = listing.product
    wanted = planned(shop, product, reserved)
    digest = planning.payload_hash(wanted)
    try:
        item = to_send(shop, product, wanted)
        sku = listing.seller_sku  # read now: the call commits, and nothing loads during it
        found = _call(shop, lambda c: c.find_by_seller_sku(sku)) if resumed else None
        if found is not None:
            linked = _call(shop, lambda c: c.update_item(found.platform_item_id, item))
            _bind(listing, product, linked, item, digest)
            _pushed(shop, listing, "link", item, synclog.created(item), linked)
            return
        remote = _call(shop, lambda c: c.create_item(item))
    except ConnectorError as exc:
        if backoff.classify(exc) is backoff.Kind.REJECTED:
            listing.status = ListingStatus.FAILED
        refused = planning.payload_hash(wanted, with_price_stock=True)
        _failed(shop, listing, "create", exc, refused)
        return
    _bind(listing, product, remote, item, digest, created=True)
    _pushed(shop, listing, "create", item, synclog.created(item), remote)


def push_update(shop: Shop, listing: Listing, reserved: dict[int, int]) -> None:
    """Replace the listing's content on the platform."""
    product = listing.product
    wanted = planned(shop, product, reserved)
    digest = planning.payload_hash(wanted)
    try:
        item = to_send(shop, product, wanted, listing)
        item_id = str(listing.platform_item_id)  # read now: nothing loads during the call
        remote = _call(shop, lambda c: c.update_item(item_id, item))
    except ConnectorError as exc:
        _failed(shop, listing, "update", exc, digest)
        return
    sent = synclog.updated(item, listing.content_fields)
    _bind(listing, product, remote, item, digest)
    _pushed(shop, listing, "update", item, sent, remote)


def _pushed(
    shop: Shop,
    listing: Listing,
    action: str,
    item: ItemPayload,
    sent: synclog.Summary,
    remote: RemoteItem,
) -> None:
    """A create or update went through: remember its fields, end any backoff, log it."""
    listing.content_fields = json.dumps(synclog.field_hashes(item))
    backoff.succeeded(listing, content=True)
    _log(shop, listing, action, sent=sent, received=synclog.answered(remote))


def settle_pending(shop: Shop, listing: Listing) -> None:
    """A product archived while its create was cut short: delist what the platform made,
    or drop the binding if it made nothing."""
    sku = listing.seller_sku  # read now: nothing loads during the call
    found = _call(shop, lambda c: c.find_by_seller_sku(sku))
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
    action = "relist" if listed else "delist"
    try:
        _call(shop, lambda c: c.relist(item_id) if listed else c.delist(item_id))
    except ConnectorError as exc:
        _failed(shop, listing, action, exc, None)
        return
    listing.status = ListingStatus.LIVE if listed else ListingStatus.DELISTED
    backoff.succeeded(listing, content=False)
    _log(shop, listing, action)
