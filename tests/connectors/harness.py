"""Shared test harness for connectors: sandboxes served over real HTTP on loopback.

Each platform provides ``tests/connectors/env_<name>.py`` with
``build_env(tmp_path: Path) -> PlatformEnv``; the contract suite
(``test_contract.py``) runs every capability against every registered connector.
"""

from __future__ import annotations

import importlib
import io
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests
from PIL import Image
from werkzeug.serving import make_server

from marketplace.connectors.base import Connector
from marketplace.connectors.http import HttpClient
from marketplace.connectors.http import RetryPolicy
from marketplace.connectors.types import AppConfig
from marketplace.connectors.types import TokenSet


class ConsentForm(HTMLParser):
    """A consent page's form as a browser sees it: its action, fields and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        elif tag == "input" and values.get("name"):
            self.fields[values["name"]] = values.get("value", "")
        elif tag == "button" and values.get("name"):
            self.buttons[values.get("value", "")] = values["name"]


def jpeg(side: int = 600, colour: tuple[int, int, int] = (40, 120, 60)) -> bytes:
    """A plain square JPEG photo, the size the platforms' image rules accept."""
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@contextmanager
def serve(wsgi_app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port for the duration; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@dataclass
class PlatformEnv:
    """One platform's connector wired to its running sandbox, with the sandbox's controls."""

    name: str
    base_url: str  # where the sandbox is served
    app: AppConfig
    connector_cls: type[Connector]
    # Drive the consent page over HTTP as a seller would and return the callback's
    # query parameters (code, shop id…); the contract suite then calls exchange_code.
    consent: Callable[[str], dict[str, str]]
    # Create ``count`` buyer orders for the listed SKUs, spread over ``days`` days back,
    # some cancelled and returned, with settlements; returns nothing (pull them back).
    simulate_orders: Callable[[list[str], int, int], None]
    sleeps: list[float] = field(default_factory=list)

    def http(self, retry: RetryPolicy | None = None) -> HttpClient:
        """An HttpClient that records instead of sleeping, so retry tests are fast."""
        return HttpClient(
            f"{self.name}:test",
            retry=retry or RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05),
            sleep=self.sleeps.append,
        )

    def connector(self, tokens: TokenSet | None = None) -> Connector:
        return self.connector_cls(self.app, self.http(), tokens)

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST to the sandbox's /_sandbox/<path> control endpoint."""
        response = requests.post(f"{self.base_url}/_sandbox/{path}", json=body or {}, timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def authorize(self) -> TokenSet:
        """Consent as the seller, then exchange the code: a connected shop's tokens."""
        connector = self.connector()
        url = connector.authorize_url("http://127.0.0.1/callback", "state-123")
        params = self.consent(url)
        assert params.pop("state", "state-123") == "state-123"
        return connector.exchange_code(params.pop("code"), params)


@contextmanager
def served_sandbox(name: str, state_dir: Path) -> Iterator[PlatformEnv]:
    """The platform's sandbox served on loopback, its state kept in ``state_dir``, and the
    test env (connector, control calls) pointed at it."""
    sandbox = importlib.import_module(f"marketplace.sandbox.{name}")
    with serve(sandbox.create_app(str(state_dir / f"{name}.db"))) as url:
        yield importlib.import_module(f"tests.connectors.env_{name}").build_env(url)
