"""A lease: a Redis lock that stays held only while its holder is alive.

A plain lock with a long expiry outlives a worker killed with SIGKILL (or a host
that died) by that whole expiry. A lease expires quickly instead, and a thread of
the holder renews it while the holder lives, so a dead holder's lease lapses
within ``seconds`` whatever the length of the work it was doing. If a renewal
finds the lease gone (Redis was unreachable for longer than ``seconds``, so
another process may hold it now) the lease is marked ``lost`` and the holder is
expected to stop at its next safe point.
"""

from __future__ import annotations

import logging
import threading

from redis import Redis
from redis.exceptions import LockError
from redis.exceptions import LockNotOwnedError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class Lease:
    """``with``-less on purpose: acquiring may fail, and the caller decides what that means."""

    def __init__(self, redis: Redis, key: str, seconds: float) -> None:
        self.key = key
        self.seconds = seconds
        # Not thread-local: the renewing thread must see the token the holder acquired.
        self._lock = redis.lock(key, timeout=seconds, thread_local=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False

    def acquire(self, wait: float = 0.0) -> bool:
        """Take the lease, waiting up to ``wait`` seconds for its holder to release or die."""
        taken = self._lock.acquire(blocking=wait > 0, blocking_timeout=wait if wait > 0 else None)
        if taken:
            self._thread = threading.Thread(target=self._renew, name=f"lease {self.key}")
            self._thread.daemon = True  # dies with the process, which is the point
            self._thread.start()
        return bool(taken)

    def _renew(self) -> None:
        # Three renewals per period: one late or failed renewal does not lose the lease.
        while not self._stop.wait(self.seconds / 3):
            try:
                self._lock.reacquire()
            except LockNotOwnedError:
                self.lost = True
                log.warning("lease %s lapsed while held; the holder must stop", self.key)
                return
            except RedisError as exc:  # Redis briefly away: try again at the next tick
                log.warning("lease %s not renewed: %s", self.key, type(exc).__name__)

    def release(self) -> None:
        """Stop renewing and give the lease back if it is still ours."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self._lock.release()
        except LockError:  # lapsed (and maybe taken by another holder): not ours to delete
            log.info("lease %s was no longer held at release", self.key)


def held(redis: Redis, key: str) -> bool:
    """Whether anyone holds the lease now (a dead holder's lease counts until it lapses)."""
    return bool(redis.exists(key))
