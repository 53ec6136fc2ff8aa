"""What keeps a product off a shop, each with the page that fixes it.

The one readiness rule: the plan holds a product back for exactly what the product
page and the product list tell the manager. Our own data first (``catalog.readiness``:
photos, name, weights and sizes for the platform), then the shop's side: the category
mapping, and a listing on the shop that carries the product's SKU but is not linked.
Plain data, so a job computes it without a request; the page builds the links.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import url_for
from flask_babel import gettext

from marketplace.catalog.models import Product
from marketplace.catalog.readiness import problems_for
from marketplace.catalog.sku import parent_sku
from marketplace.listings.models import CategoryMapping
from marketplace.shops.models import Shop

# Codes of the problems on the shop's side (those from our own data have none).
NOT_MAPPED = "category_not_mapped"
ATTRIBUTES_MISSING = "attributes_missing"
UNLINKED_LISTING = "unlinked_listing"


@dataclass(frozen=True)
class Missing:
    """Something the product lacks for a shop, and where it is fixed (an endpoint)."""

    message: str
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict, hash=False)
    code: str = ""

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.values)


def missing_for_shop(
    product: Product,
    shop: Shop,
    mapping: CategoryMapping | None,
    unlinked_skus: frozenset[str] = frozenset(),
) -> list[Missing]:
    """Everything that keeps the product off the shop; empty when it is ready."""
    missing = [_carried(product, shop)] if _is_carried(product, unlinked_skus) else []
    if mapping is None:
        message = gettext("The product's category is not mapped to this shop.")
        missing.append(Missing(message, "sync.show", _at(shop, "mapping"), NOT_MAPPED))
    elif mapping.missing:
        message = gettext("The shop's category still needs: %(names)s", names=mapping.missing)
        anchor = f"map-{product.category_id}"
        missing.append(Missing(message, "sync.show", _at(shop, anchor), ATTRIBUTES_MISSING))
    for problem in problems_for(product, shop.platform):
        values = {"product_id": product.id, "_anchor": problem.anchor}
        missing.append(Missing(problem.message, f"catalog.{problem.page}", values))
    return missing


def _at(shop: Shop, anchor: str) -> dict[str, Any]:
    return {"shop_id": shop.id, "_anchor": anchor}


def _is_carried(product: Product, skus: frozenset[str]) -> bool:
    return bool(skus) and (
        parent_sku(product.id) in skus or any(v.sku in skus for v in product.variants)
    )


def _carried(product: Product, shop: Shop) -> Missing:
    # Creating it would make the duplicate the import is there to prevent.
    message = gettext("A listing on the shop carries this product's SKU: link or ignore it first.")
    return Missing(message, "imports.show", {"shop_id": shop.id}, UNLINKED_LISTING)
