"""Which product of the catalogue a listing found on a shop is, by seller SKU. Pure functions.

A listing is ours when its parent SKU is our ``OCOP-<product id>`` or when its
variants' seller SKUs are the variant SKUs of one product. It is bound only
when every variant of the listing finds its variant of that product: a partial
fit is reported, never guessed, because binding it would let the next sync
rewrite a listing that may be something else.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from marketplace.catalog.models import Product
from marketplace.catalog.sku import product_id_of
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.listings.imports.models import MatchOutcome


@dataclass(frozen=True)
class OurVariant:
    id: int
    product_id: int
    sku: str


@dataclass
class Catalogue:
    """A cooperative's products and variant SKUs, as the matcher needs them."""

    products: dict[int, list[OurVariant]] = field(default_factory=dict)  # in position order
    by_sku: dict[str, OurVariant] = field(default_factory=dict)

    @classmethod
    def of(cls, products: Iterable[Product]) -> Catalogue:
        catalogue = cls()
        for product in products:
            ours = [OurVariant(v.id, product.id, v.sku) for v in product.variants]
            catalogue.products[product.id] = ours
            catalogue.by_sku.update((v.sku, v) for v in ours)
        return catalogue


@dataclass
class Match:
    outcome: MatchOutcome
    product_id: int | None = None
    # (index of the listing's variant, our variant id)
    pairs: list[tuple[int, int]] = field(default_factory=list)


def parent_product(catalogue: Catalogue, seller_sku: str) -> int | None:
    """The product whose parent SKU this is, if it is one of the catalogue's."""
    product_id = product_id_of(seller_sku or "")
    return product_id if product_id in catalogue.products else None


def pair_by_sku(
    ours: Sequence[OurVariant], theirs: Sequence[RemoteVariant]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Pairs of (their index, our variant id) with equal SKUs, and their indexes left over.

    Each of our variants is taken once: a listing repeating a SKU leaves the repeat over.
    """
    by_sku = {v.sku: v for v in ours}
    pairs: list[tuple[int, int]] = []
    leftover: list[int] = []
    taken: set[int] = set()
    for index, remote in enumerate(theirs):
        mine = by_sku.get(remote.seller_sku)
        if mine is None or mine.id in taken:
            leftover.append(index)
        else:
            pairs.append((index, mine.id))
            taken.add(mine.id)
    return pairs, leftover


def match(catalogue: Catalogue, item: RemoteItem) -> Match:
    """Decide which product ``item`` is, and pair its variants with ours."""
    parent = parent_product(catalogue, item.seller_sku)
    owners = {
        catalogue.by_sku[v.seller_sku].product_id
        for v in item.variants
        if v.seller_sku in catalogue.by_sku
    }
    if parent is None and not owners:
        return Match(MatchOutcome.NONE)
    if parent is None and len(owners) > 1:
        return Match(MatchOutcome.SEVERAL)
    product_id = parent if parent is not None else owners.pop()
    ours = catalogue.products[product_id]
    pairs, leftover = pair_by_sku(ours, item.variants)
    if leftover and parent is not None and len(item.variants) == len(ours) == 1:
        # Shopee's model-less item carries the parent SKU on its only variant; with
        # the product certain and one variant on each side there is nothing to guess.
        pairs, leftover = [(0, ours[0].id)], []
    return Match(MatchOutcome.PARTIAL if leftover else MatchOutcome.MATCHED, product_id, pairs)


@dataclass
class LinkRow:
    """One line of the link preview: a variant of the listing and what it becomes."""

    remote: RemoteVariant
    variant: OurVariant | None
    how: str  # "sku", "order" or "" (stays unlinked)


def link_plan(
    ours: Sequence[OurVariant], theirs: Sequence[RemoteVariant]
) -> tuple[list[LinkRow], list[OurVariant]]:
    """How a manual link pairs variants: by SKU, then the rest in order when their counts agree.

    Returns a row per variant of the listing and our variants left without one.
    """
    pairs, leftover = pair_by_sku(ours, theirs)
    paired = dict(pairs)
    how = dict.fromkeys(paired, "sku")
    free = [v for v in ours if v.id not in paired.values()]
    if leftover and len(leftover) == len(free):
        for index, variant in zip(leftover, free, strict=True):
            paired[index], how[index] = variant.id, "order"
        free = []
    by_id = {v.id: v for v in ours}
    rows = [
        LinkRow(remote, by_id[paired[i]] if i in paired else None, how.get(i, ""))
        for i, remote in enumerate(theirs)
    ]
    return rows, free
