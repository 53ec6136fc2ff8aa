"""The TikTok Shop connector wired to its sandbox (marketplace/sandbox/tiktok).

The sandbox registers a demo app on first use (app_key ``6dsandboxapp``, secret
``tts-sandbox-secret-2026``, service_id ``7301000000000000001``); everything (API host,
token host and authorization page) is served by the one sandbox app.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests

from marketplace.connectors.tiktok import TikTokConnector
from marketplace.connectors.types import AppConfig
from tests.connectors.harness import PlatformEnv

APP_KEY = "6dsandboxapp"
APP_SECRET = "tts-sandbox-secret-2026"
SERVICE_ID = "7301000000000000001"

_FORM = re.compile(r'<form[^>]*action="([^"]*)"', re.IGNORECASE)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', re.IGNORECASE)


def consent_via(authorize_url: str, decision: str = "authorize") -> dict[str, str]:
    """Open the consent page, press a button, return the redirect's query (not followed)."""
    session = requests.Session()
    page = session.get(authorize_url, timeout=10)
    page.raise_for_status()
    action = _FORM.search(page.text)
    assert action is not None, "consent page without a form"
    fields = {name: unescape(value) for name, value in _HIDDEN.findall(page.text)}
    fields["decision"] = decision
    answer = session.post(
        urljoin(authorize_url, unescape(action.group(1))),
        data=fields,
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in {302, 303}, answer.text
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))


def build_env(base_url: str) -> PlatformEnv:
    """The env for a sandbox already served at ``base_url``."""

    class SandboxTimedTikTok(TikTokConnector):
        """Signs with the sandbox's (movable) clock, as a real client's clock would move."""

        def now(self) -> float:
            answer = requests.post(f"{base_url}/_sandbox/clock", json={"advance": 0}, timeout=10)
            return float(answer.json()["now"])

    def simulate_orders(skus: list[str], count: int, days: int) -> None:
        env.control("buyers", {"skus": skus, "count": count, "days": days})

    env = PlatformEnv(
        name="tiktok",
        base_url=base_url,
        app=AppConfig(
            base_url=base_url,
            app_key=APP_KEY,
            app_secret=APP_SECRET,
            auth_base_url=base_url,
        ),
        connector_cls=SandboxTimedTikTok,
        consent=consent_via,
        simulate_orders=simulate_orders,
    )
    return env
