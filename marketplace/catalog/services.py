"""Catalogue operations: search, create, update with audit and optimistic locking, archive."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

import nh3
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.auth.models import User
from marketplace.catalog.errors import CatalogError
from marketplace.catalog.errors import ConflictError
from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.common.text import fold
from marketplace.common.text import search_terms
from marketplace.common.text import slugify
from marketplace.extensions import db

log = logging.getLogger(__name__)

PRODUCT_FIELDS = (
    "name",
    "category_id",
    "brand",
    "description",
    "ingredients",
    "storage",
    "shelf_life_days",
    "origin_area_id",
    "ocop_stars",
    "ocop_certificate_no",
    "ocop_issuer",
    "ocop_issued_on",
    "ocop_expires_on",
    "status",
)
VARIANT_FIELDS = (
    "sku",
    "options",
    "price",
    "list_price",
    "stock",
    "weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "barcode",
)
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4"}


@dataclass
class ProductFilter:
    query: str = ""
    status: str = ""
    category_id: int | None = None
    stars: int | None = None
    page: int = 1


@dataclass
class ProductInput:
    """A product as the form (or an import) describes it; variants as dicts."""

    fields: dict[str, Any]
    variants: list[dict[str, Any]] = field(default_factory=list)


def product_query(cooperative: Cooperative, flt: ProductFilter) -> Select[tuple[Product]]:
    """Products of one cooperative matching the filter; every search word must match."""
    stmt = select(Product).where(Product.cooperative_id == cooperative.id)
    for word in search_terms(flt.query):
        stmt = stmt.where(Product.search_text.contains(word, autoescape=True))
    if flt.status in {s.value for s in ProductStatus}:
        stmt = stmt.where(Product.status == ProductStatus(flt.status))
    else:
        stmt = stmt.where(Product.status != ProductStatus.ARCHIVED)
    if flt.category_id:
        stmt = stmt.where(Product.category_id == flt.category_id)
    if flt.stars:
        stmt = stmt.where(Product.ocop_stars == flt.stars)
    return stmt.options(selectinload(Product.variants), selectinload(Product.category)).order_by(
        Product.updated_at.desc(), Product.id.desc()
    )


def search_products(cooperative: Cooperative, flt: ProductFilter, per_page: int) -> Pagination:
    """One page of the cooperative's products."""
    return db.paginate(
        product_query(cooperative, flt),
        page=flt.page,
        per_page=per_page,
        error_out=False,
    )


def get_product(cooperative: Cooperative, product_id: int) -> Product | None:
    """A product of this cooperative, or None (another cooperative's product is not found)."""
    return db.session.scalar(
        select(Product).where(Product.id == product_id, Product.cooperative_id == cooperative.id)
    )


def clean_description(html: str | None) -> str:
    """Keep simple formatting only; the form already refuses scripts, this is the last guard."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={}).strip()


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in PRODUCT_FIELDS}
    for key in (
        "brand",
        "ocop_certificate_no",
        "ocop_issuer",
        "ingredients",
        "storage",
    ):
        values[key] = (values[key] or "").strip() or None
    values["name"] = " ".join((values["name"] or "").split())
    values["description"] = clean_description(values["description"])
    values["ocop_stars"] = values["ocop_stars"] or None
    values["category_id"] = values["category_id"] or None
    values["origin_area_id"] = values["origin_area_id"] or None
    values["status"] = ProductStatus(values["status"] or ProductStatus.DRAFT)
    return values


def _variant_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in VARIANT_FIELDS}
    values["sku"] = (values["sku"] or "").strip()
    values["options"] = (values["options"] or "").strip()
    values["barcode"] = (values["barcode"] or "").strip() or None
    values["stock"] = values["stock"] or 0
    return values


def _check_skus(
    cooperative: Cooperative, variants: list[dict[str, Any]], product_id: int | None
) -> None:
    wanted: dict[str, int] = {}
    for index, variant in enumerate(variants):
        if variant["sku"].upper() in wanted:
            raise CatalogError("sku", gettext("This SKU is used twice."), index=index)
        wanted[variant["sku"].upper()] = index
    stmt = select(Variant.sku).where(
        Variant.cooperative_id == cooperative.id,
        func.upper(Variant.sku).in_(list(wanted)),
    )
    if product_id is not None:
        stmt = stmt.where(Variant.product_id != product_id)
    taken = db.session.scalars(stmt).first()
    if taken is not None:
        raise CatalogError(
            "sku",
            gettext("SKU %(sku)s is already used by another product.", sku=taken),
            index=wanted[taken.upper()],
        )


def _unique_slug(cooperative: Cooperative, name: str, product_id: int | None) -> str:
    base = slugify(name, max_length=72)  # room for a "-NN" suffix in the 80-character column
    stmt = select(Product.slug).where(
        Product.cooperative_id == cooperative.id, Product.slug.like(f"{base}%")
    )
    if product_id is not None:
        stmt = stmt.where(Product.id != product_id)
    taken = set(db.session.scalars(stmt))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _refresh_search_text(product: Product) -> None:
    parts = [product.name, product.brand or "", *(v.sku for v in product.variants)]
    product.search_text = fold(" ".join(parts))


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _audit(product: Product, user: User | None, action: str, **kw: Any) -> None:
    db.session.add(
        AuditEntry(
            product_id=product.id,
            user_id=user.id if user else None,
            action=action,
            version=product.version,
            **kw,
        )
    )


def create_product(cooperative: Cooperative, data: ProductInput, user: User | None) -> Product:
    """Create a product with its variants; raises CatalogError for a SKU already in use."""
    values = _normalise(data.fields)
    variants = [_variant_values(v) for v in data.variants]
    _check_skus(cooperative, variants, None)
    product = Product(
        cooperative_id=cooperative.id, created_by_id=user.id if user else None, **values
    )
    product.updated_by_id = product.created_by_id
    product.slug = _unique_slug(cooperative, values["name"], None)
    for position, variant in enumerate(variants):
        product.variants.append(
            Variant(cooperative_id=cooperative.id, position=position, **variant)
        )
    _refresh_search_text(product)
    db.session.add(product)
    db.session.flush()
    _audit(product, user, "created")
    log.info("product %r created by %r", product.id, user.id if user else None)
    return product


def changes_since(product: Product, version: int) -> list[AuditEntry]:
    """What was saved after the given version, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.product_id == product.id, AuditEntry.version > version)
            .order_by(AuditEntry.id)
        )
    )


