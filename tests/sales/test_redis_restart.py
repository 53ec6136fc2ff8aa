"""A real ``redis-server`` of this test's own on a free port, restarted with its data gone
in the middle of an order pull and a shop sync (``restart_scenario``), the workers real
``flask rq worker`` processes under ``make run``'s supervisor.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from marketplace import jobs
from tests import processes
from tests.conftest import make_app
from tests.databases import fresh_database
from tests.sales.conftest import Cooperative
from tests.sales.restart_scenario import jobs_outlive_a_restart
from tests.sales.restart_scenario import wait_for
from workers.supervise import Supervisor

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


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


def test_jobs_caught_by_a_redis_restart_finish_within_a_minute_once(
    cooperative: Cooperative, redis_server: RedisServer, workers: None, tmp_path: Path
) -> None:
    jobs_outlive_a_restart(cooperative, redis_server.restart, tmp_path)
