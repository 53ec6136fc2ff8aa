"""A shop's order pull that fails at any step runs again at the next minute's pull, and the
order it was pulling arrives once: before it marks its record (the "database is locked"
that stopped a shop's pulls for good), while it pulls (its worker killed), as it commits
the orders, and after the orders are in.

Real sandboxes over HTTP and real RQ on the test's Redis; a failed commit is made by a
SQLAlchemy ``before_commit`` listener raising what SQLite raises when another writer holds
the lock, and a dead worker is a real ``flask rq worker`` process killed with SIGKILL.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import sqlalchemy as sa
from flask import Flask
from rq import SimpleWorker
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from marketplace import jobs
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.jobs.liveness import heartbeat_key
from marketplace.sales import tasks as sales_tasks
from marketplace.sales.models import Order
from marketplace.sales.models import reserved_by_variant
from marketplace.shops.models import Shop
from tests import processes
from tests.sales.conftest import Cooperative
from tests.sales.conftest import cooperative  # noqa: F401 - the fixture, shared
from tests.sales.conftest import envs  # noqa: F401 - the fixture, shared
from tests.sales.conftest import sales_app  # noqa: F401 - the fixture, shared
from tests.sales.test_orders import SKU
from tests.sales.test_orders import place

pytestmark = pytest.mark.worker
PLATFORM = "lazada"
DEADLINE = 120.0  # a worker process starts slowly on a busy machine


def job_id(coop: Cooperative) -> str:
    return f"pull-orders-{coop.shops[PLATFORM]}"


def record_of(coop: Cooperative) -> jobs.JobRecord:
    record = db.session.get(jobs.JobRecord, job_id(coop))
    assert record is not None
    return record


def run_queued_jobs(coop: Cooperative) -> None:
    """A worker on the sales queue until it is empty, in this process (so the failing
    commit's listener applies); each job in an app context and session of its own, as each
    runs in a work-horse process of its own under ``flask rq worker``."""
    with coop.app.app_context():
        queue = rq.get_queue(jobs.SALES)
        worker = OwnContextWorker([queue], connection=queue.connection, job_class=queue.job_class)
        worker.app = coop.app
        worker.work(burst=True)
        db.session.remove()


class OwnContextWorker(SimpleWorker):
    app: Flask

    def execute_job(self, job: Any, queue: Any) -> Any:
        with self.app.app_context():
            return super().execute_job(job, queue)


def next_minute(coop: Cooperative) -> None:
    """The minute's cron, then a worker."""
    with coop.app.app_context():
        assert sales_tasks.pull_all_orders() >= 3
        db.session.remove()
    run_queued_jobs(coop)


@contextmanager
def failing_commit(coop: Cooperative, when: Step) -> Iterator[Callable[[], bool]]:
    """The first commit for which ``when(session, job_id)`` holds fails as SQLite's does when
    another writer holds the lock; yields whether it did. The work-horse that fails it is
    another process: the mark is kept in Redis."""
    connection = redis.Redis.from_url(coop.app.config["REDIS_URL"])
    mark = f"test:commit-failed:{job_id(coop)}"
    connection.delete(mark)

    def before_commit(session: Session) -> None:
        if when(session, job_id(coop)) and connection.set(mark, 1, nx=True):
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    event.listen(Session, "before_commit", before_commit)
    try:
        yield lambda: bool(connection.exists(mark))
    finally:
        event.remove(Session, "before_commit", before_commit)


Step = Callable[[Session, str], bool]  # whether this commit of the job ``job_id`` is the step


def marking(status: str) -> Step:
    """The commit that marks the pull's record ``status``."""
    return lambda session, job_id: any(
        isinstance(obj, jobs.JobRecord) and obj.id == job_id and obj.status == status
        for obj in session.dirty
    )


def storing_orders(session: Session, job_id: str) -> bool:
    """The commit of the pulled orders (the body's own, before the record is ended)."""
    held = list(session.identity_map.values())
    return (
        any(isinstance(obj, Order) for obj in held)
        and any(isinstance(obj, jobs.JobRecord) and obj.id == job_id for obj in held)
        and not any(isinstance(obj, jobs.JobRecord) for obj in session.dirty)
    )


@pytest.fixture
def coop(cooperative: Cooperative, monkeypatch: pytest.MonkeyPatch) -> Cooperative:  # noqa: F811
    """No grace: a job found dead by the next minute's pull is dead at once in these tests."""
    monkeypatch.setitem(cooperative.app.config, "JOB_GRACE_SECONDS", 0)
    return cooperative


def new_order(coop: Cooperative) -> str:
    order_id = place(coop, PLATFORM, "open", 3)
    time.sleep(1.1)  # order searches take whole seconds: let the order's second pass
    return order_id


def assert_arrived_once(coop: Cooperative, order_id: str) -> None:
    with coop.app.app_context():
        found = db.session.scalars(
            select(Order).where(
                Order.shop_id == coop.shops[PLATFORM], Order.platform_order_id == order_id
            )
        ).all()
        assert len(found) == 1
        assert record_of(coop).status == jobs.FINISHED
        assert db.session.get_one(Shop, coop.shops[PLATFORM]).last_orders_pulled_at is not None
        db.session.remove()
    with coop.app.app_context():
        assert reserved_by_variant(coop.id) == {coop.variants[SKU]: 3}  # counted once
        db.session.remove()


@pytest.mark.parametrize(
    ("step", "when", "left"),
    [
        ("before marking its record", marking(jobs.STARTED), jobs.QUEUED),
        ("storing the orders", storing_orders, jobs.FAILED),
        ("after the orders are in", marking(jobs.FINISHED), jobs.STARTED),
    ],
)
def test_a_pull_whose_commit_fails_runs_again_at_the_next_minute(
    coop: Cooperative, step: str, when: Step, left: str
) -> None:
    order_id = new_order(coop)
    with failing_commit(coop, when) as fired:
        next_minute(coop)
        assert fired(), f"the pull never reached {step}"
    with coop.app.app_context():
        assert record_of(coop).status == left
        db.session.remove()

    next_minute(coop)

    assert_arrived_once(coop, order_id)


def test_a_pull_whose_worker_dies_mid_pull_runs_again(coop: Cooperative, tmp_path: Path) -> None:
    order_id = new_order(coop)
    env = coop.envs[PLATFORM]
    slow = requests.post(f"{env.base_url}/_sandbox/faults", json={"latency_ms": 3000}, timeout=10)
    slow.raise_for_status()
    config = coop.app.config
    worker_env = os.environ | processes.instance_env(tmp_path) | {"JOB_HEARTBEAT_SECONDS": "2"}
    worker_env |= {"DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"]}
    worker_env |= {"REDIS_URL": config["REDIS_URL"], "ENCRYPTION_KEYS": config["ENCRYPTION_KEYS"]}
    with coop.app.app_context():
        sales_tasks.pull_shop_orders.enqueue(shop_id=coop.shops[PLATFORM])
        db.session.commit()
        db.session.remove()
    connection = redis.Redis.from_url(config["REDIS_URL"])
    beat = heartbeat_key(job_id(coop))
    worker = processes.start_worker([jobs.SALES], worker_env, tmp_path / "worker.log")
    try:
        # The pull takes its heartbeat just before it marks its record; its first call to
        # the slow platform then takes three seconds.
        wait_for(lambda: bool(connection.exists(beat)), "the pull to start")
        wait_for(lambda: _status(coop) == jobs.STARTED, "the pull to mark its record")
    finally:
        processes.kill(worker)  # as when the host dies: nothing ends the record
    wait_for(lambda: not connection.exists(beat), "the heartbeat to lapse")
    assert _status(coop) == jobs.STARTED
    requests.post(
        f"{env.base_url}/_sandbox/faults", json={"latency_ms": 0}, timeout=10
    ).raise_for_status()

    next_minute(coop)

    assert_arrived_once(coop, order_id)


def _status(coop: Cooperative) -> str:
    """The record's status, read without the app's session: on SQLite its transactions take
    the write lock, which the running pull holds until it commits."""
    engine = sa.create_engine(coop.app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            query = sa.select(jobs.JobRecord.status).where(jobs.JobRecord.id == job_id(coop))
            return str(connection.scalar(query))
    finally:
        engine.dispose()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.2)
