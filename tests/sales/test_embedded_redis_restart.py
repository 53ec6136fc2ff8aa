"""``make run``'s own embedded Redis killed in the middle of an order pull and a shop sync
(``restart_scenario``): the launcher starts it again on the same socket, and the jobs it
held finish within a minute, once.

The real launcher (``python -m workers.run``, as ``make run`` starts it: web, workers, cron
and the embedded server, no ``REDIS_URL``) on this test's database and instance folder.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from flask import Flask

from marketplace.config import TestConfig
from marketplace.embedded import answers
from marketplace.embedded import socket_path
from tests import processes
from tests.conftest import make_app
from tests.databases import fresh_database
from tests.sales.conftest import Cooperative
from tests.sales.restart_scenario import jobs_outlive_a_restart
from tests.sales.restart_scenario import wait_for

pytestmark = pytest.mark.worker


@dataclass
class Launched:
    """A running ``workers.run`` and what the test needs of it."""

    process: subprocess.Popen[bytes]
    redis_url: str
    logs: Path

    def embedded_redis(self) -> psutil.Process:
        found = [
            child
            for child in psutil.Process(self.process.pid).children()
            if child.name().startswith("redis-server")
        ]
        assert len(found) == 1, found
        return found[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Launched, str, Path]]:
    """The launcher on a fresh database, its jobs' heartbeats and shop leases short."""
    instance = tmp_path_factory.mktemp("embedded-restart")
    logs = tmp_path_factory.mktemp("embedded-restart-logs")
    database = fresh_database(instance, "embedded_restart")
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "MARKETPLACE_REDIS_URL")}
    env |= processes.instance_env(instance) | {"DATABASE_URL": database, "PORT": str(_free_port())}
    env |= {"ENCRYPTION_KEYS": TestConfig.ENCRYPTION_KEYS, "SECRET_KEY": TestConfig.SECRET_KEY}
    env |= {"JOB_HEARTBEAT_SECONDS": "3", "SYNC_LOCK_SECONDS": "3"}
    url = f"unix://{socket_path(str(instance / 'redis.db'))}"
    process = processes.start([sys.executable, "-m", "workers.run"], env, logs / "run.log")
    try:
        wait_for(lambda: process.poll() is None and answers(url), "the embedded Redis")
        yield Launched(process, url, logs), database, instance
    finally:
        processes.stop(process, grace=40)  # the launcher gives its children 10 s, twice


@pytest.fixture(scope="module")
def sales_app(launched: tuple[Launched, str, Path]) -> Flask:
    """The shared sales fixtures' app, on the launcher's database and embedded Redis; a lost
    job is found dead 10 s after its record last moved (30 s in production)."""
    launcher, database, instance = launched
    return make_app(database, launcher.redis_url, instance, JOB_GRACE_SECONDS=10)


def test_make_runs_embedded_redis_killed_mid_job_comes_back_and_the_jobs_finish_once(
    cooperative: Cooperative, launched: tuple[Launched, str, Path]
) -> None:
    launcher = launched[0]
    killed = launcher.embedded_redis()

    def kill_and_wait_for_the_new_one() -> None:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
        assert not answers(launcher.redis_url)
        wait_for(lambda: answers(launcher.redis_url), "the launcher to start Redis again", 30)
        assert launcher.embedded_redis().pid != killed.pid

    jobs_outlive_a_restart(cooperative, kill_and_wait_for_the_new_one, launcher.logs)
