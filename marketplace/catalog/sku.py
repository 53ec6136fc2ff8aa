"""The seller SKU a product's listing carries on every shop: ``OCOP-<product id>``.

Written into every listing we create, it is how a retried create finds the item a lost
answer left on the platform, how the import recognises listings that are ours, and how
an order line for a product listed without variants finds its product.
"""

from __future__ import annotations

import re

PREFIX = "OCOP-"
# Platforms may hand it back with stray spaces; ten digits bound the id to a column.
_PARENT = re.compile(rf"{PREFIX}(\d{{1,10}})")


def parent_sku(product_id: int) -> str:
    """The parent SKU of a product on every shop; stable for the product's life."""
    return f"{PREFIX}{product_id}"


def product_id_of(sku: str) -> int | None:
    """The product a parent SKU names, or None when it is not one of ours."""
    match = _PARENT.fullmatch(sku.strip())
    return int(match.group(1)) if match else None
