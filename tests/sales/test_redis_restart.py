"""Redis restarted (its data gone) in the middle of an order pull and a shop sync, with an
export waiting behind them: within a minute of Redis coming back every one of those jobs
is finished, run again from the job records, no order counted twice, no listing made twice.

A real ``redis-server`` of this test's own on a free port, real ``flask rq worker``
processes as ``make run`` starts them, the sandboxes over HTTP made slow so the jobs are
caught mid-way; the minute's cron (``requeue_stalled``) is called as ``flask rq cron`` would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa
from flask import Flask
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
from tests import processes
from tests.conftest import make_app
from tests.connectors.harness import jpeg
from tests.databases import fresh_database
from tests.sales.conftest import Cooperative
from tests.sales.test_orders import SKU
from tests.sales.test_orders import place
from workers.supervise import Supervisor

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]
MINUTE = 60.0
NEW_SKU = "MIEN-DONG-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server that keeps nothing on disk: a restart loses every queue and lock."""

    def __init__(self, log: Path) -> None:
        self.port, self.log = free_port(), log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no"]
        self.process = processes.start(args, dict(os.environ), self.log)
        client = redis.Redis(port=self.port)
        wait_for(lambda: _answers(client), "redis-server to answer")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, grace=10)  # SIGTERM, then SIGKILL after the deadline
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 120.0) -> float:
    """Seconds until ``condition()``; fails after ``seconds`` (a busy machine starts slowly)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"still waiting for {what}"
        time.sleep(0.2)
    return time.monotonic() - start


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis-server") / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def sales_app(tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer) -> Flask:
    """The shared sales fixtures' app, on this test's own Redis server; a lost job is found
    dead 10 s after its record last moved (30 s in production), to keep the test short."""
    instance = tmp_path_factory.mktemp("redis-restart")
    database = fresh_database(instance, "redis_restart")
    return make_app(database, redis_server.url, instance, JOB_GRACE_SECONDS=10)


@pytest.fixture
def workers(cooperative: Cooperative, tmp_path: Path) -> Iterator[None]:
    """The two workers ``make run`` starts, their heartbeats and shop leases short."""
    config = cooperative.app.config
    # The app's own instance folder: the photos the sync uploads are in its media.
    env = os.environ | processes.instance_env(Path(cooperative.app.instance_path))
    env |= {"DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": config["REDIS_URL"]}
    env |= {"ENCRYPTION_KEYS": config["ENCRYPTION_KEYS"]}
    env |= {"JOB_HEARTBEAT_SECONDS": "3", "SYNC_LOCK_SECONDS": "3"}
    worker = [sys.executable, "-m", "flask", "rq", "worker"]
    commands = {q[0]: [*worker, *q] for q in ([jobs.SALES, jobs.DEFAULT], [jobs.SYNC])}

    def start(argv: list[str]) -> subprocess.Popen[bytes]:
        return processes.start(argv, env, tmp_path / f"worker-{argv[len(worker)]}.log")

    # Under make run's supervisor, as make run runs them: an RQ worker watching a job
    # quits when Redis goes away under it, and the supervisor starts it again.
    supervisor = Supervisor(commands, start, frozenset(commands), say=lambda _: None)
    stopping = threading.Event()
    ticks = threading.Thread(target=_tick_until, args=(supervisor, stopping))
    ticks.start()
    try:
        yield
    finally:
        stopping.set()
        ticks.join(timeout=10)
        for proc in supervisor.procs.values():
            processes.stop(proc)


def _tick_until(supervisor: Supervisor, stopping: threading.Event) -> None:
    while not stopping.wait(0.2):
        supervisor.tick()


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


def test_jobs_caught_by_a_redis_restart_finish_within_a_minute_once(
    cooperative: Cooperative, redis_server: RedisServer, workers: None, tmp_path: Path
) -> None:
    coop = cooperative
    order_id = place(coop, "lazada", "open", 3)
    new_product(coop)
    time.sleep(1.1)  # order searches take whole seconds: let the order's second pass
    slow(coop, "lazada", 2000)
    slow(coop, "shopee", 2000)
    with coop.app.app_context():
        pull = sales_tasks.pull_shop_orders.enqueue(shop_id=coop.shops["lazada"])
        sync = enqueue_sync(db.session.get_one(Shop, coop.shops["shopee"]), None)
        export = catalog_tasks.export_catalog.enqueue(
            cooperative_id=_coop_id(coop), for_cooperative=_coop_id(coop)
        )
        ids = [pull.id, sync.id, export.id]
        pull_id = pull.id
        db.session.commit()
        db.session.remove()
    wait_for(lambda: status_of(coop, pull_id) == jobs.STARTED, "the pull to start")

    redis_server.restart()
    back = time.monotonic()
    slow(coop, "lazada", 0)
    slow(coop, "shopee", 0)

    def all_finished() -> bool:
        the_minutes_cron(coop)  # every minute under `flask rq cron`; sooner costs nothing
        return set(statuses(coop, ids).values()) == {jobs.FINISHED}

    try:
        wait_for(all_finished, "every job to finish", MINUTE)
    except AssertionError as failed:  # say which job and what the workers saw
        logs = {log.name: log.read_text()[-3000:] for log in tmp_path.glob("worker-*.log")}
        raise AssertionError(f"{failed}: {statuses(coop, ids)}\n{logs}") from None
    assert time.monotonic() - back < MINUTE

    with coop.app.app_context():
        found = db.session.scalars(
            select(Order).where(
                Order.shop_id == coop.shops["lazada"], Order.platform_order_id == order_id
            )
        ).all()
        assert len(found) == 1
        assert reserved_by_variant(_coop_id(coop)).get(coop.variants[SKU]) == 3
        db.session.remove()
    assert listings_of(coop, "shopee", NEW_SKU) == 1


def _coop_id(coop: Cooperative) -> int:
    return coop.id
