"""The catalogue's pages show where each product is listed: panels rendered through
template hooks (``common/hooks.py``), so the catalogue never imports this package."""

from __future__ import annotations

from typing import Any
from typing import cast

from flask import Blueprint
from flask import Flask
from flask import g
from flask import render_template
from flask.blueprints import BlueprintSetupState

from marketplace.catalog.models import Product
from marketplace.common import hooks
from marketplace.listings import services
from marketplace.listings.readiness import missing_for_shop
from marketplace.shops import services as shops

bp = Blueprint("listings", __name__)


def product_shops_panel(product: Product) -> str:
    """The product page's "on the connected shops" panel; nothing without connected shops."""
    rows = services.product_on_shops(product)
    return (
        render_template("listings/_product_shops.html", product=product, rows=rows) if rows else ""
    )


def product_card_badges(product: Product) -> str:
    """A product card's badge per connected shop: ready, or not (and why, as a title)."""
    shops_, mappings = _page_shops(product)
    if not shops_:
        return ""
    badges = [
        (shop, missing_for_shop(product, shop, mappings[shop.id].get(product.category_id or 0)))
        for shop in shops_
    ]
    return render_template("listings/_product_badges.html", badges=badges)


def _page_shops(product: Product) -> tuple[list[Any], dict[int, dict[int, Any]]]:
    # Once per page, not per card: the connected shops and their mappings.
    cache: dict[int, tuple[list[Any], dict[int, dict[int, Any]]]] = g.setdefault(
        "listings_page_shops", {}
    )
    if product.cooperative_id not in cache:
        connected = shops.connected_shops(product.cooperative_id)
        cache[product.cooperative_id] = (connected, services.mappings_by_shop(connected))
    return cache[product.cooperative_id]


@bp.record_once
def _register_hooks(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    hooks.register(app, "product-detail", product_shops_panel)
    hooks.register(app, "product-card", product_card_badges)
