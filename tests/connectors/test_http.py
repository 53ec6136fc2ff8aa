"""The shared HTTP layer: retries with backoff, typed errors, redaction, the Redis token bucket."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
import redis
import requests
from flask import Flask

from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Rejected
from marketplace.connectors.errors import Retryable
from marketplace.connectors.http import HttpClient
from marketplace.connectors.http import RetryPolicy
from marketplace.connectors.http import redact
from marketplace.connectors.ratelimit import RedisTokenBucket
from tests.connectors.harness import serve

pytestmark = pytest.mark.worker  # no test database needed


def flaky_app(script: list[tuple[int, str]], seen: list[str]) -> Any:
    """A WSGI app answering from ``script`` in order, recording each query string."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ.get("QUERY_STRING", ""))
        status, body = script[min(len(seen) - 1, len(script) - 1)]
        headers = [("Content-Type", "application/json")]
        if status == 429:
            headers.append(("Retry-After", "2"))
        start_response(f"{status} X", headers)
        return [body.encode()]

    return app


def parse(response: requests.Response) -> dict[str, Any]:
    doc = response.json()
    if doc.get("error"):
        raise Rejected(doc["error"], field="name")
    return dict(doc)


class TestRetries:
    def test_5xx_then_success_is_retried_with_a_fresh_request(self) -> None:
        seen: list[str] = []
        sleeps: list[float] = []
        script = [(503, "{}"), (502, "{}"), (200, '{"ok": 1}')]
        with serve(flaky_app(script, seen)) as url:
            client = HttpClient("t:1", sleep=sleeps.append, retry=RetryPolicy(4, 0.5, 5))
            counter = iter(range(10))
            result = client.call(
                lambda: requests.Request("GET", url, params={"timestamp": str(next(counter))}),
                parse,
            )
        assert result == {"ok": 1}
        assert seen == ["timestamp=0", "timestamp=1", "timestamp=2"]  # rebuilt, so re-signed
        assert len(sleeps) == 2
        assert all(0 <= s <= 0.5 * 2**n for n, s in enumerate(sleeps))
        assert client.calls == 3

    def test_429_waits_at_least_retry_after(self) -> None:
        seen: list[str] = []
        sleeps: list[float] = []
        with serve(flaky_app([(429, "{}"), (200, '{"ok": 1}')], seen)) as url:
            client = HttpClient("t:2", sleep=sleeps.append)
            assert client.call(lambda: requests.Request("GET", url), parse) == {"ok": 1}
        assert sleeps[0] >= 2.0

    def test_a_very_long_retry_after_is_not_slept(self) -> None:
        seen: list[str] = []
        sleeps: list[float] = []

        def banned(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            seen.append("x")
            start_response("429 X", [("Retry-After", "86400")])
            return [b"{}"]

        with serve(banned) as url:
            client = HttpClient("t:7", sleep=sleeps.append)
            with pytest.raises(RateLimited):
                client.call(lambda: requests.Request("GET", url), parse)
        assert (len(seen), sleeps) == (1, [])

    def test_gives_up_after_the_last_attempt(self) -> None:
        seen: list[str] = []
        with serve(flaky_app([(500, "{}")], seen)) as url:
            client = HttpClient("t:3", sleep=lambda s: None, retry=RetryPolicy(attempts=3))
            with pytest.raises(Retryable, match="HTTP 500"):
                client.call(lambda: requests.Request("GET", url), parse)
        assert len(seen) == 3

    def test_rejection_is_not_retried(self) -> None:
        seen: list[str] = []
        with serve(flaky_app([(200, '{"error": "name too long"}')], seen)) as url:
            client = HttpClient("t:4", sleep=lambda s: None)
            with pytest.raises(Rejected) as caught:
                client.call(lambda: requests.Request("GET", url), parse)
        assert caught.value.field == "name"
        assert len(seen) == 1

    def test_timeout_is_retryable(self) -> None:
        def slow(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            time.sleep(0.5)
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b"{}"]

        with serve(slow) as url:
            client = HttpClient(
                "t:5", timeout=(1, 0.1), sleep=lambda s: None, retry=RetryPolicy(attempts=2)
            )
            with pytest.raises(Retryable, match="network error"):
                client.call(lambda: requests.Request("GET", url), parse)


class TestRedaction:
    @pytest.mark.parametrize(
        ("url", "secret"),
        [
            ("https://x/api?access_token=abc123&shop_id=1", "abc123"),
            ("https://x/api?sign=DEADBEEF&timestamp=1", "DEADBEEF"),
            ("https://x/token?app_secret=s3cr3t&code=c0de", "s3cr3t"),
            ("https://x/token?refresh_token=r3fr3sh", "r3fr3sh"),
        ],
        ids=["access-token", "sign", "secret-and-code", "refresh-token"],
    )
    def test_secrets_are_masked(self, url: str, secret: str) -> None:
        assert secret not in redact(url)
        assert "***" in redact(url)

    def test_nothing_secret_reaches_the_log(self, caplog: pytest.LogCaptureFixture) -> None:
        seen: list[str] = []
        with serve(flaky_app([(200, "{}")], seen)) as url, caplog.at_level(logging.INFO):
            HttpClient("t:6").call(
                lambda: requests.Request(
                    "GET",
                    url,
                    params={"access_token": "TOKEN-XYZ", "sign": "SIGN-XYZ", "page": "2"},
                    headers={"x-tts-access-token": "HEADER-XYZ"},
                ),
                parse,
            )
        # Only our own log: the test server's access log is the "platform's", not ours.
        ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("marketplace"))
        assert "page=2" in ours
        for secret in ("TOKEN-XYZ", "SIGN-XYZ", "HEADER-XYZ"):
            assert secret not in ours


class TestTokenBucket:
    def test_many_workers_together_stay_under_the_rate(self, app: Flask) -> None:
        connection = redis.Redis.from_url(app.config["REDIS_URL"])
        key = f"bucket-test-{time.time()}"
        stamps: list[float] = []
        lock = threading.Lock()

        def worker() -> None:
            bucket = RedisTokenBucket(connection, rate=20, burst=2)  # one per "process"
            for _ in range(5):
                bucket.acquire(key)
                with lock:
                    stamps.append(time.monotonic())

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = max(stamps) - min(stamps)
        # 20 requests at 20/s with a burst of 2 need at least (20 - 2) / 20 s.
        assert len(stamps) == 20
        assert elapsed >= 0.85

    def test_waits_are_reported(self, app: Flask) -> None:
        connection = redis.Redis.from_url(app.config["REDIS_URL"])
        times = iter([1000.0, 1000.0, 1000.1])
        slept: list[float] = []
        bucket = RedisTokenBucket(
            connection,
            rate=10,
            burst=1,
            sleep=slept.append,
            clock=lambda: next(times),
            prefix=f"test-{time.time()}:",
        )
        assert bucket.acquire("shop") == 0.0
        waited = bucket.acquire("shop")
        assert slept == [pytest.approx(0.1)]
        assert waited == pytest.approx(0.1)
