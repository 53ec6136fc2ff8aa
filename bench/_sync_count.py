"""Counting what the connectors send: every request by platform and path, and every
answer that said "slow down". Measured by wrapping the one HTTP layer, never mocked."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests

from marketplace.connectors.errors import RateLimited
from marketplace.connectors.http import HttpClient
from marketplace.connectors.ratelimit import RedisTokenBucket

_IDS = re.compile(r"/\d{7,}(?=/|$)")  # /products/123/prices/update → /products/{id}/prices/update


class Calls:
    """Requests sent (by platform and path), rate-limit refusals, and where the time went:
    waiting for a token of the shared rate limiter, or waiting for the answer."""

    def __init__(self) -> None:
        self.sent: Counter[tuple[str, str]] = Counter()
        self.refused: Counter[str] = Counter()
        self.limiter_seconds = 0.0
        self.http_seconds = 0.0  # request sent → answer received (the sandbox's share)

    def total(self, platform: str | None = None) -> int:
        return sum(n for (p, _), n in self.sent.items() if platform in (None, p))

    def by_path(self, platform: str) -> dict[str, int]:
        return {path: n for (p, path), n in sorted(self.sent.items()) if p == platform}

    def clear(self) -> None:
        self.sent.clear()
        self.refused.clear()
        self.limiter_seconds = self.http_seconds = 0.0

    @contextmanager
    def installed(self) -> Iterator[Calls]:
        """Wrap HttpClient._send (each request), HttpClient.call (each parsed answer) and
        the limiter's acquire (each wait for a token)."""
        send, call, acquire = HttpClient._send, HttpClient.call, RedisTokenBucket.acquire
        counter = self

        def timed_acquire(bucket: RedisTokenBucket, key: str) -> float:
            started = time.perf_counter()
            try:
                return acquire(bucket, key)
            finally:
                counter.limiter_seconds += time.perf_counter() - started

        def counting_send(client: HttpClient, request: requests.Request) -> requests.Response:
            platform = client.limiter_key.split(":", 1)[0]
            path = _IDS.sub("/{id}", urlsplit(request.url).path)
            counter.sent[(platform, f"{request.method} {path}")] += 1
            started, waited = time.perf_counter(), counter.limiter_seconds
            try:
                return send(client, request)
            except RateLimited:  # HTTP 429
                counter.refused[platform] += 1
                raise
            finally:
                spent = time.perf_counter() - started
                counter.http_seconds += spent - (counter.limiter_seconds - waited)

        def counting_call(
            client: HttpClient, build: Callable[[], requests.Request], parse: Callable[..., Any]
        ) -> Any:
            def parse_counted(response: requests.Response) -> Any:
                try:
                    return parse(response)
                except RateLimited:  # a rate-limit envelope (Lazada answers it with HTTP 200)
                    counter.refused[client.limiter_key.split(":", 1)[0]] += 1
                    raise

            return call(client, build, parse_counted)

        HttpClient._send = counting_send  # type: ignore[method-assign]
        HttpClient.call = counting_call  # type: ignore[method-assign]
        RedisTokenBucket.acquire = timed_acquire  # type: ignore[method-assign]
        try:
            yield self
        finally:
            HttpClient._send = send  # type: ignore[method-assign]
            HttpClient.call = call  # type: ignore[method-assign]
            RedisTokenBucket.acquire = acquire  # type: ignore[method-assign]
