"""factory_boy factories; every instance is flushed into the test's session."""

from __future__ import annotations

import itertools
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from marketplace.auth.models import Membership
from marketplace.auth.models import MembershipRole
from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.catalog.models import Area
from marketplace.catalog.models import AreaKind
from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Variant
from marketplace.common.text import fold

PASSWORD = "correct horse battery"
_tax_codes = itertools.count(5500000001)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session = None
        sqlalchemy_session_persistence = "flush"


def bind(session: Any) -> None:
    """Point every factory at the test's session."""
    for cls in Base.__subclasses__():
        cls._meta.sqlalchemy_session = session


class ProvinceFactory(Base):
    class Meta:
        model = Area

    name = "Sơn La"
    kind = AreaKind.PROVINCE
    code = factory.Sequence(lambda n: f"P{n}")


class CommuneFactory(Base):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Xã Chiềng {n}")
    kind = AreaKind.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)


class CategoryFactory(Base):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"cat-{n}")
    name_vi = factory.Sequence(lambda n: f"Chè {n}")
    name_en = factory.Sequence(lambda n: f"Tea {n}")


class CooperativeFactory(Base):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"HTX Chè Mộc Châu {n}")
    tax_code = factory.LazyFunction(lambda: str(next(_tax_codes)))
    area = factory.SubFactory(CommuneFactory)


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    name = factory.Sequence(lambda n: f"Người dùng {n}")
    role = Role.MEMBER
    locale = "vi"
    password_hash = factory.LazyFunction(lambda: _hashed())


_HASH: list[str] = []


def _hashed() -> str:
    # Hashing is slow on purpose; one hash serves every test user.
    if not _HASH:
        probe = User()
        probe.set_password(PASSWORD)
        _HASH.append(probe.password_hash)
    return _HASH[0]


def member(cooperative: Cooperative, role: str = "manager", **kw: Any) -> User:
    """A user who works for the cooperative."""
    user = UserFactory(**kw)
    user.memberships.append(Membership(cooperative=cooperative, role=MembershipRole(role)))
    UserFactory._meta.sqlalchemy_session.flush()
    return user


class ProductFactory(Base):
    class Meta:
        model = Product

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Chè Shan Tuyết Mộc Châu {n}")
    slug = factory.Sequence(lambda n: f"che-shan-tuyet-{n}")
    status = ProductStatus.ACTIVE
    description = "<p>Chè ngon</p>"

    @factory.post_generation
    def variants(self, create: bool, extracted: Any, **kw: Any) -> None:
        rows = extracted if extracted is not None else [{}]
        for position, row in enumerate(rows):
            values = {
                "sku": f"SKU-{self.slug}-{position}",
                "price": 120_000,
                "stock": 10,
            } | row
            self.variants.append(
                Variant(cooperative_id=self.cooperative.id, position=position, **values)
            )
        self.search_text = fold(" ".join([self.name, *(v.sku for v in self.variants)]))
        ProductFactory._meta.sqlalchemy_session.flush()
