"""The Shopee connector wired to its sandbox, for the contract suite and test_shopee.py.

The sandbox registers a fixed demo partner app on first start (``DEMO_PARTNER_ID`` /
``DEMO_PARTNER_KEY``); ``POST /_sandbox/apps`` can register others.
"""

from __future__ import annotations

from urllib.parse import parse_qsl
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests

from marketplace.connectors.shopee import ShopeeConnector
from marketplace.connectors.types import AppConfig
from marketplace.sandbox.shopee import DEMO_PARTNER_ID
from marketplace.sandbox.shopee import DEMO_PARTNER_KEY
from tests.connectors.harness import ConsentForm
from tests.connectors.harness import PlatformEnv


def consent_form(authorize_url: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """GET the consent page: (absolute form action, hidden fields, {button value: name})."""
    page = requests.get(authorize_url, timeout=10)
    page.raise_for_status()
    form = ConsentForm()
    form.feed(page.text)
    return urljoin(authorize_url, form.action), form.fields, form.buttons


def consent(authorize_url: str, decision: str = "authorize") -> dict[str, str]:
    """Click the button as a browser would; return the redirect's query parameters."""
    action, fields, buttons = consent_form(authorize_url)
    answer = requests.post(
        action, data={**fields, buttons[decision]: decision}, allow_redirects=False, timeout=10
    )
    if answer.status_code not in (301, 302, 303, 307):
        raise AssertionError(f"no redirect from the consent page: HTTP {answer.status_code}")
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))


def sandbox_now(base_url: str) -> float:
    """The sandbox's clock (moved by /_sandbox/clock), so signatures match its window."""
    answer = requests.post(f"{base_url}/_sandbox/clock", json={"advance": 0}, timeout=10)
    answer.raise_for_status()
    return float(answer.json()["now"])


def build_env(base_url: str) -> PlatformEnv:
    class SandboxShopeeConnector(ShopeeConnector):
        """Signs with the sandbox's clock, which tests move forward."""

        def now(self) -> float:
            return sandbox_now(base_url)

    def simulate_orders(skus: list[str], count: int, days: int) -> None:
        answer = requests.post(
            f"{base_url}/_sandbox/buyers",
            json={"skus": skus, "count": count, "days": days},
            timeout=30,
        )
        answer.raise_for_status()

    return PlatformEnv(
        name="shopee",
        base_url=base_url,
        app=AppConfig(
            base_url=base_url,
            app_key=str(DEMO_PARTNER_ID),
            app_secret=DEMO_PARTNER_KEY,
            auth_base_url=base_url,
        ),
        connector_cls=SandboxShopeeConnector,
        consent=consent,
        simulate_orders=simulate_orders,
    )