def history(product: Product, limit: int = 200) -> list[AuditEntry]:
    """The product's audit trail, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.product_id == product.id)
            .options(selectinload(AuditEntry.user))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


def _diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [
        (name, _as_text(old[name]), _as_text(new[name]))
        for name in new
        if _as_text(old[name]) != _as_text(new[name])
    ]


def _match_variants(
    product: Product, wanted: list[dict[str, Any]]
) -> tuple[list[Variant | None], list[Variant]]:
    """Each wanted row's existing variant (by id, else by SKU), and the variants left over."""
    remaining = {v.id: v for v in product.variants}
    matched: list[Variant | None] = [
        remaining.pop(_int_or_none(row.get("id")) or -1, None) for row in wanted
    ]
    by_sku = {v.sku.upper(): v for v in remaining.values()}
    for index, row in enumerate(wanted):
        if matched[index] is None:
            found = by_sku.pop(str(row.get("sku", "")).strip().upper(), None)
            if found is not None:
                remaining.pop(found.id)
            matched[index] = found
    return matched, list(remaining.values())


def _variant_audit(variant: Variant, values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    old = {name: getattr(variant, name) for name in VARIANT_FIELDS}
    return [
        (
            "updated",
            {"variant_sku": values["sku"], "field": name, "old_value": before, "new_value": after},
        )
        for name, before, after in _diff(old, values)
    ]


def _sync_variants(
    product: Product, wanted: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Apply the variant rows; return audit records as (action, keywords).

    The database checks SKU uniqueness row by row, so removed variants are deleted
    and renamed ones parked on a temporary SKU before the new SKUs are written:
    swapping two SKUs or re-adding a removed one is then never a conflict.
    """
    matched, removed = _match_variants(product, wanted)
    records = [("variant_removed", {"variant_sku": gone.sku}) for gone in removed]
    product.variants = [v for v in matched if v is not None]
    db.session.flush()
    values_list = [_variant_values(row) for row in wanted]
    for variant, values in zip(matched, values_list, strict=True):
        if variant is not None and variant.sku != values["sku"]:
            variant.sku = f"~{variant.id}"
    db.session.flush()
    kept: list[Variant] = []
    for position, (variant, values) in enumerate(zip(matched, values_list, strict=True)):
        if variant is None:
            variant = Variant(cooperative_id=product.cooperative_id, **values)
            records.append(("variant_added", {"variant_sku": values["sku"]}))
        else:
            records += _variant_audit(variant, values)
            for name, value in values.items():
                setattr(variant, name, value)
        variant.position = position
        kept.append(variant)
    product.variants = kept
    return records


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def update_product(
    product: Product, data: ProductInput, expected_version: int, user: User | None
) -> Product:
    """Save the form over the product unless someone else saved it first.

    :raises ConflictError: the product is no longer at ``expected_version``;
        nothing is changed.
    :raises CatalogError: a SKU is already used by another product.
    """
    if product.version != expected_version:
        raise ConflictError(product.version, changes_since(product, expected_version))
    values = _normalise(data.fields)
    values["status"] = (
        product.status if product.status == ProductStatus.ARCHIVED else values["status"]
    )
    variants = [_variant_values(v) | {"id": v.get("id")} for v in data.variants]
    _check_skus(product.cooperative, variants, product.id)
    old = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    records = [
        ("updated", {"field": name, "old_value": before, "new_value": after})
        for name, before, after in _diff(old, values)
    ]
    for name, value in values.items():
        setattr(product, name, value)
    if values["name"] != old["name"]:
        product.slug = _unique_slug(product.cooperative, values["name"], product.id)
    records += _sync_variants(product, variants)
    _refresh_search_text(product)
    # Touching the row on every save bumps the version even when only variants changed.
    product.updated_at = utcnow()
    product.updated_by_id = user.id if user else None
    db.session.flush()
    for action, kw in records:
        _audit(product, user, action, **kw)
    log.info(
        "product %r updated to version %r (%d changes)",
        product.id,
        product.version,
        len(records),
    )
    return product


def set_archived(product: Product, archived: bool, user: User | None) -> Product:
    """Archive (hide from lists and shops) or restore a product."""
    target = ProductStatus.ARCHIVED if archived else ProductStatus.DRAFT
    if product.status == target or (not archived and product.status != ProductStatus.ARCHIVED):
        return product
    before = product.status
    product.status = target
    product.updated_at = utcnow()
    product.updated_by_id = user.id if user else None
    db.session.flush()
    _audit(
        product,
        user,
        "archived" if archived else "restored",
        field="status",
        old_value=before.value,
        new_value=target.value,
    )
    log.info("product %r %s", product.id, "archived" if archived else "restored")
    return product
