"""The sandboxes' standing rate limit, answered as each platform answers it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from marketplace.connectors.base import Connector
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.http import HttpClient
from marketplace.connectors.http import RetryPolicy
from marketplace.connectors.ratelimit import RedisTokenBucket
from marketplace.connectors.types import TokenSet
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import served_sandbox
from tests.databases import redis_url_for

PLATFORMS = ["lazada", "shopee", "tiktok"]
# How each platform says it (lazada.md §5: code ApiCallLimit with HTTP 200; shopee.md §4.3
# and tiktok.md §4: HTTP 429, which the HTTP layer turns into RateLimited before parsing).
SAID = {"lazada": "ApiCallLimit", "shopee": "HTTP 429", "tiktok": "HTTP 429"}
pytestmark = pytest.mark.worker  # the sandboxes keep their own state; no test database needed


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS)
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    with served_sandbox(name, tmp_path_factory.mktemp(f"limit-{name}")) as env:
        yield env


@pytest.fixture
def tokens(env: PlatformEnv) -> TokenSet:
    """Authorized before the limit is set: the token calls count against it too."""
    tokens = env.authorize()
    env.control("faults", {"requests_per_second": 3})
    return tokens


def _client(env: PlatformEnv, limiter: RedisTokenBucket | None = None) -> HttpClient:
    # One attempt: a refusal surfaces instead of being waited out.
    return HttpClient(f"{env.name}:limit", limiter, retry=RetryPolicy(attempts=1))


class TestStandingRateLimit:
    def test_a_client_over_the_limit_gets_the_platforms_answer(
        self, env: PlatformEnv, tokens: TokenSet
    ) -> None:
        connector = env.connector_cls(env.app, _client(env), tokens)
        with pytest.raises(RateLimited) as caught:
            _ask_categories(connector, 15)  # 3 a second with 3 in hand: 15 take 4 s at least
        assert (caught.value.code or caught.value.message) == SAID[env.name]
        assert caught.value.retry_after >= 1

    def test_a_client_keeping_below_the_limit_is_never_refused(
        self, env: PlatformEnv, tokens: TokenSet, redis_base_url: str
    ) -> None:
        connection = redis.Redis.from_url(redis_url_for(redis_base_url, 1))
        limiter = RedisTokenBucket(connection, rate=2, burst=2, prefix=f"test-limit:{env.name}:")
        connector = env.connector_cls(env.app, _client(env, limiter), tokens)
        _ask_categories(connector, 6)  # raises RateLimited if refused once


def _ask_categories(connector: Connector, times: int) -> None:
    for _ in range(times):
        assert connector.categories()
