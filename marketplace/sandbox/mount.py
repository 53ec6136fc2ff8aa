"""Serve every platform sandbox inside the main app under ``/sandbox/<platform>/``.

Off unless ``SANDBOX=1``. ``make run`` turns it on so a cooperative can connect demo
shops and sync to them without any real marketplace account; production never does.
The connectors reach the mounted sandboxes over HTTP at ``SERVER_BASE_URL``, exactly
as they would reach the real platforms.
"""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from sqlalchemy import select
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from marketplace.extensions import db
from marketplace.sandbox.common import ADMIN_ENVIRON_KEY
from marketplace.sandbox.common import SHOP_NAME_MAX
from marketplace.sandbox.common import DemoApp

log = logging.getLogger(__name__)
PLATFORMS = ("shopee", "lazada", "tiktok")


def demo_apps() -> dict[str, DemoApp]:
    """The demo app of every sandbox that is present."""
    apps: dict[str, DemoApp] = {}
    for name in PLATFORMS:
        try:
            module = importlib.import_module(f"marketplace.sandbox.{name}")
        except ModuleNotFoundError:
            continue
        demo = getattr(module, "DEMO_APP", None)
        if isinstance(demo, DemoApp):
            apps[name] = demo
    return apps


def mount(app: Flask) -> None:
    """Wrap the app so ``/sandbox/<name>`` goes to that platform's sandbox."""
    if not app.config.get("SANDBOX_ENABLED"):
        return
    state_dir = Path(app.config["SANDBOX_STATE_DIR"])
    mounted = {}
    for name in demo_apps():
        module = importlib.import_module(f"marketplace.sandbox.{name}")
        sandbox_app = module.create_app(str(state_dir / f"{name}.db"))
        sandbox_app.config["SANDBOX_CONTROL"] = app.config.get("SANDBOX_CONTROL", False)
        mounted[f"/sandbox/{name}"] = sandbox_app
    app.extensions["sandboxes"] = mounted
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, mounted)  # type: ignore[method-assign]
    log.info("sandboxes mounted: %s", ", ".join(sorted(mounted)))


def register_demo_apps(server_base_url: str) -> list[str]:
    """Create the PlatformApp rows that point at the mounted sandboxes (missing ones only)."""
    from marketplace.shops.models import PlatformApp

    created = []
    existing = set(db.session.scalars(select(PlatformApp.platform)))
    for name, demo in demo_apps().items():
        if name in existing:
            continue
        mount_url = f"{server_base_url.rstrip('/')}/sandbox/{name}"
        db.session.add(
            PlatformApp(
                platform=name,
                base_url=mount_url + demo.api_path,
                auth_base_url=mount_url,
                app_key=demo.app_key,
                app_secret=demo.app_secret,
                sandbox=True,
                requests_per_second=demo.requests_per_second,
                extra=json.dumps(dict(demo.extra)),
            )
        )
        created.append(name)
    db.session.flush()
    return created


def open_demo_shops(cooperatives: list[str]) -> dict[str, list[str]]:
    """Give each cooperative its own seller shop in every mounted sandbox, named after it
    (found again by name on a second run): by platform, the shops' names.

    One shop per cooperative because a platform shop belongs to one cooperative at a
    time: with one shared demo shop only the first cooperative could connect."""
    opened: dict[str, list[str]] = {}
    for name, answers in _ask_each_shop("/_sandbox/shops", "name", cooperatives).items():
        opened[name] = [str(answer["name"]) for answer in answers]
    return opened


def issue_demo_tokens(cooperatives: list[str]) -> dict[str, list[dict[str, Any]]]:
    """By platform, a fresh token pair (``common.TokenGrant``'s fields) for each
    cooperative's demo shop (``open_demo_shops`` opened them), in ``cooperatives``' order:
    what the consent page and the code exchange would leave our app holding."""
    return _ask_each_shop("/_sandbox/tokens", "shop", cooperatives)


def _ask_each_shop(path: str, key: str, cooperatives: list[str]) -> dict[str, list[dict[str, Any]]]:
    """POST ``{key: shop name}`` to a control of every mounted sandbox, for each
    cooperative's shop, in-process and marked as the admin's; by platform, the answers."""
    mounted = current_app.extensions.get("sandboxes", {})
    demos = demo_apps()
    answers: dict[str, list[dict[str, Any]]] = {}
    for mount_path, sandbox_app in mounted.items():
        name = mount_path.rsplit("/", 1)[-1]
        client = sandbox_app.test_client()
        answers[name] = []
        for cooperative in cooperatives:
            shop_name = f"{demos[name].shop_prefix} {cooperative}"[:SHOP_NAME_MAX]
            answer = client.post(
                path, json={key: shop_name}, environ_overrides={ADMIN_ENVIRON_KEY: True}
            )
            if answer.status_code != 200:
                raise RuntimeError(f"{name} sandbox refused {path} {shop_name!r}: {answer.text}")
            answers[name].append(dict(answer.get_json()))
    return answers
