"""Harness for the sync resilience tests: real ``flask rq worker`` processes that can be
SIGKILLed, sandboxes behind a tripwire that kills a worker at an exact request, and a
connected shop with a catalogue of many small products sharing one photo."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from flask import Flask

from marketplace import jobs
from tests import processes


def wait_for(
    what: str, check: Callable[[], Any], timeout: float = 60.0, every: float = 0.05
) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


# -- workers -------------------------------------------------------------------------------


class Worker:
    """A real ``flask rq worker`` on the sync queue. Each job runs in a ``work-horse``
    child process (in its own process group), which is what a kill hits mid-sync."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        self.proc = processes.start_worker([jobs.SYNC], self.env, self.log_path)
        return self

    def horse(self) -> psutil.Process | None:
        """The work-horse running a job now, if any."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        try:
            children = psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return None
        return children[0] if children else None

    def kill_horse(self) -> bool:
        """SIGKILL the job's process (the OOM killer's way); the worker lives on."""
        horse = self.horse()
        if horse is None:
            return False
        _sigkill(horse)
        return True

    def kill(self) -> None:
        """SIGKILL the worker and its horse together, as when the host dies."""
        if self.proc is not None:
            processes.kill(self.proc)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def _sigkill(process: psutil.Process) -> None:
    try:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    except psutil.NoSuchProcess:
        pass


def worker_env(
    app: Flask, db_url: str, redis_url: str, instance: Path, lease: float
) -> dict[str, str]:
    """What a worker process needs to see the test's database, Redis, media and tokens."""
    return os.environ | {
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "MARKETPLACE_INSTANCE": str(instance),
        "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
        "MARKETPLACE_SYNC_LOCK_SECONDS": str(lease),
        "MARKETPLACE_JOB_HEARTBEAT_SECONDS": str(lease),
        "MARKETPLACE_JOB_GRACE_SECONDS": "0",
        "MARKETPLACE_SANDBOX": "0",
        "FLASK_APP": "wsgi",
    }


# -- sandboxes -----------------------------------------------------------------------------


@dataclass
class Trap:
    """Run ``action`` at the request whose path ends with ``path`` once ``skip`` such requests
    went by: ``before`` the sandbox handles it (it never does), ``after`` it did (the answer
    then goes nowhere), or ``through`` (then the request goes on as usual)."""

    path: str
    when: str
    action: Callable[[], object]
    skip: int = 0
    fired: bool = False


class Tripwire:
    """WSGI middleware in front of a sandbox: counts requests and answers, springs traps."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.traps: list[Trap] = []
        self._lock = threading.Lock()

    def arm(self, trap: Trap) -> Trap:
        with self._lock:
            self.traps.append(trap)
        return trap

    def disarm(self) -> None:
        with self._lock:
            self.traps.clear()

    def total(self) -> int:
        """Requests seen so far."""
        with self._lock:
            return sum(self.hits.values())

    def count(self, path: str) -> int:
        """Requests seen whose path ends with ``path``."""
        with self._lock:
            return sum(n for p, n in self.hits.items() if p.endswith(path))

    def _sprung(self, path: str) -> Trap | None:
        sprung = None
        with self._lock:
            self.hits[path] += 1
            for trap in list(self.traps):
                if not path.endswith(trap.path):
                    continue
                if trap.skip > 0:
                    trap.skip -= 1
                elif sprung is None:
                    sprung = trap
                    self.traps.remove(trap)
        return sprung

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        trap = self._sprung(environ.get("PATH_INFO", ""))
        if trap is not None and trap.when == "before":
            trap.action()
            trap.fired = True
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"the caller was killed before this request was handled"]
        if trap is not None and trap.when == "through":
            trap.action()
            trap.fired = True
        answer: dict[str, Any] = {}

        def keep(status: str, headers: list[Any], exc_info: Any = None) -> None:
            answer.update(status=status, headers=headers)

        body = b"".join(self.app(environ, keep))
        with self._lock:
            self.statuses[int(answer["status"].split()[0])] += 1
        if trap is not None and trap.when == "after":
            trap.action()  # the platform did it; the caller dies before reading the answer
            trap.fired = True
        start_response(answer["status"], answer["headers"])
        return [body]


def expire_access_tokens(state_path: Path) -> int:
    """Make the sandbox treat every access token it issued as expired, now."""
    import sqlite3

    with sqlite3.connect(state_path, timeout=10) as conn:
        done = conn.execute(
            "UPDATE docs SET body = json_set(body, '$.expires_at', 0) "
            "WHERE collection IN ('tokens', 'access_tokens')"
        ).rowcount
    return int(done)
