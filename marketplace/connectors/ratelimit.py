"""A token bucket in Redis, shared by every worker process and host.

One bucket per key (``platform:shop``). The Lua script refills by elapsed time
and takes a token atomically, answering how long to wait when none is left, so
many workers together never exceed the rate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from redis import Redis

_TAKE = """
local key, rate, burst, now = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + (now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', key, 'tokens', tokens, 'at', now)
redis.call('EXPIRE', key, math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class RedisTokenBucket:
    """``rate`` requests per second with bursts of ``burst``, per key, across processes."""

    def __init__(
        self,
        redis: Redis,
        rate: float,
        burst: int = 1,
        *,
        prefix: str = "ratelimit:",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.rate = rate
        self.burst = burst
        self.prefix = prefix
        self.sleep = sleep
        self.clock = clock
        self._take = redis.register_script(_TAKE)

    def acquire(self, key: str) -> float:
        """Take a token, sleeping as long as the bucket says; returns the seconds waited."""
        waited = 0.0
        while True:
            wait = float(
                self._take(keys=[self.prefix + key], args=[self.rate, self.burst, self.clock()])
            )
            if wait <= 0:
                return waited
            self.sleep(wait)
            waited += wait
