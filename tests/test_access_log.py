"""The web server's access log, as ``make run`` and production configure it, keeps no secrets."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import requests

from tests import processes
from tests.listings.sync.resilience import wait_for
from workers.run import commands

pytestmark = pytest.mark.worker
SECRETS = "code=OAUTH-CODE-1&access_token=TOKEN-2&sign=SIGN-3&app_secret=SECRET-4"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_paths_are_logged_without_query_strings_or_referrers(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | processes.instance_env(tmp_path)
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    log_path = tmp_path / "web.log"
    with processes.running(commands("127.0.0.1", str(port))["web"], env, log_path) as web:
        url = f"http://127.0.0.1:{port}/healthz"

        def answered() -> bool:
            assert web.poll() is None, log_path.read_text()[-2000:]
            try:  # a busy machine may take long to start the server or answer
                requests.get(
                    f"{url}?{SECRETS}", headers={"Referer": f"http://x/cb?{SECRETS}"}, timeout=30
                )
            except requests.RequestException:
                return False
            return True

        wait_for("the web server to answer", answered, timeout=180, every=0.2)
        wait_for("the access log line", lambda: "/healthz" in log_path.read_text(), timeout=10)
    log = log_path.read_text()
    assert '"GET /healthz HTTP/1.1"' in log
    for secret in ("OAUTH-CODE-1", "TOKEN-2", "SIGN-3", "SECRET-4"):
        assert secret not in log
