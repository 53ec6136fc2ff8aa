"""The issue's test: a backup taken while a sync writes, restored into a fresh instance, holds
the catalogue, the photos, the shops and the ledger intact, and the sync goes on from it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.catalog.sku import parent_sku
from marketplace.catalog.storage import content_hash
from marketplace.connectors.http import HttpClient
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import runner
from marketplace.shops import services
from marketplace.shops.models import Shop
from tests.backup.conftest import PRODUCTS
from tests.backup.conftest import EmptyInstance
from tests.backup.conftest import Source
from tests.backup.conftest import cli
from tests.backup.conftest import state

pytestmark = pytest.mark.worker


def live_listings(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count(Listing.id)).where(Listing.status == ListingStatus.LIVE)
        )
        db.session.remove()
    return count or 0


def sync(app: Flask, shop_id: int, errors: list[BaseException]) -> None:
    with app.app_context():
        try:
            runner.run(db.session.get_one(Shop, shop_id))
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            db.session.remove()


def remote_skus(app: Flask, shop_id: int) -> list[str]:
    """Every parent SKU the platform lists for the shop, duplicates kept."""
    with app.app_context():
        shop = db.session.get_one(Shop, shop_id)
        skus, cursor = [], None
        while True:
            page = services.call(shop, lambda c, cur=cursor: c.list_items(cur))
            skus += [item.seller_sku for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        db.session.remove()
    return skus


def integrity(app: Flask) -> list[Any]:
    """Rows pointing at missing rows (SQLite; PostgreSQL enforces them while restoring)."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            return []
        problems = list(conn.execute(sa.text("PRAGMA foreign_key_check")))
        problems += [r for r in conn.execute(sa.text("PRAGMA integrity_check")) if r[0] != "ok"]
    return problems


def test_a_backup_taken_during_a_sync_restores_intact(
    source: Source,
    empty_instance: EmptyInstance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = HttpClient._send
    creates: list[str] = []
    created = threading.Event()  # two products are on the platform, the rest to come
    backed_up = threading.Event()  # the third create waits for it: the sync is mid-way

    def paused(self: HttpClient, request: Any) -> Any:
        if "product/create" in request.url and len(creates) == 2:
            backed_up.wait(120)
        response = original(self, request)
        if "product/create" in request.url:
            creates.append(request.url)
            if len(creates) == 2:
                created.set()
        return response

    monkeypatch.setattr(HttpClient, "_send", paused)
    before = state(source.app)
    errors: list[BaseException] = []
    thread = threading.Thread(target=sync, args=(source.app, source.shop_id, errors))
    thread.start()
    try:
        # By an event, not by reading the database: the test needs the sync to be
        # between two creates when the backup starts. The backup reads without the
        # write lock (WAL).
        assert created.wait(60), "the sync created nothing in 60 s"
        path = tmp_path / "during-sync.tar.gz"
        result = cli(source.app, "backup", "--with-keys", "--output", str(path))
        assert result.exit_code == 0, result.output
        assert thread.is_alive(), "the sync ended before the backup: not a backup during a sync"
    finally:
        backed_up.set()
        thread.join(timeout=120)
    assert not thread.is_alive()
    assert errors == []
    assert live_listings(source.app) == PRODUCTS

    target = empty_instance()
    result = cli(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "cannot be decrypted" not in result.output
    restored = state(target)
    # The catalogue, the photos (rows, and files whose bytes hash to their names), the shop
    # with readable tokens, and the ledger are those of the live instance.
    assert restored == before == state(source.app)
    assert all(content_hash(data) == sha for sha, data in restored["files"].items())
    assert integrity(target) == []
    # The sync's own rows are a moment of it: some products listed, not all, all consistent.
    with target.app_context():
        listings = db.session.scalars(select(Listing)).all()
        assert 1 <= len(listings) <= PRODUCTS
        assert sum(1 for lst in listings if lst.status == ListingStatus.LIVE) > 0
        for listing in listings:
            product = db.session.get_one(Product, listing.product_id)
            assert listing.seller_sku == parent_sku(product.id)
            if listing.status == ListingStatus.LIVE:
                assert listing.platform_item_id
                assert len(listing.variants) == len(product.variants)
        db.session.remove()

    # The restored instance syncs on from there: nothing created twice on the platform.
    monkeypatch.setattr(HttpClient, "_send", original)
    errors.clear()
    sync(target, source.shop_id, errors)
    assert errors == []
    assert live_listings(target) == PRODUCTS
    skus = remote_skus(target, source.shop_id)
    assert len(skus) == len(set(skus)) == PRODUCTS
