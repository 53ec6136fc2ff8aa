"""Import what a shop already sells: bind the listings that are ours, keep the rest to link.

A bound listing gets the same binding a sync would have written, so the next
plan updates it instead of creating a duplicate:

* ``seller_sku`` is our parent SKU ``OCOP-<product id>``, whatever the listing
  carries. It is unique per shop because the product is, it never collides the
  way the platforms' own parent SKUs can (blank, or a variant's SKU), and the
  create-resume lookup and the sync log mean the same thing for every listing.
* ``content_hash`` is left empty, so the next sync pushes the catalogue's
  content (and writes ``OCOP-<id>`` onto the platform). The catalogue is the
  truth the manager adopted the app for; leaving the old content until some
  unrelated edit would rewrite the listing by surprise later. The sync page's
  preview counts these updates before anything is sent.
* Variants keep the platform's variant ids and its current price and stock, so
  the next plan pushes only the prices and stocks that differ from ours.

Services flush; the job or the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Product
from marketplace.catalog.sku import parent_sku
from marketplace.connectors.types import RemoteItem
from marketplace.extensions import db
from marketplace.listings.imports.matching import Catalogue
from marketplace.listings.imports.matching import LinkRow
from marketplace.listings.imports.matching import OurVariant
from marketplace.listings.imports.matching import link_plan
from marketplace.listings.imports.matching import match
from marketplace.listings.imports.models import MatchOutcome
from marketplace.listings.imports.models import UnmatchedItem
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.models import ListingVariant
from marketplace.shops.models import Shop

# The connectors' normalised item status → our binding's. A listing under review
# exists and goes live by itself; a blocked one needs the manager (see last_error).
STATUS = {
    "live": ListingStatus.LIVE,
    "pending": ListingStatus.LIVE,
    "delisted": ListingStatus.DELISTED,
    "rejected": ListingStatus.FAILED,
}


class LinkError(Exception):
    """Input only the database can judge on the import page (a listing gone, a product not
    the cooperative's or already linked); ``message`` is in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportCounts:
    bound: int = 0  # bound by this import
    unmatched: int = 0  # kept for the manager
    known: int = 0  # already bound before


def catalogue(shop: Shop) -> Catalogue:
    """The shop's cooperative's products and their variant SKUs."""
    return Catalogue.of(
        db.session.scalars(
            select(Product)
            .where(Product.cooperative_id == shop.cooperative_id)
            .options(selectinload(Product.variants))
        )
    )


def _bindings(shop: Shop) -> tuple[dict[str, Listing], dict[int, Listing]]:
    rows = db.session.scalars(select(Listing).where(Listing.shop_id == shop.id)).all()
    by_item = {row.platform_item_id: row for row in rows if row.platform_item_id}
    return by_item, {row.product_id: row for row in rows}


def import_items(
    shop: Shop, items: list[RemoteItem], seen_at: datetime, counts: ImportCounts
) -> None:
    """Bind or keep one page of the shop's listings."""
    ours = catalogue(shop)
    by_item, by_product = _bindings(shop)
    kept = _kept(shop, [item.platform_item_id for item in items])
    for item in items:
        if item.platform_item_id in by_item:
            counts.known += 1
            _forget(kept.get(item.platform_item_id))
            continue
        found = match(ours, item)
        existing = by_product.get(found.product_id) if found.product_id else None
        taken = existing is not None and existing.platform_item_id is not None
        if found.outcome == MatchOutcome.MATCHED and not taken:
            listing = bind(shop, found.product_id or 0, item, found.pairs, existing)
            by_item[item.platform_item_id] = by_product[listing.product_id] = listing
            _forget(kept.get(item.platform_item_id))
            counts.bound += 1
            continue
        outcome = MatchOutcome.BOUND if taken else found.outcome
        keep(shop, item, outcome, found.product_id, seen_at, kept.get(item.platform_item_id))
        counts.unmatched += 1


def _kept(shop: Shop, item_ids: list[str]) -> dict[str, UnmatchedItem]:
    rows = db.session.scalars(
        select(UnmatchedItem).where(
            UnmatchedItem.shop_id == shop.id, UnmatchedItem.platform_item_id.in_(item_ids)
        )
    )
    return {row.platform_item_id: row for row in rows}


def _forget(row: UnmatchedItem | None) -> None:
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def bind(
    shop: Shop,
    product_id: int,
    item: RemoteItem,
    pairs: list[tuple[int, int]],
    existing: Listing | None = None,
) -> Listing:
    """Write the binding of ``item`` to the product (completing a binding that has no item)."""
    product = db.session.get_one(Product, product_id)
    listing = existing or Listing(
        shop_id=shop.id, product_id=product.id, seller_sku=parent_sku(product.id)
    )
    listing.platform_item_id = item.platform_item_id
    listing.status = STATUS.get(item.status, ListingStatus.LIVE)
    listing.last_error = (
        gettext("The marketplace has blocked this listing.")
        if listing.status == ListingStatus.FAILED
        else None
    )
    listing.content_hash = None  # the next sync pushes the catalogue's content
    listing.variants = [
        ListingVariant(
            variant_id=variant_id,
            platform_variant_id=item.variants[index].platform_variant_id,
            price=item.variants[index].price,
            stock=item.variants[index].stock,
        )
        for index, variant_id in pairs
    ]
    db.session.add(listing)
    db.session.flush()
    return listing


def keep(
    shop: Shop,
    item: RemoteItem,
    outcome: MatchOutcome,
    candidate_id: int | None,
    seen_at: datetime,
    row: UnmatchedItem | None = None,
) -> UnmatchedItem:
    """Record (or refresh) a listing the manager has to link or ignore; ``ignored`` survives."""
    row = row or UnmatchedItem(shop_id=shop.id, platform_item_id=item.platform_item_id)
    row.name, row.seller_sku = item.name[:300], item.seller_sku[:60]
    row.variants = item.variants
    row.status, row.outcome, row.candidate_id = item.status, outcome, candidate_id
    row.seen_at = seen_at
    db.session.add(row)
    db.session.flush()
    return row


def drop_unseen(shop: Shop, seen_at: datetime) -> int:
    """After a complete import: forget the kept listings the shop no longer has."""
    result = db.session.execute(
        delete(UnmatchedItem).where(
            UnmatchedItem.shop_id == shop.id, UnmatchedItem.seen_at < seen_at
        )
    )
    db.session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# -- the manager's side --------------------------------------------------------------


def counts(shop: Shop) -> dict[str, int]:
    """Linked listings, listings waiting to be linked, ignored ones."""
    linked = db.session.scalar(
        select(func.count(Listing.id)).where(
            Listing.shop_id == shop.id, Listing.platform_item_id.is_not(None)
        )
    )
    rows = db.session.execute(
        select(UnmatchedItem.ignored, func.count(UnmatchedItem.id))
        .where(UnmatchedItem.shop_id == shop.id)
        .group_by(UnmatchedItem.ignored)
    ).all()
    by_flag = {bool(flag): int(n) for flag, n in rows}
    return {
        "linked": int(linked or 0),
        "open": by_flag.get(False, 0),
        "ignored": by_flag.get(True, 0),
    }


def items(shop: Shop, ignored: bool) -> list[UnmatchedItem]:
    """The shop's kept listings, waiting or ignored, by name."""
    return list(
        db.session.scalars(
            select(UnmatchedItem)
            .where(UnmatchedItem.shop_id == shop.id, UnmatchedItem.ignored.is_(ignored))
            .order_by(UnmatchedItem.name, UnmatchedItem.id)
        )
    )


def item(shop: Shop, item_id: int) -> UnmatchedItem:
    """A kept listing of the shop, or a message saying it is gone."""
    row = db.session.get(UnmatchedItem, item_id)
    if row is None or row.shop_id != shop.id:
        raise LinkError(_gone())
    return row


def _gone() -> str:
    return gettext(
        "This listing is no longer waiting to be linked. Read the shop's listings again."
    )


def linkable_products(shop: Shop) -> list[Product]:
    """The cooperative's products that have no listing on the shop yet."""
    bound = select(Listing.product_id).where(
        Listing.shop_id == shop.id, Listing.platform_item_id.is_not(None)
    )
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.cooperative_id == shop.cooperative_id, Product.id.not_in(bound))
            .options(selectinload(Product.variants))
            .order_by(Product.name, Product.id)
        )
    )


