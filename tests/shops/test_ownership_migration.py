"""The migration that makes a platform shop unique resolves the duplicates real data has."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from marketplace import create_app
from marketplace.common.models import utcnow
from marketplace.config import TestConfig
from marketplace.extensions import db
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests import factories
from tests.databases import fresh_database
from tests.databases import redis_url_for

BEFORE = "fd236e4b491a"  # the head this migration follows


@pytest.mark.worker
def test_the_earliest_connection_keeps_the_shop_and_later_ones_are_disconnected(
    tmp_path: Path, redis_base_url: str
) -> None:
    settings = {
        "SQLALCHEMY_DATABASE_URI": fresh_database(tmp_path, "ownmig"),
        "REDIS_URL": redis_url_for(redis_base_url, 2),
    }
    app = create_app(type("Config", (TestConfig,), settings), instance_path=str(tmp_path))
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        factories.bind(db.session)
        now = utcnow()
        rows: dict[str, int] = {}
        for name, minutes_ago, status in (
            ("later", 5, ShopStatus.CONNECTED),
            ("earliest", 60, ShopStatus.NEEDS_REAUTH),
            ("latest", 1, ShopStatus.CONNECTED),
            ("gone", 120, ShopStatus.DISCONNECTED),
            ("other shop", 1, ShopStatus.CONNECTED),
        ):
            cooperative_id = _old_cooperative(factories.CommuneFactory().id, name)
            # A Core insert names only these columns (and those with defaults), so columns
            # that later migrations add to the model do not reach this older schema.
            rows[name] = db.session.execute(
                insert(Shop)
                .values(
                    cooperative_id=cooperative_id,
                    platform="shopee",
                    platform_shop_id="2" if name == "other shop" else "1",
                    access_token="a",
                    refresh_token="r",
                    access_expires_at=now,
                    status=status,
                    created_at=now - timedelta(minutes=minutes_ago),
                )
                .returning(Shop.id)
            ).scalar_one()
        db.session.commit()
        ids = dict(rows)
        db.session.remove()
        flask_migrate.upgrade()
        statuses = {
            name: db.session.scalar(select(Shop.status).where(Shop.id == ids[name])) for name in ids
        }
        db.session.remove()
    assert statuses == {
        "later": ShopStatus.DISCONNECTED,
        "earliest": ShopStatus.NEEDS_REAUTH,
        "latest": ShopStatus.DISCONNECTED,
        "gone": ShopStatus.DISCONNECTED,
        "other shop": ShopStatus.CONNECTED,
    }


def _old_cooperative(area_id: int, name: str) -> int:
    """A cooperative row in the schema of BEFORE: only the columns it had then."""
    return int(
        db.session.execute(
            text(
                "INSERT INTO cooperatives (name, tax_code, area_id, ethnic_minority_led,"
                " subject_type, created_at, updated_at)"
                " VALUES (:name, :tax_code, :area_id, false, 'cooperative', :now, :now)"
                " RETURNING id"
            ),
            {
                "name": f"HTX {name}",
                "tax_code": f"0100{area_id:06d}",
                "area_id": area_id,
                "now": utcnow(),
            },
        ).scalar_one()
    )
