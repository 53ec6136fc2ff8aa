"""Demo data: Sơn La cooperatives, their OCOP products and an account for every role.

``seed_demo()`` loads the reference data, then fills an empty database with cooperatives,
products (through the catalogue service, so slugs, search text and the audit trail are
right) and users. The cooperatives, people, tax codes, phone numbers, certificate numbers
and barcodes are made up; the places and the products are Sơn La's own. Deterministic:
the same database comes out every time. It ``flush()``es; the caller commits.
"""

from __future__ import annotations

import random
from datetime import date
from datetime import timedelta
from itertools import count
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import Membership
from marketplace.auth.models import MembershipRole
from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.catalog.models import Area
from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.catalog.reference import seed_areas
from marketplace.catalog.reference import seed_categories
from marketplace.catalog.reference import son_la
from marketplace.catalog.services import ProductInput
from marketplace.catalog.services import create_product
from marketplace.demo_data import COOPERATIVES
from marketplace.demo_data import DEMO_PASSWORD
from marketplace.demo_data import NATIONAL_ISSUER
from marketplace.demo_data import OCOP_MONTHS
from marketplace.demo_data import PRODUCTS
from marketplace.demo_data import PROVINCE_ISSUER
from marketplace.demo_data import SEED
from marketplace.demo_data import STORAGE
from marketplace.demo_data import Coop
from marketplace.demo_data import P
from marketplace.extensions import db


def ean13(first12: str) -> str:
    """Append the GS1 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def _areas() -> dict[str, Area]:
    province = son_la()
    if province is None:
        raise RuntimeError("run seed_areas() first")
    rows = db.session.scalars(select(Area).where(Area.parent_id == province.id))
    return {area.name: area for area in rows} | {"province": province}


def _create_cooperatives(areas: dict[str, Area]) -> dict[str, Cooperative]:
    coops = {}
    for c in COOPERATIVES:
        coops[c.key] = Cooperative(
            name=c.name,
            tax_code=c.tax_code,
            area=areas[c.area],
            phone=c.phone,
            zalo=c.phone if c.key != "thaonguyen" else None,
            ethnic_minority_led=c.ethnic_minority_led,
            subject_type=c.subject_type,
        )
        db.session.add(coops[c.key])
    db.session.flush()
    return coops


def _user(email: str, name: str, role: Role, password: str, area: Area | None = None) -> User:
    """The user with this e-mail, created if missing (an existing one is left as it is)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        user = User(email=email, name=name, role=role, area=area, locale="vi")
        user.set_password(password)
        db.session.add(user)
    return user


def _join(user: User, coop: Cooperative, role: MembershipRole) -> None:
    user.memberships.append(Membership(cooperative=coop, role=role))


def _create_users(
    coops: dict[str, Cooperative], areas: dict[str, Area], password: str
) -> tuple[dict[str, User], list[dict[str, Any]]]:
    """Admin, official, one manager per cooperative and a staff member; returns managers."""
    admin = _user("admin@demo.vn", "Quản trị viên", Role.ADMIN, password)
    official = _user(
        "official@demo.vn", "Cán bộ Sở Công Thương", Role.OFFICIAL, password, areas["province"]
    )
    logins = [_login(admin, None), _login(official, None)]
    managers: dict[str, User] = {}
    for n, c in enumerate(COOPERATIVES, start=1):
        email = "manager@demo.vn" if n == 1 else f"manager{n}@demo.vn"
        managers[c.key] = _user(email, c.manager, Role.MEMBER, password)
        _join(managers[c.key], coops[c.key], MembershipRole.MANAGER)
        logins.append(_login(managers[c.key], coops[c.key]))
    first = coops[COOPERATIVES[0].key]
    staff = _user("staff@demo.vn", "Đinh Thị Hà", Role.MEMBER, password)
    _join(staff, first, MembershipRole.STAFF)
    logins.append(_login(staff, first))
    db.session.flush()
    return managers, logins


