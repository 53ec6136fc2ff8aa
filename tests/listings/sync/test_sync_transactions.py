"""No transaction is held while the sync talks to a platform (``shops.services.call``).

On the embedded default a transaction held across a platform call, or the rate
limiter's and the retries' sleeps, keeps SQLite's write lock from everyone else for the
length of the call: the manager's pages and saves queue behind it. Every request the
connectors make goes through ``HttpClient.call``; the test watches it, not replaces it:
at each call the sync's session must have no transaction, and on SQLite another
connection must get the write lock at once.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy import update

from marketplace.catalog.models import Variant
from marketplace.common.models import utcnow
from marketplace.connectors.http import HttpClient
from marketplace.extensions import db
from marketplace.shops.models import Shop
from tests.listings.sync.test_sync import env  # noqa: F401 - fixtures shared with test_sync
from tests.listings.sync.test_sync import run_sync
from tests.listings.sync.test_sync import shop_id  # noqa: F401
from tests.listings.sync.test_sync import sync_app  # noqa: F401

pytestmark = pytest.mark.worker


def _write_lock_free() -> bool:
    """Whether another connection gets SQLite's write lock without waiting."""
    if db.engine.dialect.name != "sqlite":
        return True
    other = sqlite3.connect(str(db.engine.url.database), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, bool]]:
    """For every platform request: (a transaction was open, the write lock was taken)."""
    found: list[tuple[bool, bool]] = []
    original = HttpClient.call

    def watched(self: HttpClient, build: Any, parse: Any) -> Any:
        found.append((db.session().in_transaction(), not _write_lock_free()))
        return original(self, build, parse)

    monkeypatch.setattr(HttpClient, "call", watched)
    return found


def test_no_transaction_is_open_during_a_sync_s_calls(
    sync_app: Flask,  # noqa: F811
    shop_id: int,  # noqa: F811
    seen: list[tuple[bool, bool]],
) -> None:
    assert run_sync(sync_app, shop_id) > 0  # images, creates (and Shopee's variations)
    with sync_app.app_context():
        db.session.execute(update(Variant).values(price=Variant.price + 1_000))
        db.session.commit()
    assert run_sync(sync_app, shop_id) > 0  # price/stock batch and its read-back

    assert len(seen) > 4
    assert [s for s in seen if s != (False, False)] == []


def test_no_transaction_is_open_during_a_token_refresh_and_the_call_after(
    sync_app: Flask,  # noqa: F811
    shop_id: int,  # noqa: F811
    seen: list[tuple[bool, bool]],
) -> None:
    with sync_app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        old_token = shop.access_token
        shop.access_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert run_sync(sync_app, shop_id) > 0

    with sync_app.app_context():
        assert db.session.scalar(select(Shop.access_token).where(Shop.id == shop_id)) != old_token
    assert len(seen) > 2
    assert [s for s in seen if s != (False, False)] == []
