"""The Lazada connector wired to its sandbox, for the contract suite and test_lazada.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests

from marketplace.connectors.lazada import LazadaConnector
from marketplace.connectors.types import AppConfig
from tests.connectors.harness import ConsentForm
from tests.connectors.harness import PlatformEnv

APP_KEY = "700117"
APP_SECRET = "test-app-secret-700117"
CALLBACK = "http://127.0.0.1/callback"


def sandbox_connector(offset: dict[str, float]) -> type[LazadaConnector]:
    """The connector, its timestamps following the sandbox's movable clock.

    The sandbox checks ``timestamp`` against its own clock (±7200 s), so once a test
    moves that clock the connector must sign with the same time: it adds the offset
    that ``LazadaEnv.control("clock", ...)`` keeps.
    """

    class SandboxClockLazada(LazadaConnector):
        def now(self) -> float:
            return time.time() + offset["seconds"]

    return SandboxClockLazada


@dataclass
class LazadaEnv(PlatformEnv):
    """PlatformEnv that keeps the connector's clock in step with the sandbox's."""

    clock_offset: dict[str, float] = field(default_factory=lambda: {"seconds": 0.0})

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = super().control(path, body)
        if path == "clock":
            self.clock_offset["seconds"] = float(answer["now"]) - time.time()
        elif path == "reset":
            self.clock_offset["seconds"] = 0.0
        return answer


def consent(authorize_url: str, decision: str = "authorize") -> dict[str, str]:
    """Open the consent page, press a button, and read the redirect's query."""
    page = requests.get(authorize_url, timeout=10)
    page.raise_for_status()
    form = ConsentForm()
    form.feed(page.text)
    data = dict(form.fields)
    data[form.buttons.get(decision, "decision")] = decision
    answer = requests.post(
        urljoin(authorize_url, form.action), data=data, allow_redirects=False, timeout=10
    )
    assert answer.status_code in (302, 303), answer.text
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))


def build_env(base_url: str) -> PlatformEnv:
    """Register a test app with its callback on the running sandbox and wire the connector."""
    requests.post(
        f"{base_url}/_sandbox/apps",
        json={"app_key": APP_KEY, "app_secret": APP_SECRET, "callback": CALLBACK},
        timeout=10,
    ).raise_for_status()

    def simulate_orders(skus: list[str], count: int, days: int) -> None:
        requests.post(
            f"{base_url}/_sandbox/buyers",
            json={"skus": skus, "count": count, "days": days},
            timeout=30,
        ).raise_for_status()

    offset = {"seconds": 0.0}
    env = LazadaEnv(
        name="lazada",
        base_url=base_url,
        app=AppConfig(
            base_url=f"{base_url}/rest",
            app_key=APP_KEY,
            app_secret=APP_SECRET,
            auth_base_url=base_url,
            redirect_uri=CALLBACK,
        ),
        connector_cls=sandbox_connector(offset),
        consent=consent,
        simulate_orders=simulate_orders,
        clock_offset=offset,
    )
    env.control("clock", {"advance": 0})  # the sandbox may already run ahead
    return env
