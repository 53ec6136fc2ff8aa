"""The lease on the real Redis: exclusive, kept alive by its holder, lost when it lapses."""

from __future__ import annotations

import time
import uuid

from marketplace.common.lease import Lease
from marketplace.common.lease import held
from marketplace.extensions import rq


def _key() -> str:
    return f"lock:test-lease:{uuid.uuid4().hex}"


class TestLease:
    def test_one_holder_at_a_time(self) -> None:
        redis, key = rq.get_queue().connection, _key()
        first, second = Lease(redis, key, 5), Lease(redis, key, 5)
        assert first.acquire()
        try:
            started = time.monotonic()
            assert not second.acquire(wait=0.3)  # waits, then gives up
            assert time.monotonic() - started >= 0.2  # redis-py gives up a poll (0.1 s) early
        finally:
            first.release()
        assert not held(redis, key)
        assert second.acquire()
        second.release()

    def test_the_holder_keeps_it_past_its_length(self) -> None:
        redis, key = rq.get_queue().connection, _key()
        lease = Lease(redis, key, 0.3)
        assert lease.acquire()
        try:
            time.sleep(1.0)  # over three lengths: only the renewals keep it
            assert held(redis, key)
            assert not lease.lost
            assert not Lease(redis, key, 0.3).acquire()
        finally:
            lease.release()

    def test_a_lease_that_lapsed_is_lost_and_not_released_from_its_new_holder(self) -> None:
        redis, key = rq.get_queue().connection, _key()
        lease = Lease(redis, key, 0.3)
        assert lease.acquire()
        redis.delete(key)  # it lapsed while Redis was out of reach…
        other = Lease(redis, key, 5)
        assert other.acquire()  # …and another process took it
        time.sleep(0.4)
        assert lease.lost
        lease.release()
        assert held(redis, key)  # still the other holder's
        other.release()

    def test_a_dead_holders_lease_lapses(self) -> None:
        redis, key = rq.get_queue().connection, _key()
        redis.set(key, "a holder that was killed", px=300)  # nobody renews it
        started = time.monotonic()
        lease = Lease(redis, key, 5)
        assert lease.acquire(wait=2)
        assert 0.2 < time.monotonic() - started < 1.5
        lease.release()