def product_to_link(shop: Shop, product_id: int | None) -> Product:
    """The product chosen for a link, if it may be linked on this shop."""
    product = db.session.get(Product, product_id) if product_id else None
    if product is None or product.cooperative_id != shop.cooperative_id:
        raise LinkError(gettext("Choose a product of your catalogue."))
    listing = db.session.scalar(
        select(Listing).where(Listing.shop_id == shop.id, Listing.product_id == product.id)
    )
    if listing is not None and listing.platform_item_id is not None:
        raise LinkError(
            gettext(
                "%(product)s is already linked to another listing on this shop.",
                product=product.name,
            )
        )
    return product


def preview(row: UnmatchedItem, product: Product) -> tuple[list[LinkRow], list[OurVariant]]:
    """What linking the listing to the product does to each variant."""
    ours = [OurVariant(v.id, product.id, v.sku) for v in product.variants]
    return link_plan(ours, row.variants)


def link(shop: Shop, item_id: int, product_id: int | None) -> Listing:
    """Bind a kept listing to a product the manager chose; the row goes."""
    row = item(shop, item_id)
    product = product_to_link(shop, product_id)
    bound = db.session.scalar(
        select(Listing.id).where(
            Listing.shop_id == shop.id, Listing.platform_item_id == row.platform_item_id
        )
    )
    if bound is not None:  # a sync or an import bound it since the page was shown
        raise LinkError(_gone())
    # A binding whose create never got an answer (no item id) is completed, as a resume would.
    existing = db.session.scalar(
        select(Listing).where(Listing.shop_id == shop.id, Listing.product_id == product.id)
    )
    rows, _ = preview(row, product)
    pairs = [(i, r.variant.id) for i, r in enumerate(rows) if r.variant is not None]
    remote = RemoteItem(row.platform_item_id, row.seller_sku, row.name, row.status, row.variants)
    listing = bind(shop, product.id, remote, pairs, existing)
    _forget(row)
    return listing


def set_ignored(shop: Shop, item_id: int, ignored: bool) -> UnmatchedItem:
    """Hide a kept listing from the list (and from the sync page's count), or show it again."""
    row = item(shop, item_id)
    row.ignored = ignored
    db.session.flush()
    return row
