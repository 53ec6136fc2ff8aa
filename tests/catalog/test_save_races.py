"""Races only the database sees: the services turn them into the errors the form shows.

A duplicate SKU saved by another request between our check and our INSERT is the
database's IntegrityError; another save landing between our version check and our
UPDATE is SQLAlchemy's StaleDataError. Neither reaches a view, and after either the
session is still usable and nothing of the refused save is in it.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from marketplace.catalog import services
from marketplace.catalog.errors import CatalogError
from marketplace.catalog.errors import ConflictError
from marketplace.catalog.models import AuditEntry
from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from tests import factories


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def product_input(name: str, *skus: str) -> services.ProductInput:
    fields = dict.fromkeys(services.PRODUCT_FIELDS) | {"name": name}
    return services.ProductInput(
        fields=fields, variants=[{"sku": sku, "price": 100_000, "stock": 5} for sku in skus]
    )


@pytest.fixture
def skip_sku_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other request's INSERT lands after our check: our check finds nothing."""
    monkeypatch.setattr(services, "_check_skus", lambda *args: None)


@pytest.fixture
def vietnamese(app: Any) -> Any:
    with app.test_request_context(), force_locale("vi"):
        yield


@pytest.mark.usefixtures("skip_sku_check", "vietnamese")
class TestDuplicateSkuRace:
    def test_create_raises_a_catalog_error_and_adds_nothing(self, cooperative: Any) -> None:
        factories.ProductFactory(cooperative=cooperative, variants=[{"sku": "CHE-250"}])
        before = (count(Product), count(Variant), count(AuditEntry))

        with pytest.raises(CatalogError) as caught:
            services.create_product(cooperative, product_input("Chè mới", "CHE-250"), None)

        assert (caught.value.field, caught.value.index) == ("sku", 0)
        assert caught.value.message == "Mã SKU này bị dùng hai lần."
        assert (count(Product), count(Variant), count(AuditEntry)) == before  # session usable

    def test_update_raises_a_catalog_error_and_changes_nothing(self, cooperative: Any) -> None:
        factories.ProductFactory(cooperative=cooperative, variants=[{"sku": "CHE-250"}])
        mine = factories.ProductFactory(
            cooperative=cooperative, name="Chè của tôi", variants=[{"sku": "CHE-500"}]
        )
        version = mine.version

        with pytest.raises(CatalogError) as caught:
            services.update_product(mine, product_input("Chè đổi tên", "CHE-250"), version, None)

        assert caught.value.message == "Mã SKU này bị dùng hai lần."
        assert (mine.name, mine.version, [v.sku for v in mine.variants]) == (
            "Chè của tôi",
            version,
            ["CHE-500"],
        )
        assert count(AuditEntry) == 0


@pytest.mark.usefixtures("vietnamese")
class TestStaleVersionRace:
    def test_update_raises_a_conflict_with_the_changes_since(self, cooperative: Any) -> None:
        mine = factories.ProductFactory(cooperative=cooperative, name="Chè Shan Tuyết")
        opened_at = mine.version
        # Another request saves after our version check: the row moves on behind our back.
        db.session.execute(
            update(Product)
            .where(Product.id == mine.id)
            .values(name="Chè cổ thụ", version=opened_at + 1),
            execution_options={"synchronize_session": False},
        )
        db.session.add(
            AuditEntry(
                product_id=mine.id,
                action="updated",
                version=opened_at + 1,
                field="name",
                old_value="Chè Shan Tuyết",
                new_value="Chè cổ thụ",
            )
        )
        db.session.flush()
        assert mine.version == opened_at  # what our version check sees

        with pytest.raises(ConflictError) as caught:
            services.update_product(mine, product_input("Chè Tà Xùa", "X-1"), opened_at, None)

        assert caught.value.current_version == opened_at + 1
        assert [c.new_value for c in caught.value.changes] == ["Chè cổ thụ"]
        assert mine.name == "Chè cổ thụ"  # theirs is kept, ours is not in the session
        assert [a.new_value for a in db.session.scalars(select(AuditEntry))] == ["Chè cổ thụ"]
