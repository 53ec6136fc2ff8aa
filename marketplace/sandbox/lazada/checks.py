"""Validation of product payloads: attributes, brands, images, SKUs (lazada.md §3.2)."""

from __future__ import annotations

from typing import Any

from marketplace.sandbox.lazada.data import ATTRIBUTES
from marketplace.sandbox.lazada.data import BRANDS
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.images import is_hosted
from marketplace.sandbox.lazada.payloads import as_list

MAX_IMAGES = 8
_SIDES = ("package_length", "package_width", "package_height")


def fail(code: str, message: str, field: str, seller_sku: str = "") -> ApiError:
    """An error whose detail names the field (and SKU) at fault."""
    # UNVERIFIED (lazada.md §5.1, §7): detail entries are {field, seller_sku, message}.
    entry = {"field": field, "message": message}
    if seller_sku:
        entry["seller_sku"] = seller_sku
    return ApiError(code, message, detail=[entry])


def _number(value: Any, field: str, sku: str) -> float:
    """``value`` as a float, or error 500."""
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise fail("500", f"{field} is mandatory and must be a number", field, sku) from exc


def check_images(urls: list[Any], field: str) -> list[str]:
    """At most 8 URLs, all of images uploaded here."""
    if len(urls) > MAX_IMAGES:
        raise fail("4169", "At most 8 images are allowed", field)
    for url in urls:
        if not isinstance(url, str) or not is_hosted(url):
            raise fail("500", f"Only Lazada-hosted image URLs are allowed: {url}", field)
    return [str(u) for u in urls]


def _check_texts(attributes: dict[str, Any], creating: bool) -> None:
    """Name and description lengths; a name is needed on create."""
    name = str(attributes.get("name", ""))
    if creating and not name.strip():
        raise fail("500", "Attribute name is mandatory", "Attributes.name")
    if len(name) > 255:
        raise fail("500", "Attribute name must be at most 255 characters", "Attributes.name")
    if len(str(attributes.get("description", ""))) > 25_000:
        raise fail("500", "Description must be at most 25000 characters", "Attributes.description")


def _check_brand(attributes: dict[str, Any], creating: bool) -> None:
    """A known ``brand_id`` or brand name; needed on create."""
    brand_id, brand = str(attributes.get("brand_id", "")), str(attributes.get("brand", ""))
    if not (creating or brand_id or brand):
        return
    if brand_id and brand_id not in {str(b["brand_id"]) for b in BRANDS}:
        raise fail("4142", "The brand is not valid in this category", "Attributes.brand_id")
    if brand_id:
        return
    if not brand:
        raise fail("500", "Attribute brand_id is mandatory", "Attributes.brand_id")
    # UNVERIFIED (lazada.md §3.2): the deprecated brand name stands in for brand_id.
    if brand not in {str(b["name"]) for b in BRANDS}:
        raise fail("4142", "The brand is not valid in this category", "Attributes.brand")


def _check_spec(spec: dict[str, Any], attributes: dict[str, Any], creating: bool) -> None:
    """One category attribute: present when mandatory, a valid option or number."""
    field = f"Attributes.{spec['name']}"
    value = str(attributes.get(spec["name"], ""))
    if creating and spec["is_mandatory"] and not value.strip():
        raise fail("500", f"Attribute {spec['name']} is mandatory", field)
    options = [o["name"] for o in spec["options"]]
    if value and spec["input_type"] == "singleSelect" and options and value not in options:
        raise fail("500", f"Invalid value for {spec['name']}: {value}", field)
    if value and spec["input_type"] == "numeric":
        _number(value, field, "")


def check_attributes(category: str, attributes: dict[str, Any], creating: bool) -> None:
    """The product's attributes against the category's attribute set."""
    _check_texts(attributes, creating)
    _check_brand(attributes, creating)
    for spec in ATTRIBUTES.get(int(category), []):
        # name and brand_id are checked above; sale properties belong to SKUs.
        if spec["name"] in ("name", "brand_id") or spec["is_sale_prop"]:
            continue
        _check_spec(spec, attributes, creating)


def _check_stock(sku: dict[str, Any], prefix: str, creating: bool) -> dict[str, Any]:
    """Price over 0 and quantity at least 0."""
    seller_sku = str(sku.get("SellerSku", ""))
    out: dict[str, Any] = {}
    if creating or "price" in sku:
        price = _number(sku.get("price"), f"{prefix}.price", seller_sku)
        if price <= 0:
            raise fail("500", "price must be greater than 0", f"{prefix}.price", seller_sku)
        out["price"] = price
    if "quantity" in sku or creating:
        quantity = int(_number(sku.get("quantity", 0), f"{prefix}.quantity", seller_sku))
        if quantity < 0:
            raise fail("500", "quantity must be at least 0", f"{prefix}.quantity", seller_sku)
        out["quantity"] = quantity
    return out


def _check_package(sku: dict[str, Any], prefix: str, creating: bool) -> dict[str, Any]:
    """Weight up to 40 kg; sides over 0 adding up to at most 300 cm."""
    seller_sku = str(sku.get("SellerSku", ""))
    out: dict[str, Any] = {}
    if creating or "package_weight" in sku:
        field = f"{prefix}.package_weight"
        weight = _number(sku.get("package_weight"), field, seller_sku)
        if weight <= 0 or weight > 40:
            message = "Package weight must be over 0 and at most 40 kg"
            raise fail("4164", message, field, seller_sku)
        out["package_weight"] = round(weight, 2)
    if creating or any(s in sku for s in _SIDES):
        total = 0.0
        for side in _SIDES:
            value = _number(sku.get(side), f"{prefix}.{side}", seller_sku)
            if value <= 0:
                raise fail("500", f"{side} must be over 0", f"{prefix}.{side}", seller_sku)
            out[side] = round(value, 2)
            total += value
        if total > 300:
            message = "Length + width + height must be at most 300 cm"
            raise fail("4165", message, f"{prefix}.package_length", seller_sku)
    return out


def _check_extras(sku: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Sale properties, SKU images and status, when given."""
    out: dict[str, Any] = {}
    if "saleProp" in sku:
        out["saleProp"] = dict(sku["saleProp"] or {})
    if "Images" in sku:
        out["Images"] = check_images(as_list(sku, "Images", "Image"), f"{prefix}.Images")
    if "Status" in sku:
        status = str(sku["Status"])
        if status not in ("active", "inactive", "deleted"):
            seller_sku = str(sku.get("SellerSku", ""))
            raise fail("500", f"Invalid Status {status}", f"{prefix}.Status", seller_sku)
        out["Status"] = status
    return out


def check_sku(index: int, sku: dict[str, Any], creating: bool) -> dict[str, Any]:
    """The SKU's checked fields, in the units we store them in."""
    prefix = f"Skus.Sku[{index}]"
    if creating and not str(sku.get("SellerSku", "")):
        raise fail("500", "SellerSku is mandatory", f"{prefix}.SellerSku")
    return {
        **_check_stock(sku, prefix, creating),
        **_check_package(sku, prefix, creating),
        **_check_extras(sku, prefix),
    }
