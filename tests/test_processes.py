"""The tests' process stopper against a real RQ worker stuck in a long job."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import redis
from rq import Queue

from marketplace import jobs
from tests import processes
from tests.databases import redis_url_for
from tests.listings.sync.resilience import wait_for

pytestmark = pytest.mark.worker


def test_a_worker_in_a_long_job_is_stopped_by_the_deadline_horse_and_all(
    tmp_path: Path, redis_base_url: str
) -> None:
    redis_url = redis_url_for(redis_base_url, 1)
    queue = Queue(jobs.MEDIA, connection=redis.Redis.from_url(redis_url))
    queue.empty()  # this test process's own Redis database: only what earlier tests left
    env = os.environ | processes.instance_env(tmp_path)
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "REDIS_URL": redis_url}
    worker = processes.start_worker([queue.name], env, tmp_path / "worker.log")
    try:
        queue.enqueue("time.sleep", 600, job_timeout=900)  # a job that outlives any teardown
        horse = wait_for("the job to start in a work horse", lambda: _horses(worker))[0]

        started = time.monotonic()
        processes.stop(worker, grace=1.0)
        took = time.monotonic() - started
    finally:
        if worker.poll() is None:  # the stop under test failed: do not leave it behind
            processes.kill(worker)

    assert worker.returncode is not None
    assert not horse.is_running() or horse.status() == psutil.STATUS_ZOMBIE
    # A warm shutdown would wait the job's 600 s; the deadline cuts it to about a second.
    assert took < 30, f"stopping took {took:.1f} s"


def _horses(worker: subprocess.Popen[bytes]) -> list[psutil.Process]:
    assert worker.poll() is None, "the worker left before taking the job (see worker.log)"
    return [
        child
        for child in psutil.Process(worker.pid).children(recursive=True)
        if child.status() != psutil.STATUS_ZOMBIE
    ]
