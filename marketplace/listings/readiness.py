"""What keeps a product off each connected shop, with a link to where it is fixed.

The product page shows this; the plan (``plan._problems``) applies the same rules
before any API call, so what the manager is told is what holds the product back.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.catalog.readiness import problems_for
from marketplace.extensions import db
from marketplace.listings.sync.models import CategoryMapping
from marketplace.shops.models import Shop


@dataclass(frozen=True)
class Missing:
    message: str
    url: str


def shop_problems(product: Product, shop: Shop) -> list[Missing]:
    """Everything the product still lacks for the shop; empty when it is ready."""
    mapping = db.session.scalar(
        select(CategoryMapping).where(
            CategoryMapping.shop_id == shop.id, CategoryMapping.category_id == product.category_id
        )
    )
    missing = []
    if mapping is None:
        missing.append(
            Missing(
                gettext("The product's category is not mapped to this shop."),
                url_for("sync.show", shop_id=shop.id, _anchor="mapping"),
            )
        )
    elif mapping.missing:
        missing.append(
            Missing(
                gettext("The shop's category still needs: %(names)s", names=mapping.missing),
                url_for("sync.show", shop_id=shop.id, _anchor=f"map-{product.category_id}"),
            )
        )
    for problem in problems_for(product, shop.platform):
        url = url_for(f"catalog.{problem.page}", product_id=product.id, _anchor=problem.anchor)
        missing.append(Missing(problem.message, url))
    return missing