def _login(user: User, coop: Cooperative | None) -> dict[str, Any]:
    membership = "" if coop is None else f" ({coop.name})"
    return {"email": user.email, "role": f"{user.role.value}{membership}"}


def _ocop_fields(p: P, rng: random.Random) -> dict[str, Any]:
    if p.stars is None:
        return {"ocop_stars": None}
    if p.stars == 5:
        issued = p.issued_on or date(2024, 11, 15)
        number, issuer = f"{rng.randint(3000, 5999)}/QĐ-BNN-VPĐP", NATIONAL_ISSUER
    else:
        issued = p.issued_on or date(2024, 1, 2) + timedelta(days=rng.randint(0, 660))
        number, issuer = f"{rng.randint(100, 2999)}/QĐ-UBND", PROVINCE_ISSUER
    return {
        "ocop_stars": p.stars,
        "ocop_certificate_no": number,
        "ocop_issuer": issuer,
        "ocop_issued_on": issued,
        "ocop_expires_on": _add_months(issued, OCOP_MONTHS),
    }


def _variant_rows(
    p: P, gs1: str | None, items: count[int], rng: random.Random
) -> list[dict[str, Any]]:
    rows = []
    for v in p.variants:
        length, width, height = (int(n) for n in v.size.split("x"))
        barcode = ean13(f"{gs1}{next(items):05d}") if gs1 and v.barcode else None
        rows.append(
            {
                "sku": v.sku,
                "options": v.options,
                "price": v.price,
                "list_price": v.list_price,
                "stock": 0 if rng.random() < 0.1 else rng.randint(5, 300),
                "weight_g": v.weight_g,
                "length_cm": length,
                "width_cm": width,
                "height_cm": height,
                "barcode": barcode,
            }
        )
    return rows


def _product_fields(p: P, coop: Coop, areas: dict[str, Area], category: Category) -> dict[str, Any]:
    origin = areas[p.origin or coop.area]
    description = (
        f"<p>{p.description}</p><p>Sản phẩm của {coop.name}, {origin.name}, tỉnh Sơn La.</p>"
    )
    return {
        "name": p.name,
        "category_id": category.id,
        "brand": coop.brand,
        "description": description,
        "ingredients": p.ingredients,
        "storage": STORAGE[p.category],
        "shelf_life_days": p.shelf_life_days,
        "origin_area_id": origin.id,
        "status": p.status,
    }


def _create_products(
    coops: dict[str, Cooperative], managers: dict[str, User], areas: dict[str, Area]
) -> tuple[int, int]:
    rng = random.Random(SEED)
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    specs = {c.key: c for c in COOPERATIVES}
    items = {key: count(1) for key in specs}
    products = variants = 0
    for p in PRODUCTS:
        spec = specs[p.coop]
        fields = _product_fields(p, spec, areas, categories[p.category]) | _ocop_fields(p, rng)
        rows = _variant_rows(p, spec.gs1, items[p.coop], rng)
        create_product(coops[p.coop], ProductInput(fields=fields, variants=rows), managers[p.coop])
        products, variants = products + 1, variants + len(rows)
    return products, variants


def seed_demo(password: str = DEMO_PASSWORD) -> dict[str, Any]:
    """Load reference data, then demo cooperatives, products and users into an empty database.

    Returns ``{"skipped": True}`` when there are cooperatives already, else the counts and
    the demo logins (all with ``password``).
    """
    seed_areas()
    seed_categories()
    if db.session.scalar(select(func.count(Cooperative.id))):
        return {"skipped": True}
    areas = _areas()
    coops = _create_cooperatives(areas)
    managers, logins = _create_users(coops, areas, password)
    products, variants = _create_products(coops, managers, areas)
    return {
        "cooperatives": len(coops),
        "products": products,
        "variants": variants,
        "users": len(logins),
        "logins": logins,
    }
