"""Each sandbox holds several seller shops; the seller picks one on the consent page, and
the demo data gives each cooperative its own (a platform shop has one holder at a time).

The sandboxes are served over real HTTP and reached by our connectors, as in
tests/connectors/; the consent page is read and submitted as a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask

from marketplace.catalog.models import Cooperative
from marketplace.extensions import db
from marketplace.sandbox.common import ADMIN_ENVIRON_KEY
from marketplace.sandbox.tiktok.core import DEMO_SHOP as TIKTOK_DEMO
from tests.conftest import make_app
from tests.connectors.harness import ConsentForm
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import served_sandbox
from tests.databases import fresh_database
from tests.databases import redis_url_for

PLATFORMS = ["lazada", "shopee", "tiktok"]
DEMO_SHOP = {
    "shopee": "Shop HTX Chè Mộc Châu Xanh",
    "lazada": "Lazada HTX Cà phê Arabica Chiềng Mung",
    "tiktok": "TikTok Shop HTX Xoài tròn Yên Châu",
}
DEMO_TIKTOK_CIPHER = TIKTOK_DEMO["cipher"]
pytestmark = pytest.mark.worker  # the sandboxes keep their own state


@pytest.fixture(scope="module", params=PLATFORMS, ids=PLATFORMS)
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    with served_sandbox(name, tmp_path_factory.mktemp(f"shops-{name}")) as env:
        yield env


def shops(env: PlatformEnv) -> list[dict[str, str]]:
    answer = requests.get(f"{env.base_url}/_sandbox/shops", timeout=10)
    answer.raise_for_status()
    return list(answer.json()["shops"])


def consent_page(env: PlatformEnv) -> tuple[str, ConsentForm, str, list[tuple[str, str]]]:
    """The consent page: (its URL, its form, the shop select's name, its (value, label)s)."""
    url = env.connector().authorize_url("http://127.0.0.1/callback", "state-1")
    page = requests.get(url, timeout=10)
    page.raise_for_status()
    form = ConsentForm()
    form.feed(page.text)
    select = re.search(r'<select id="\w+" name="(\w+)">(.*?)</select>', page.text, re.S)
    assert select is not None, "the consent page offers no shop to choose"
    options = re.findall(r'<option value="([^"]+)">([^<]*)</option>', select.group(2))
    return url, form, select.group(1), options


def authorize(env: PlatformEnv, url: str, form: ConsentForm, extra: dict[str, str]) -> Any:
    return requests.post(
        urljoin(url, form.action),
        data={**form.fields, form.buttons["authorize"]: "authorize", **extra},
        allow_redirects=False,
        timeout=10,
    )


class TestSellerShops:
    def test_the_demo_shop_comes_first_and_more_can_be_opened_once_by_name(
        self, env: PlatformEnv
    ) -> None:
        assert shops(env)[0]["name"] == DEMO_SHOP[env.name]
        opened = env.control("shops", {"name": "  Gian hàng   HTX Mận Nà Ka "})
        assert opened["name"] == "Gian hàng HTX Mận Nà Ka"
        assert env.control("shops", {"name": "Gian hàng HTX Mận Nà Ka"}) == opened
        assert [s for s in shops(env) if s["name"] == opened["name"]] == [opened]

    @pytest.mark.parametrize("name", ["", "   ", "x" * 121], ids=["empty", "blank", "long"])
    def test_a_bad_name_is_refused_and_opens_nothing(self, env: PlatformEnv, name: str) -> None:
        before = shops(env)
        answer = requests.post(f"{env.base_url}/_sandbox/shops", json={"name": name}, timeout=10)
        assert answer.status_code == 400
        assert answer.json()["message"] == "a name of 1 to 120 characters"
        assert shops(env) == before

    def test_the_seller_picks_a_shop_and_the_tokens_are_that_shop_s(self, env: PlatformEnv) -> None:
        opened = env.control("shops", {"name": "Gian hàng HTX Ong mật Mai Sơn"})
        url, form, field, options = consent_page(env)
        assert next(label for value, label in options if value == opened["id"]).startswith(
            opened["name"]
        )
        answer = authorize(env, url, form, {field: opened["id"]})
        assert answer.status_code == 302
        params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
        tokens = env.connector().exchange_code(params.pop("code"), params)
        assert tokens.shop_name == opened["name"]
        if env.name == "tiktok":  # our connector keeps the shop's cipher, its API's shop id
            assert tokens.shop_id not in ("", DEMO_TIKTOK_CIPHER)
        else:
            assert tokens.shop_id == opened["id"]

    def test_the_storefront_shows_the_shop_asked_for(self, env: PlatformEnv) -> None:
        opened = env.control("shops", {"name": "Gian hàng HTX Cam Yên Châu"})
        url, form, field, _ = consent_page(env)
        answer = authorize(env, url, form, {field: opened["id"]})
        params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
        tokens = env.connector().exchange_code(params.pop("code"), params)

        def storefront(shop: str | None) -> requests.Response:
            query = {} if shop is None else {"shop": shop}
            return requests.get(f"{env.base_url}/storefront", params=query, timeout=10)

        # By the id our app keeps for the shop (TikTok's cipher), as the /shops link asks.
        own = storefront(tokens.shop_id)
        assert own.status_code == 200
        assert opened["name"] in own.text
        assert DEMO_SHOP[env.name] not in own.text
        assert DEMO_SHOP[env.name] in storefront(None).text
        unknown = storefront("999")
        assert unknown.status_code == 404
        assert opened["name"] not in unknown.text

    def test_a_shop_the_seller_does_not_have_is_refused_and_issues_no_code(
        self, env: PlatformEnv
    ) -> None:
        url, form, field, _ = consent_page(env)
        refused = authorize(env, url, form, {field: "999"})
        assert refused.status_code == 400
        assert "Location" not in refused.headers
        # Each platform's own words (TikTok answers its consent errors with a bare 400).
        said = {"lazada": "Gian hàng này không phải của bạn.", "shopee": "shop_id", "tiktok": ""}
        assert said[env.name] in refused.text
        # The consent itself is still good: the seller may pick again.
        assert authorize(env, url, form, {field: shops(env)[0]["id"]}).status_code == 302


@pytest.fixture
def mounted(tmp_path: Path, redis_base_url: str) -> Flask:
    """The main app with the sandboxes mounted, as ``make run`` serves it."""
    return make_app(
        fresh_database(tmp_path, "demoshops"),
        redis_url_for(redis_base_url, 2),
        tmp_path,
        SANDBOX_ENABLED=True,
        SANDBOX_STATE_DIR=str(tmp_path / "sandbox"),
    )


def test_seed_demo_gives_each_cooperative_its_own_shop_on_every_sandbox(mounted: Flask) -> None:
    runner = mounted.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["seed-demo"])  # a second run opens no second shop
    assert again.exit_code == 0, again.output
    with mounted.app_context():
        names = [c.name for c in db.session.scalars(db.select(Cooperative))]
        db.session.remove()
    assert len(names) > 3
    for path, sandbox in mounted.extensions["sandboxes"].items():
        listed = sandbox.test_client().get(
            "/_sandbox/shops", environ_overrides={ADMIN_ENVIRON_KEY: True}
        )
        held = [s["name"] for s in listed.get_json()["shops"]]
        for name in names:
            assert [s for s in held if s.endswith(f" {name}")] != [], (path, name)
        assert len(held) == len(set(held)) == len(names), path
        assert held[0] == DEMO_SHOP[path.rsplit("/", 1)[-1]]
