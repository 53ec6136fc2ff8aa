"""End to end with a real ``flask rq worker``: an order on one sandbox shop changes the
stock the other sandbox shops show buyers, within a minute, through the minute's pull
or at once through a signed push."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from marketplace import jobs
from marketplace.connectors.push import hmac_hex
from marketplace.extensions import db
from marketplace.sales import tasks as sales_tasks
from marketplace.shops.models import Shop
from tests import processes
from tests.sales.conftest import STOCK
from tests.sales.conftest import Cooperative
from tests.sales.conftest import remote_stock
from tests.sales.test_orders import SKU
from tests.sales.test_orders import place

pytestmark = pytest.mark.worker
MINUTE = 60.0


@pytest.fixture
def worker(cooperative: Cooperative, tmp_path: Path) -> Iterator[None]:
    """A real worker on the sales queue, as production runs it, sharing the test's DB and Redis."""
    config = cooperative.app.config
    env = os.environ | processes.instance_env(tmp_path)
    env |= {"DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": config["REDIS_URL"]}
    env["ENCRYPTION_KEYS"] = config["ENCRYPTION_KEYS"]
    with processes.running_worker([jobs.SALES], env, tmp_path / "worker.log"):
        yield


def wait_for_stock(coop: Cooperative, platforms: list[str], wanted: int) -> float:
    """Seconds until every platform shows ``wanted`` for SKU; fails after a minute."""
    start = time.monotonic()
    pending = list(platforms)
    while pending and time.monotonic() - start < MINUTE:
        pending = [
            p for p in pending if remote_stock(coop.envs[p], coop.app, coop.shops[p], SKU) != wanted
        ]
        if pending:
            time.sleep(0.5)
    assert not pending, f"stock still not {wanted} after a minute on {pending}"
    return time.monotonic() - start


def test_orders_are_pulled_every_minute() -> None:
    entry = next(e for e in jobs.SCHEDULE if e.func is sales_tasks.pull_all_orders)
    assert entry.every == 60
    assert entry.queue == jobs.SALES


def test_an_order_seen_by_the_minutes_pull_reaches_the_other_shops(
    cooperative: Cooperative, worker: None
) -> None:
    place(cooperative, "shopee", "open", 3)
    time.sleep(1.1)  # order searches take whole seconds: let the order's second pass

    with cooperative.app.app_context():
        assert sales_tasks.pull_all_orders() == 3  # what `flask rq cron` runs every minute
        db.session.remove()

    elapsed = wait_for_stock(cooperative, ["lazada", "tiktok"], STOCK - 3)
    assert elapsed < MINUTE


def test_a_signed_push_makes_it_immediate(cooperative: Cooperative, worker: None) -> None:
    order_id = place(cooperative, "tiktok", "open", 2)
    time.sleep(1.1)
    env = cooperative.envs["tiktok"]
    with cooperative.app.app_context():
        shop_id = db.session.get_one(Shop, cooperative.shops["tiktok"]).platform_shop_id
        db.session.remove()
    body = (
        f'{{"type":1,"tts_notification_id":"n-{order_id}","shop_id":"{shop_id}",'
        f'"timestamp":{int(time.time())},"data":{{"order_id":"{order_id}",'
        f'"order_status":"AWAITING_SHIPMENT","update_time":{int(time.time())}}}}}'
    ).encode()
    signature = hmac_hex(env.app.app_secret, env.app.app_key.encode() + body)

    response = cooperative.app.test_client().post(
        "/webhooks/tiktok", data=body, headers={"Authorization": signature}
    )

    assert response.status_code == 200
    elapsed = wait_for_stock(cooperative, ["shopee", "lazada"], STOCK - 2)
    assert elapsed < MINUTE
