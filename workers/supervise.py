"""Keep the background processes of ``make run`` alive: a dead worker or scheduler is
started again, after a pause that doubles while it keeps dying (so a process that cannot
start does not spin), and is reset once it has stayed up a while.

Without this one crashed worker left the orders unpulled until someone noticed; the job
records let the restarted worker pick up what the dead one left (``requeue_stalled``).
The web server is not restarted: its death ends ``make run``, as before.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

FIRST_PAUSE = 1.0
MAX_PAUSE = 60.0
STABLE_SECONDS = 60.0  # up this long, a process's next death starts from FIRST_PAUSE again

Start = Callable[[list[str]], "subprocess.Popen[bytes]"]


@dataclass
class _Child:
    argv: list[str]
    proc: subprocess.Popen[bytes]
    started: float
    pause: float = FIRST_PAUSE
    restart_at: float | None = None
    restarts: int = 0


class Supervisor:
    """The processes by name; ``tick`` restarts the dead restartable ones when due."""

    def __init__(
        self,
        commands: dict[str, list[str]],
        start: Start,
        restartable: frozenset[str],
        say: Callable[[str], None] = print,
    ) -> None:
        self._start, self.restartable, self._say = start, restartable, say
        now = time.monotonic()
        self.children = {name: _Child(argv, start(argv), now) for name, argv in commands.items()}

    @property
    def procs(self) -> dict[str, subprocess.Popen[bytes]]:
        return {name: child.proc for name, child in self.children.items()}

    def restarts(self, name: str) -> int:
        return self.children[name].restarts

    def tick(self, now: float | None = None) -> str | None:
        """Restart what is due; the name of a dead process that may not be restarted, if any."""
        now = time.monotonic() if now is None else now
        for name, child in self.children.items():
            code = child.proc.poll()
            if code is None:
                continue
            if name not in self.restartable:
                return name
            if child.restart_at is None:
                self._schedule(name, child, code, now)
            elif now >= child.restart_at:
                child.proc, child.started, child.restart_at = self._start(child.argv), now, None
                child.restarts += 1
        return None

    def _schedule(self, name: str, child: _Child, code: int, now: float) -> None:
        if now - child.started >= STABLE_SECONDS:
            child.pause = FIRST_PAUSE
        child.restart_at = now + child.pause
        self._say(f"{name} exited with code {code}; starting it again in {child.pause:.0f} s")
        child.pause = min(MAX_PAUSE, child.pause * 2)
