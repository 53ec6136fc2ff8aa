"""Checks of a product body for Create and Edit Product, in the order TikTok reports them."""

from __future__ import annotations

from typing import Any

from flask import g

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.tiktok import seed
from marketplace.sandbox.tiktok.catalog_rules import ATTRIBUTE
from marketplace.sandbox.tiktok.catalog_rules import BRAND
from marketplace.sandbox.tiktok.catalog_rules import CATEGORY
from marketplace.sandbox.tiktok.catalog_rules import DESCRIPTION
from marketplace.sandbox.tiktok.catalog_rules import DESCRIPTION_MAX
from marketplace.sandbox.tiktok.catalog_rules import DUPLICATE_SKU
from marketplace.sandbox.tiktok.catalog_rules import IMAGE
from marketplace.sandbox.tiktok.catalog_rules import MAX_IMAGES
from marketplace.sandbox.tiktok.catalog_rules import MAX_SKUS
from marketplace.sandbox.tiktok.catalog_rules import MAX_STOCK
from marketplace.sandbox.tiktok.catalog_rules import PRICE
from marketplace.sandbox.tiktok.catalog_rules import SKU_INVALID
from marketplace.sandbox.tiktok.catalog_rules import STOCK
from marketplace.sandbox.tiktok.catalog_rules import TITLE
from marketplace.sandbox.tiktok.catalog_rules import TITLE_MAX
from marketplace.sandbox.tiktok.catalog_rules import WEIGHT
from marketplace.sandbox.tiktok.categories import find_category
from marketplace.sandbox.tiktok.core import ApiError

SalesAttributes = tuple[tuple[str, str], ...]


def validate(doc: dict[str, Any], product_id: str | None) -> dict[str, Any]:
    """The product as stored, or ApiError naming the first problem."""
    title, description = _texts(doc)
    category = _category(doc)
    brand_id = _brand_id(doc)
    images = _images(doc)
    _check_attributes(doc, category["id"])
    weight = _weight(doc)
    skus = _skus(doc, product_id)
    return {
        "title": title.strip(),
        "description": description,
        "category_id": category["id"],
        "brand_id": brand_id,
        "main_images": [{"uri": str(i["uri"])} for i in images],
        "product_attributes": doc.get("product_attributes") or [],
        "package_weight": weight,
        "external_product_id": str(doc.get("external_product_id") or ""),
        "skus": skus,
    }


def price(value: Any) -> int:
    """A price object's amount in đồng, or ApiError."""
    try:
        amount = int(str(value["amount"]))
        currency = value.get("currency", "VND")
    except (KeyError, TypeError, ValueError):
        raise ApiError(PRICE, "Invalid price: amount must be an integer string") from None
    if amount <= 0 or currency != "VND":
        raise ApiError(PRICE, "Invalid price: amount must be positive, currency VND")
    return amount


def quantity(inventory: Any) -> int:
    """The quantity of the first inventory entry, or ApiError."""
    try:
        count = int(inventory[0]["quantity"])
    except (IndexError, KeyError, TypeError, ValueError):
        raise ApiError(STOCK, "Invalid inventory: quantity is required") from None
    if not 0 <= count <= MAX_STOCK:
        raise ApiError(STOCK, f"Invalid inventory: quantity must be 0-{MAX_STOCK}")
    return count


def _texts(doc: dict[str, Any]) -> tuple[str, str]:
    """The title and description, checked for presence and length."""
    title = doc.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise ApiError(TITLE, f"Invalid title: product name must be 1-{TITLE_MAX} characters")
    description = doc.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ApiError(DESCRIPTION, "Invalid description: description is required")
    if len(description) > DESCRIPTION_MAX:
        raise ApiError(DESCRIPTION, f"Invalid description: at most {DESCRIPTION_MAX} characters")
    return title, description


def _category(doc: dict[str, Any]) -> dict[str, Any]:
    """The product's category, which must be a leaf."""
    category = find_category(str(doc.get("category_id", "")))
    if category is None or not category["is_leaf"]:
        raise ApiError(CATEGORY, "Invalid category_id: the category must be a leaf category")
    return category


