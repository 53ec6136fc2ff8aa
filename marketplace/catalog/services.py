"""Catalogue operations: search, create, update with audit and optimistic locking, archive."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import nh3
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from marketplace.auth.models import User
from marketplace.catalog.errors import CatalogError
from marketplace.catalog.errors import ConflictError
from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.catalog.variants import diff
from marketplace.catalog.variants import sync_variants
from marketplace.catalog.variants import variant_values
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


def _duplicate_sku() -> CatalogError:
    """The database's own uniqueness check refused a SKU: a race with another save."""
    return CatalogError("sku", gettext("This SKU is used twice."), 0)


def create_product(cooperative: Cooperative, data: ProductInput, user: User | None) -> Product:
    """Create a product with its variants; raises CatalogError for a SKU already in use.

    Runs in a SAVEPOINT: when it raises, nothing of it is in the session.
    """
    try:
        with db.session.begin_nested():
            return _create(cooperative, data, user)
    except IntegrityError as exc:
        raise _duplicate_sku() from exc


def _create(cooperative: Cooperative, data: ProductInput, user: User | None) -> Product:
    values = _normalise(data.fields)
    variants = [variant_values(v) for v in data.variants]
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


def update_product(
    product: Product, data: ProductInput, expected_version: int, user: User | None
) -> Product:
    """Save the form over the product unless someone else saved it first.

    Runs in a SAVEPOINT: when it raises, nothing is changed and the session stays usable.

    :raises ConflictError: the product is no longer at ``expected_version`` (also when
        another save wins the race between this check and our UPDATE).
    :raises CatalogError: a SKU is already used by another product (also when the
        database's own uniqueness check catches a race with another save).
    """
    try:
        with db.session.begin_nested():
            return _update(product, data, expected_version, user)
    except StaleDataError as exc:
        # The savepoint's rollback expired the product: this reads the version now saved.
        db.session.refresh(product)
        raise ConflictError(product.version, changes_since(product, expected_version)) from exc
    except IntegrityError as exc:
        raise _duplicate_sku() from exc


def _update(
    product: Product, data: ProductInput, expected_version: int, user: User | None
) -> Product:
    if product.version != expected_version:
        raise ConflictError(product.version, changes_since(product, expected_version))
    values = _normalise(data.fields)
    values["status"] = (
        product.status if product.status == ProductStatus.ARCHIVED else values["status"]
    )
    variants = [variant_values(v) | {"id": v.get("id")} for v in data.variants]
    _check_skus(product.cooperative, variants, product.id)
    old = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    records = [
        ("updated", {"field": name, "old_value": before, "new_value": after})
        for name, before, after in diff(old, values)
    ]
    for name, value in values.items():
        setattr(product, name, value)
    if values["name"] != old["name"]:
        product.slug = _unique_slug(product.cooperative, values["name"], product.id)
    records += sync_variants(product, variants)
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
