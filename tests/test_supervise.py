"""``make run``'s supervisor starts a dead worker or scheduler again, with a pause that
doubles while it keeps dying; the web server's death still ends the run."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests import processes
from workers import supervise

DEADLINE = 30.0
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
CRASHER = [sys.executable, "-c", "import sys; sys.exit(3)"]


@pytest.fixture
def supervisor() -> Iterator[supervise.Supervisor]:
    said: list[str] = []
    made = supervise.Supervisor(
        {"web": SLEEPER, "worker": CRASHER, "cron": SLEEPER},
        lambda argv: subprocess.Popen(argv),
        frozenset({"worker", "cron"}),
        said.append,
    )
    made.said = said  # type: ignore[attr-defined]
    try:
        yield made
    finally:
        for proc in made.procs.values():
            processes.stop(proc, grace=5)


def tick_until(supervisor: supervise.Supervisor, done: object, what: str) -> float:
    """Tick as ``make run`` does until ``done()``; the seconds it took."""
    start = time.monotonic()
    while not done():  # type: ignore[operator]
        assert supervisor.tick() is None
        assert time.monotonic() - start < DEADLINE, f"still waiting for {what}"
        time.sleep(0.05)
    return time.monotonic() - start


def test_a_dead_worker_is_started_again_with_a_doubling_pause(
    supervisor: supervise.Supervisor,
) -> None:
    web_pid = supervisor.procs["web"].pid
    first = tick_until(supervisor, lambda: supervisor.restarts("worker") >= 1, "a restart")
    second = tick_until(supervisor, lambda: supervisor.restarts("worker") >= 2, "a second")
    third = tick_until(supervisor, lambda: supervisor.restarts("worker") >= 3, "a third")

    assert 1.0 <= first < 3.0  # upper bounds loose: a busy machine is slow, never early
    assert 2.0 <= second < 4.0
    assert 4.0 <= third < 6.0
    assert supervisor.said[:2] == [  # type: ignore[attr-defined]
        "worker exited with code 3; starting it again in 1 s",
        "worker exited with code 3; starting it again in 2 s",
    ]
    assert supervisor.procs["web"].pid == web_pid  # the others are left alone
    assert supervisor.restarts("cron") == 0


def test_a_process_that_stayed_up_starts_again_from_the_first_pause(
    supervisor: supervise.Supervisor,
) -> None:
    cron = supervisor.children["cron"]
    cron.pause = 8.0  # it died often before …
    cron.started -= supervise.STABLE_SECONDS  # … then stayed up a while
    processes.kill(cron.proc)
    took = tick_until(supervisor, lambda: supervisor.restarts("cron") >= 1, "the scheduler")
    assert 1.0 <= took < 3.0
    assert supervisor.procs["cron"].poll() is None


def test_the_web_servers_death_is_not_restarted_but_reported(
    supervisor: supervise.Supervisor,
) -> None:
    processes.kill(supervisor.procs["web"])
    assert supervisor.tick() == "web"
