"""Configuration: nothing written at import, the instance folder filled in by create_app,
environment variables first, sandboxes only when asked for."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.config import read_or_create
from marketplace.extensions import db
from marketplace.shops.models import PlatformApp
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
# What these tests set themselves: the caller's environment must not decide them.
SETTINGS = ("INSTANCE", "SECRET_KEY", "ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL")
SETTINGS += ("MEDIA_ROOT", "SANDBOX")


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment without any of SETTINGS (bare or MARKETPLACE_), plus these."""
    kept = {k: v for k, v in os.environ.items() if k.removeprefix("MARKETPLACE_") not in SETTINGS}
    return kept | variables


def run_python(code: str, env: dict[str, str]) -> Any:
    """Run ``code`` in a fresh interpreter; the JSON its last output line holds."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def app_env(instance: Path, redis_url: str, **variables: str) -> dict[str, str]:
    """A clean environment for ``create_app()``: this instance folder, a SQLite file in it."""
    return clean_env(
        MARKETPLACE_INSTANCE=str(instance),
        DATABASE_URL=f"sqlite:///{instance / 'marketplace.db'}",
        REDIS_URL=redis_url,
        **variables,
    )


def test_importing_the_config_writes_no_file(tmp_path: Path) -> None:
    found = run_python(
        "import json\n"
        "import marketplace, marketplace.cli, marketplace.common.crypto\n"
        "from marketplace.config import Config\n"
        "print(json.dumps([Config.SECRET_KEY, Config.ENCRYPTION_KEYS]))",
        clean_env(MARKETPLACE_INSTANCE=str(tmp_path)),
    )
    assert list(tmp_path.iterdir()) == []
    assert found == [None, None]  # left for create_app


def unset_app(instance: Path, redis_url: str) -> Flask:
    """An app whose config leaves the keys and the instance paths to create_app."""
    unset = dict.fromkeys(
        ("SECRET_KEY", "ENCRYPTION_KEYS", "SQLALCHEMY_DATABASE_URI", "MEDIA_ROOT", "EXPORT_DIR")
    )
    config = type("UnsetConfig", (TestConfig,), {**unset, "REDIS_URL": redis_url})
    return create_app(config, instance_path=str(instance))


def test_create_app_makes_the_keys_once_in_the_instance_folder(
    tmp_path: Path, redis_base_url: str
) -> None:
    folder = tmp_path / "instance"  # not there yet: create_app makes it
    app = unset_app(folder, redis_base_url)

    secret, keys = folder / "secret_key", folder / "encryption_keys"
    for path in (secret, keys):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert app.config["SECRET_KEY"] == secret.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64
    assert app.config["ENCRYPTION_KEYS"] == keys.read_text().strip()
    Fernet(app.config["ENCRYPTION_KEYS"])  # a usable key

    with app.app_context():
        flask_migrate.upgrade()  # the database and its WAL written
    database = folder / "marketplace.db"
    assert {path.name for path in folder.glob("marketplace.db*")} >= {"marketplace.db"}
    for path in (*folder.glob("marketplace.db*"), secret, keys):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in (folder, folder / "exports", folder / "media"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert database.stat().st_size > 0

    again = unset_app(folder, redis_base_url)
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert again.config["ENCRYPTION_KEYS"] == app.config["ENCRYPTION_KEYS"]

    elsewhere = unset_app(tmp_path / "other", redis_base_url)
    assert elsewhere.config["SECRET_KEY"] != app.config["SECRET_KEY"]
    assert elsewhere.config["ENCRYPTION_KEYS"] != app.config["ENCRYPTION_KEYS"]


def test_paths_come_from_the_instance_folder(tmp_path: Path, redis_base_url: str) -> None:
    app = unset_app(tmp_path, redis_base_url)

    assert app.instance_path == str(tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'marketplace.db'}"
    assert app.config["REDIS_EMBEDDED_DB"] == str(tmp_path / "redis.db")
    assert app.config["EXPORT_DIR"] == str(tmp_path / "exports")
    assert app.config["MEDIA_ROOT"] == str(tmp_path / "media")
    assert app.config["SANDBOX_STATE_DIR"] == str(tmp_path / "sandbox")


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    start = threading.Barrier(8)

    def racer(_: int) -> str:
        start.wait()
        return read_or_create(path, lambda: os.urandom(32).hex())

    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(racer, range(8)))
    assert values == {path.read_text().strip()}


@pytest.mark.parametrize("files_there", [False, True], ids=["no files", "files there"])
def test_environment_variables_win(tmp_path: Path, redis_base_url: str, files_there: bool) -> None:
    secret, keys = tmp_path / "secret_key", tmp_path / "encryption_keys"
    if files_there:
        secret.write_text("the file's secret")
        keys.write_text(Fernet.generate_key().decode())
    configured = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"

    found = run_python(
        "import json\n"
        "from marketplace import create_app\n"
        "app = create_app()\n"
        "print(json.dumps([app.config['SECRET_KEY'], app.config['ENCRYPTION_KEYS']]))",
        app_env(
            tmp_path,
            redis_base_url,
            MARKETPLACE_SECRET_KEY="the environment's secret",
            ENCRYPTION_KEYS=configured,
        ),
    )

    assert found == ["the environment's secret", configured]
    assert secret.exists() == keys.exists() == files_there


@pytest.mark.parametrize(
    ("variables", "mounted"),
    [
        ({}, False),
        ({"SANDBOX": "0"}, False),
        ({"SANDBOX": "1"}, True),
        ({"MARKETPLACE_SANDBOX": "1"}, True),
        # What `make run` does (SANDBOX=1) can still be turned off.
        ({"SANDBOX": "1", "MARKETPLACE_SANDBOX": "0"}, False),
    ],
)
def test_sandboxes_are_mounted_only_when_asked_for(
    tmp_path: Path, redis_base_url: str, variables: dict[str, str], mounted: bool
) -> None:
    found = run_python(
        "import json\n"
        "from marketplace import create_app\n"
        "app = create_app()\n"
        "client = app.test_client()\n"
        "paths = ('/sandbox/shopee/storefront', '/sandbox/lazada/storefront')\n"
        "print(json.dumps([app.config['SANDBOX_ENABLED'], "
        "*(client.get(p).status_code for p in paths)]))",
        app_env(tmp_path, redis_base_url, **variables),
    )

    assert found == ([True, 200, 200] if mounted else [False, 404, 404])


@pytest.mark.parametrize("sandbox", [False, True], ids=["sandboxes off", "sandboxes on"])
def test_seed_demo_registers_sandbox_apps_only_with_sandboxes(
    app: Flask, monkeypatch: pytest.MonkeyPatch, sandbox: bool
) -> None:
    factories.CooperativeFactory()  # an existing database: only the sandbox step runs
    monkeypatch.setitem(app.config, "SANDBOX_ENABLED", sandbox)

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    count = db.session.scalar(
        select(func.count()).select_from(PlatformApp).where(PlatformApp.sandbox.is_(True))
    )
    assert count == (3 if sandbox else 0)
    assert ("Sandbox apps registered" in result.output) == sandbox
