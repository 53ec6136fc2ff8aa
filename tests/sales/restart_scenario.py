"""What a Redis restart in the middle of the work must not break, whichever Redis it is.

An order pull and a shop sync are caught mid-way (the sandboxes made slow) with an export
waiting behind them; ``restart`` takes Redis away with its queues and brings it back. Within
a minute of its return every one of those jobs is finished, run again from the job records,
no order counted twice, no listing made twice. The minute's cron (``requeue_stalled``) is
called as ``flask rq cron`` would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import requests
import sqlalchemy as sa
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog import photos
from marketplace.catalog import tasks as catalog_tasks
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.listings.sync.tasks import enqueue_sync
from marketplace.sales import tasks as sales_tasks
from marketplace.sales.models import Order
from marketplace.sales.models import reserved_by_variant
from marketplace.shops import services
from marketplace.shops.models import Shop
from tests import factories
from tests.connectors.harness import jpeg
from tests.sales.conftest import Cooperative
from tests.sales.test_orders import SKU
from tests.sales.test_orders import place

MINUTE = 60.0
NEW_SKU = "MIEN-DONG-1"


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 120.0) -> float:
    """Seconds until ``condition()``; fails after ``seconds`` (a busy machine starts slowly)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"still waiting for {what}"
        time.sleep(0.2)
    return time.monotonic() - start


def slow(coop: Cooperative, platform: str, latency_ms: int) -> None:
    url = f"{coop.envs[platform].base_url}/_sandbox/faults"
    requests.post(url, json={"latency_ms": latency_ms}, timeout=10).raise_for_status()


def new_product(coop: Cooperative) -> None:
    """A product, in the category the shops have mapped, that the next sync lists."""
    with coop.app.app_context():
        factories.bind(db.session)
        sibling = db.session.get_one(Variant, coop.variants[SKU]).product
        product = factories.ProductFactory(
            cooperative=sibling.cooperative,
            category=sibling.category,
            name="Miến dong Sơn La",
            description="<p>Miến dong làm từ củ dong riềng trồng ở Sơn La.</p>",
            variants=[
                {
                    "sku": NEW_SKU,
                    "options": "Khối lượng: 500 g",
                    "price": 60_000,
                    "stock": 9,
                    "weight_g": 550,
                    "length_cm": 20,
                    "width_cm": 12,
                    "height_cm": 6,
                }
            ],
        )
        for photo in photos.add_photos(product, [photos.Upload("m.jpg", jpeg(800))], None, None):
            photos.render(photo)
        db.session.commit()
        db.session.remove()


def statuses(coop: Cooperative, ids: list[str]) -> dict[str, str]:
    with coop.app.app_context():
        found = {
            r.id: r.status
            for r in db.session.scalars(select(jobs.JobRecord).where(jobs.JobRecord.id.in_(ids)))
        }
        db.session.remove()
    return found


def status_of(coop: Cooperative, job_id: str) -> str:
    """A record's status, read without the app's session: on SQLite its transactions take
    the write lock, which the running pull holds until it commits."""
    engine = sa.create_engine(coop.app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            query = sa.select(jobs.JobRecord.status).where(jobs.JobRecord.id == job_id)
            return str(connection.scalar(query))
    finally:
        engine.dispose()


def the_minutes_cron(coop: Cooperative) -> None:
    with coop.app.app_context():
        jobs.requeue_stalled()
        db.session.remove()


def listings_of(coop: Cooperative, platform: str, sku: str) -> int:
    """How many listings of the shop carry ``sku``, read page by page through the API."""
    with coop.app.app_context():
        shop = db.session.get_one(Shop, coop.shops[platform])
        count, cursor = 0, None
        while True:
            page = services.call(shop, lambda c, at=cursor: c.list_items(at))
            count += sum(sku in _skus(item) for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        db.session.remove()
    return count


def _skus(item: object) -> set[str]:
    return {getattr(item, "seller_sku", "")} | {v.seller_sku for v in getattr(item, "variants", [])}


def jobs_outlive_a_restart(coop: Cooperative, restart: Callable[[], None], logs: Path) -> None:
    """Catch a pull, a sync and an export in ``restart``; see each finish once, in a minute.

    ``restart`` returns once Redis answers again; ``logs`` holds the workers' ``*.log``."""
    order_id = place(coop, "lazada", "open", 3)
    new_product(coop)
    time.sleep(1.1)  # order searches take whole seconds: let the order's second pass
    slow(coop, "lazada", 2000)
    slow(coop, "shopee", 2000)
    with coop.app.app_context():
        pull = sales_tasks.pull_shop_orders.enqueue(shop_id=coop.shops["lazada"])
        sync = enqueue_sync(db.session.get_one(Shop, coop.shops["shopee"]), None)
        export = catalog_tasks.export_catalog.enqueue(
            cooperative_id=coop.id, for_cooperative=coop.id
        )
        ids = [pull.id, sync.id, export.id]
        pull_id = pull.id
        db.session.commit()
        db.session.remove()
    wait_for(lambda: status_of(coop, pull_id) == jobs.STARTED, "the pull to start")

    restart()
    back = time.monotonic()
    slow(coop, "lazada", 0)
    slow(coop, "shopee", 0)

    def all_finished() -> bool:
        the_minutes_cron(coop)  # every minute under `flask rq cron`; sooner costs nothing
        return set(statuses(coop, ids).values()) == {jobs.FINISHED}

    try:
        wait_for(all_finished, "every job to finish", MINUTE)
    except AssertionError as failed:  # say which job and what the workers saw
        seen = {log.name: log.read_text()[-3000:] for log in logs.glob("*.log")}
        raise AssertionError(f"{failed}: {statuses(coop, ids)}\n{seen}") from None
    assert time.monotonic() - back < MINUTE

    with coop.app.app_context():
        found = db.session.scalars(
            select(Order).where(
                Order.shop_id == coop.shops["lazada"], Order.platform_order_id == order_id
            )
        ).all()
        assert len(found) == 1
        assert reserved_by_variant(coop.id).get(coop.variants[SKU]) == 3
        db.session.remove()
    assert listings_of(coop, "shopee", NEW_SKU) == 1