def _brand_id(doc: dict[str, Any]) -> str:
    """The brand id, empty or of a seeded brand."""
    brand_id = str(doc.get("brand_id") or "")
    if brand_id and all(b["id"] != brand_id for b in seed.BRANDS):
        raise ApiError(BRAND, f"Invalid brand_id: brand {brand_id} does not exist")
    return brand_id


def _images(doc: dict[str, Any]) -> list[Any]:
    """The main images, 1 to MAX_IMAGES of them, each uploaded before."""
    images = doc.get("main_images") or []
    if not isinstance(images, list) or not 1 <= len(images) <= MAX_IMAGES:
        raise ApiError(IMAGE, f"Invalid main_images: 1-{MAX_IMAGES} images are required")
    store = current_sandbox().store
    for image in images:
        uri = str((image or {}).get("uri", ""))
        if store.get("images", uri) is None:
            raise ApiError(IMAGE, f"Invalid main_images: image {uri} does not exist")
    return images


def _check_attributes(doc: dict[str, Any], category_id: str) -> None:
    """Every required attribute of the category given, every value one of its options."""
    given = {str(a.get("id")): a.get("values") or [] for a in doc.get("product_attributes") or []}
    for spec in seed.ATTRIBUTES.get(category_id, []):
        values = given.get(spec["id"], [])
        names = [str(v.get("name", "")) for v in values if isinstance(v, dict)]
        if spec["required"] and not any(names):
            raise ApiError(
                ATTRIBUTE,
                f"Missing required attribute: {spec['name']} (id {spec['id']})",
            )
        if spec["values"] and any(n not in spec["values"] for n in names):
            raise ApiError(ATTRIBUTE, f"Invalid value for attribute {spec['name']}")


def _weight(doc: dict[str, Any]) -> Any:
    """The package weight as given, if its value is a positive number."""
    weight = doc.get("package_weight")
    # UNVERIFIED: package_weight is optional here (the docs mark it required); if given
    # it must be a positive number.
    if weight is not None:
        try:
            if float(weight.get("value")) <= 0:
                raise ValueError
        except (AttributeError, TypeError, ValueError):
            raise ApiError(WEIGHT, "Invalid package_weight") from None
    return weight


def _sku_owner(seller_sku: str) -> str | None:
    """The id of the shop's product that holds this seller_sku, if any."""
    doc = current_sandbox().store.get("sku_index", f"{g.tts_shop['id']}:{seller_sku}")
    return None if doc is None else str(doc["product_id"])


def _skus(doc: dict[str, Any], product_id: str | None) -> list[dict[str, Any]]:
    """The SKUs as stored: unique seller_skus, distinct sales attributes."""
    skus = doc.get("skus") or []
    if not isinstance(skus, list) or not 1 <= len(skus) <= MAX_SKUS:
        raise ApiError(SKU_INVALID, f"Invalid skus: 1-{MAX_SKUS} SKUs are required")
    seen: set[str] = set()
    combos: set[SalesAttributes] = set()
    return [_sku(sku, product_id, len(skus) > 1, seen, combos) for sku in skus]


def _sku(
    sku: dict[str, Any],
    product_id: str | None,
    several: bool,
    seen: set[str],
    combos: set[SalesAttributes],
) -> dict[str, Any]:
    """One SKU as stored; ``seen`` and ``combos`` collect what earlier SKUs used."""
    seller_sku = str(sku.get("seller_sku") or "")
    if not seller_sku:
        raise ApiError(SKU_INVALID, "Invalid seller_sku: seller_sku is required")
    owner = _sku_owner(seller_sku)
    if seller_sku in seen or (owner is not None and owner != product_id):
        raise ApiError(DUPLICATE_SKU, f"Duplicate seller_sku: {seller_sku}")
    seen.add(seller_sku)
    amount = price(sku.get("price"))
    count = quantity(sku.get("inventory"))
    attrs = tuple(
        (str(a.get("name", "")), str(a.get("value_name", "")))
        for a in sku.get("sales_attributes") or []
    )
    if several and (not attrs or attrs in combos):
        raise ApiError(
            SKU_INVALID, "Invalid sales_attributes: each SKU needs a distinct combination"
        )
    combos.add(attrs)
    return {
        "seller_sku": seller_sku,
        "price": amount,
        "quantity": count,
        "sales_attributes": [{"name": n, "value_name": v} for n, v in attrs],
    }
