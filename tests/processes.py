"""Processes the tests start: each one is stopped with a deadline, then killed, never waited
on without end, so a busy machine slows a test down but does not fail its teardown."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
GRACE = 10.0  # seconds a worker has to finish its job and leave after SIGTERM


def start(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """A process run from the project folder, its output appended to ``log_path``."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_worker(queues: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """A real ``flask rq worker`` on ``queues``."""
    return start([sys.executable, "-m", "flask", "rq", "worker", *queues], env, log_path)


@contextmanager
def running(
    args: list[str], env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A process for the length of the block, stopped (see ``stop``) however the block ends."""
    process = start(args, env, log_path)
    try:
        yield process
    finally:
        stop(process)


def running_worker(
    queues: list[str], env: dict[str, str], log_path: Path
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """A worker for the length of the block."""
    return running([sys.executable, "-m", "flask", "rq", "worker", *queues], env, log_path)


def stop(process: subprocess.Popen[bytes], grace: float = GRACE) -> None:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL the process and what it started.

    RQ runs each job in a work horse in a session of its own, so the horse is found among
    the descendants before the worker goes (an orphaned horse would be out of reach)."""
    family = _descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            family += _descendants(process.pid)
            process.kill()
            process.wait()
    for child in family:
        _kill(child)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and what it started at once, as when the host dies."""
    family = _descendants(process.pid)
    process.kill()
    process.wait()
    for child in family:
        _kill(child)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return []


def _kill(child: psutil.Process) -> None:
    try:
        child.kill()  # psutil checks the process is still the one we saw (pid reuse)
        child.wait(timeout=GRACE)
    except (psutil.NoSuchProcess, psutil.TimeoutExpired):
        pass


def instance_env(instance: Path) -> dict[str, str]:
    """Point a worker's instance folder (secret key, media) at the test's, not the checkout's."""
    return {"MARKETPLACE_INSTANCE": str(instance), "FLASK_APP": "wsgi"}
