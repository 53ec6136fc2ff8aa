"""A live server on loopback with committed demo data, and headless Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from marketplace.catalog.models import Cooperative
from marketplace.demo import seed_demo
from marketplace.demo_photos import add_demo_photos
from marketplace.extensions import db
from marketplace.sandbox.mount import open_demo_shops
from marketplace.sandbox.mount import register_demo_apps
from tests import processes
from tests.conftest import make_app
from tests.databases import fresh_database
from tests.databases import redis_url_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent.parent
OUTPUT = ROOT / "test-output"
# The app behind each live server by its URL: a test that must add rows the demo lacks
# (sales history) writes them through it.
LIVE_APPS: dict[str, Any] = {}


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Iterator[str]:
    """The app over HTTP on a free loopback port, demo data committed, a real RQ worker running."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("MARKETPLACE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but {missing}")
        pytest.skip(missing)
    instance = tmp_path_factory.mktemp("browser")
    db_url, redis_url = fresh_database(instance, "browser"), redis_url_for(redis_base_url, 2)
    app = make_app(
        db_url,
        redis_url,
        instance,
        SANDBOX_ENABLED=True,
        SANDBOX_STATE_DIR=str(instance / "sandbox"),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["SERVER_BASE_URL"] = base_url
    LIVE_APPS[base_url] = app
    with app.app_context():
        seed_demo()
        add_demo_photos()
        register_demo_apps(base_url)
        # As `make run` seeds them: a sandbox shop per cooperative, each test's manager
        # authorises its own (a platform shop belongs to one cooperative at a time).
        open_demo_shops(list(db.session.scalars(select(Cooperative.name))))
        db.session.commit()
        db.session.remove()
    env = os.environ | processes.instance_env(instance)
    # The worker must decrypt the tokens the web app stored.
    # The demo's app registrations point at the sandboxes: usable only while they are on.
    env |= {"DATABASE_URL": db_url, "REDIS_URL": redis_url, "MARKETPLACE_SANDBOX": "1"}
    env["ENCRYPTION_KEYS"] = app.config["ENCRYPTION_KEYS"]
    # Two workers as `make run` starts them: a long sync never holds up a photo's renditions.
    with (
        processes.running_worker(["sales", "default", "media"], env, instance / "worker.log"),
        processes.running_worker(["sync"], env, instance / "sync-worker.log"),
    ):
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield base_url
        finally:
            server.shutdown()
            thread.join(timeout=5)


@pytest.fixture
def phone(live_server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a 360 px wide Chromium window, like a cheap Android phone."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="vi-VN", base_url=live_server
        )
        page = context.new_page()
        outside: list[str] = []
        page.on(
            "request",
            lambda req: outside.append(req.url) if not req.url.startswith(live_server) else None,
        )
        page.output_dir = OUTPUT / request.node.name  # type: ignore[attr-defined]
        page.output_dir.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
        yield page
        assert outside == [], f"pages loaded something from outside the server: {outside}"
        context.close()
        browser.close()
