"""The one HTTP layer every connector uses.

``HttpClient.call(build, parse)`` sends ``build()`` (rebuilt, so re-signed with a
fresh timestamp, on every attempt), hands the response to the connector's
``parse`` (which raises the typed errors), and retries ``Retryable`` and
``RateLimited`` with exponential backoff and full jitter. Before each attempt it
takes a token from the shared rate limiter, so all workers together respect a
shop's limit. Secrets never reach the log.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import Protocol
from typing import TypeVar

import requests

from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Retryable

log = logging.getLogger(__name__)
T = TypeVar("T")

USER_AGENT = "marketplace-ocop/0.1 (+https://github.com/)"
SECRET_NAMES = re.compile(
    r"(sign|secret|token|code|password|authorization|x-tts-access-token)", re.IGNORECASE
)
_QUERY_SECRET = re.compile(
    r"((?:sign|[a-z_]*secret|[a-z_]*token|code|password)=)[^&\s]+", re.IGNORECASE
)


class Limiter(Protocol):
    def acquire(self, key: str) -> float:
        """Block until a request may go; return the seconds waited."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_wait: float = 60.0  # the longest Retry-After we sleep through; longer fails the call

    def delay(self, attempt: int) -> float:
        """Full jitter: a random wait up to base · 2^attempt, capped."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))  # noqa: S311


def redact(text: str) -> str:
    """Hide signatures, tokens, secrets and codes in a URL or log line."""
    return _QUERY_SECRET.sub(r"\1***", text)


def redact_mapping(values: dict[str, Any]) -> dict[str, Any]:
    """The same mapping with secret-looking keys masked."""
    return {k: ("***" if SECRET_NAMES.search(k) else v) for k, v in values.items()}


def make_session() -> requests.Session:
    """A session with our user agent and no redirects followed silently."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = 3
    return session


class HttpClient:
    """Sends connector requests with timeouts, retries, rate limiting and redacted logs."""

    def __init__(
        self,
        limiter_key: str,
        limiter: Limiter | None = None,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limiter_key = limiter_key
        self.limiter = limiter
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = session or make_session()
        self.sleep = sleep
        self.calls = 0  # requests actually sent, for benchmarks and tests

    def call(
        self,
        build: Callable[[], requests.Request],
        parse: Callable[[requests.Response], T],
    ) -> T:
        """Send, parse, and retry what is worth retrying; raise the last error otherwise."""
        for attempt in range(self.retry.attempts):
            try:
                return parse(self._send(build()))
            except RateLimited as exc:
                # A platform asking for a longer pause than the policy allows is better
                # answered by failing the job (retried later) than by a worker asleep.
                if attempt + 1 >= self.retry.attempts or exc.retry_after > self.retry.max_wait:
                    raise
                wait = max(exc.retry_after, self.retry.delay(attempt))
            except Retryable:
                if attempt + 1 >= self.retry.attempts:
                    raise
                wait = self.retry.delay(attempt)
            log.info("retrying %s in %.2fs (attempt %d)", self.limiter_key, wait, attempt + 2)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, request: requests.Request) -> requests.Response:
        if self.limiter is not None:
            self.limiter.acquire(self.limiter_key)
        prepared = self.session.prepare_request(request)
        started = time.monotonic()
        self.calls += 1
        try:
            response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            log.warning(
                "%s %s failed: %s", prepared.method, redact(prepared.url or ""), type(exc).__name__
            )
            raise Retryable(f"network error: {type(exc).__name__}") from exc
        log.info(
            "%s %s -> %s in %.0f ms",
            prepared.method,
            redact(prepared.url or ""),
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if response.status_code == 429:
            raise RateLimited("HTTP 429", retry_after=_retry_after(response))
        if response.status_code >= 500:
            raise Retryable(f"HTTP {response.status_code}")
        return response


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0
