"""Where to fix what a platform refused: our form field, the photos, or the category mapping.

Connectors name the refused field with ``ItemPayload`` names (``name``, ``price``,
``variants[1].weight_g``, ``attributes.<id>``…; see ``Rejected.field``). Here each
becomes a label in the manager's language and a link to the place in our app that
fixes it: a field of the product form (its WTForms id, e.g. ``variants-0-price``),
the product's photos, or this shop's category mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext

from marketplace.catalog.labels import field_label
from marketplace.catalog.models import Product
from marketplace.listings.sync.log import load
from marketplace.listings.sync.models import SyncEvent

# ItemPayload field -> the product form's field (also the key of catalog.labels.field_label).
PRODUCT_FIELDS = {"name": "name", "description_html": "description", "brand": "brand"}
VARIANT_FIELDS = {
    "price": "price",
    "list_price": "list_price",
    "stock": "stock",
    "seller_sku": "sku",
    "sku": "sku",
    "options": "options",
    "weight_g": "weight_g",
    "length_cm": "length_cm",
    "width_cm": "width_cm",
    "height_cm": "height_cm",
    "barcode": "barcode",
}
PHOTO_FIELDS = frozenset({"images", "image"})
MAPPING_FIELDS = frozenset({"category_id", "attributes"})
_INDEXED = re.compile(r"^variants\[(\d+)\]\.(\w+)$")


@dataclass(frozen=True)
class Fix:
    """A place to fix a refusal; ``url`` None when it is outside our app."""

    label: str
    url: str | None
    sku: str = ""  # the variant concerned, when there is one


def for_event(event: SyncEvent) -> Fix | None:
    """Where to fix a refused write, or None for anything else."""
    if event.outcome != "rejected" or event.listing is None:
        return None
    sku = str(load(event.sent).get("sku") or "")
    return for_field(event.field or "", event.listing.product, event.listing.shop_id, sku)


def for_field(field: str, product: Product, shop_id: int, sku: str = "") -> Fix:
    """The place that fixes ``field`` of ``product`` on the shop."""
    name, index = _split(field)
    if name in PRODUCT_FIELDS:
        form_field = PRODUCT_FIELDS[name]
        return Fix(field_label(form_field), _edit(product, form_field))
    if name in VARIANT_FIELDS or name == "variants":
        return _variant_fix(product, VARIANT_FIELDS.get(name, "sku"), index, sku)
    if name in PHOTO_FIELDS:
        url = url_for("catalog.detail", product_id=product.id, _anchor="photos")
        return Fix(gettext("Photos"), url)
    if name in MAPPING_FIELDS:
        url = url_for("sync.show", shop_id=shop_id, _anchor=f"map-{product.category_id}")
        return Fix(gettext("The category and its attributes for this shop"), url)
    if name == "logistic_info":
        return Fix(gettext("Shipping channels, in the marketplace's seller centre"), None)
    return Fix(gettext("The product"), url_for("catalog.edit", product_id=product.id))


def _split(field: str) -> tuple[str, int | None]:
    """``variants[1].price`` -> ("price", 1); ``attributes.brand_id`` -> ("attributes", None)."""
    match = _INDEXED.match(field)
    if match:
        return match.group(2), int(match.group(1))
    return field.split(".", 1)[0], None


def _variant_fix(product: Product, form_field: str, index: int | None, sku: str) -> Fix:
    skus = [v.sku for v in product.variants]
    if index is None or not 0 <= index < len(skus):
        index = skus.index(sku) if sku in skus else 0
    return Fix(
        field_label(form_field),
        _edit(product, f"variants-{index}-{form_field}"),
        skus[index] if skus else sku,
    )


def _edit(product: Product, anchor: str) -> str:
    return url_for("catalog.edit", product_id=product.id, _anchor=anchor)


def action_label(action: str) -> str:
    """What a log entry did, for people."""
    labels = {
        "create": gettext("list on the marketplace"),
        "link": gettext("link to the listing already there"),
        "update": gettext("update the content"),
        "price_stock": gettext("update price and stock"),
        "delist": gettext("delist"),
        "relist": gettext("relist"),
        "read_back": gettext("read price and stock back"),
    }
    return labels.get(action, action)


def content_label(name: str) -> str:
    """An ItemPayload field (as listed in an update's "changed"), for people."""
    labels = {
        "category_id": gettext("Category"),
        "attributes": gettext("Category attributes"),
        "images": gettext("Photos"),
        "variants": gettext("Variants"),
        "weight_g": field_label("weight_g"),
    }
    if name in PRODUCT_FIELDS:
        return field_label(PRODUCT_FIELDS[name])
    return labels.get(name, name)


def status_label(status: str) -> str:
    """A listing's status, for people."""
    labels = {
        "pending": gettext("Being created"),
        "live": gettext("On sale"),
        "delisted": gettext("Delisted"),
        "failed": gettext("Refused by the marketplace"),
    }
    return labels.get(status, status)
