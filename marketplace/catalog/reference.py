"""Reference data every installation needs: Sơn La's areas and the product categories.

Both seeders are idempotent: they look rows up and insert only what is missing, so they
can run on every deployment. They ``flush()``; the caller commits.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.catalog.models import Area
from marketplace.catalog.models import AreaKind
from marketplace.catalog.models import Category
from marketplace.extensions import db

# GSO (Tổng cục Thống kê) code of Sơn La province; unchanged by the 2025 reform.
SON_LA_CODE = "14"
SON_LA_NAME = "Tỉnh Sơn La"

# Communes and wards after Resolution 1681/NQ-UBTVQH15 (in force 1 July 2025): since then
# Sơn La has 75 commune-level units (67 communes, 8 wards) and no districts. The new
# commune-level codes were not confirmed when this list was written, so every entry has
# code None rather than an invented code; fill them in from the official list when known
# (the admin can edit areas). Names carry "Phường"/"Xã" because AreaKind does not tell
# a ward from a commune.
SON_LA_COMMUNES: tuple[tuple[str, str | None], ...] = (
    ("Phường Tô Hiệu", None),
    ("Phường Mộc Châu", None),
    ("Phường Vân Sơn", None),
    ("Phường Thảo Nguyên", None),
    ("Xã Yên Châu", None),
    ("Xã Chiềng Hặc", None),
    ("Xã Mai Sơn", None),
    ("Xã Chiềng Mung", None),
    ("Xã Sông Mã", None),
    ("Xã Chiềng Khương", None),
    ("Xã Mường Lầm", None),
    ("Xã Thuận Châu", None),
    ("Xã Quỳnh Nhai", None),
    ("Xã Mường La", None),
    ("Xã Bắc Yên", None),
    ("Xã Tà Xùa", None),
    ("Xã Phù Yên", None),
)

# (slug, name_vi, name_en); the position is the order here.
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("tea", "Chè", "Tea"),
    ("coffee", "Cà phê", "Coffee"),
    ("fresh-fruit", "Trái cây tươi", "Fresh fruit"),
    ("dried-fruit", "Trái cây sấy", "Dried fruit"),
    ("dried-meat", "Thịt sấy, hun khói", "Dried and smoked meat"),
    ("honey", "Mật ong", "Honey"),
    ("rice-grains", "Gạo, ngũ cốc", "Rice and grains"),
    ("herbs", "Dược liệu", "Herbs and medicinal plants"),
    ("spices", "Gia vị", "Spices and sauces"),
    ("alcohol", "Rượu", "Wine and spirits"),
    ("crafts", "Thủ công mỹ nghệ, thổ cẩm", "Crafts and brocade"),
    ("dairy", "Sữa và sản phẩm từ sữa", "Milk and dairy products"),
    ("vegetables", "Rau, củ", "Vegetables"),
    ("other", "Khác", "Other"),
)


def son_la() -> Area | None:
    """The province row, found by its GSO code."""
    return db.session.scalar(select(Area).where(Area.code == SON_LA_CODE))


def _ensure_province() -> Area:
    province = son_la()
    if province is None:
        province = Area(name=SON_LA_NAME, kind=AreaKind.PROVINCE, code=SON_LA_CODE)
        db.session.add(province)
        db.session.flush()
    return province


def _find_commune(province: Area, name: str, code: str | None) -> Area | None:
    if code is not None:
        found = db.session.scalar(select(Area).where(Area.code == code))
        if found is not None:
            return found
    return db.session.scalar(
        select(Area).where(
            Area.parent_id == province.id,
            Area.kind == AreaKind.COMMUNE,
            Area.name == name,
        )
    )


def seed_areas() -> None:
    """Insert the province of Sơn La and its communes that are missing."""
    province = _ensure_province()
    for name, code in SON_LA_COMMUNES:
        if _find_commune(province, name, code) is None:
            db.session.add(Area(name=name, kind=AreaKind.COMMUNE, code=code, parent=province))
    db.session.flush()


def seed_categories() -> None:
    """Insert the OCOP product groups that are missing (existing rows are left as edited)."""
    existing = set(db.session.scalars(select(Category.slug)))
    for position, (slug, name_vi, name_en) in enumerate(CATEGORIES):
        if slug not in existing:
            db.session.add(Category(slug=slug, name_vi=name_vi, name_en=name_en, position=position))
    db.session.flush()
