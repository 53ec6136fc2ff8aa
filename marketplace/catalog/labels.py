"""Translated labels for catalogue values shown to people."""

from __future__ import annotations

from flask_babel import gettext

from marketplace.catalog.models import ProductStatus


def status_label(status: ProductStatus | str) -> str:
    """ "Nháp", "Đang bán", "Lưu trữ"…"""
    labels = {
        ProductStatus.DRAFT: gettext("Draft"),
        ProductStatus.ACTIVE: gettext("Active"),
        ProductStatus.ARCHIVED: gettext("Archived"),
    }
    return labels.get(ProductStatus(status), str(status))


def field_label(name: str | None) -> str:
    """The label of a product or variant field, for the history."""
    labels = {
        "name": gettext("Product name"),
        "category_id": gettext("Category"),
        "brand": gettext("Brand"),
        "description": gettext("Description"),
        "ingredients": gettext("Ingredients"),
        "storage": gettext("Storage"),
        "shelf_life_days": gettext("Shelf life (days)"),
        "origin_area_id": gettext("Origin commune"),
        "ocop_stars": gettext("OCOP stars"),
        "ocop_certificate_no": gettext("OCOP certificate number"),
        "ocop_issuer": gettext("Issued by"),
        "ocop_issued_on": gettext("Issued on"),
        "ocop_expires_on": gettext("Expires on"),
        "status": gettext("Status"),
        "sku": gettext("SKU"),
        "options": gettext("Options"),
        "price": gettext("Price (đồng)"),
        "list_price": gettext("List price (đồng)"),
        "stock": gettext("Stock on hand"),
        "weight_g": gettext("Weight (g)"),
        "length_cm": gettext("Length (cm)"),
        "width_cm": gettext("Width (cm)"),
        "height_cm": gettext("Height (cm)"),
        "barcode": gettext("Barcode"),
    }
    return labels.get(name or "", name or "")


def action_label(action: str) -> str:
    """What an audit entry did."""
    labels = {
        "created": gettext("created the product"),
        "updated": gettext("changed"),
        "archived": gettext("archived the product"),
        "restored": gettext("restored the product"),
        "variant_added": gettext("added variant"),
        "variant_removed": gettext("removed variant"),
        "order_shipped": gettext("shipped an order of"),
    }
    return labels.get(action, action)
