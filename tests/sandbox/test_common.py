"""What every sandbox shares: state that survives a restart, a movable clock, faults."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from marketplace.sandbox.common import Faults
from marketplace.sandbox.common import make_sandbox_app

pytestmark = pytest.mark.worker  # no database needed


class TestSandboxCommon:
    def test_state_survives_a_restart(self, tmp_path: Path) -> None:
        state = str(tmp_path / "shopee.db")
        first = make_sandbox_app("shopee", state).extensions["sandbox"]
        first.store.put("items", "1", {"name": "Chè Shan Tuyết"})
        first.clock.advance(3600)
        again = make_sandbox_app("shopee", state).extensions["sandbox"]  # a new process
        assert again.store.get("items", "1") == {"name": "Chè Shan Tuyết"}
        assert again.clock.now() - time.time() == pytest.approx(3600, abs=5)
        assert again.store.next_id("item") < again.store.next_id("item")

    def test_faults_from_the_control_endpoint_are_spent_one_by_one(self, tmp_path: Path) -> None:
        app = make_sandbox_app("lazada", str(tmp_path / "lazada.db"))
        client = app.test_client()
        answer = client.post("/_sandbox/faults", json={"rate_limit_next": 2, "nonsense": 1})
        assert answer.get_json()["rate_limit_next"] == 2
        sandbox = app.extensions["sandbox"]
        assert [sandbox.take_rate_limit() for _ in range(3)] == [True, True, False]
        assert Faults.load(sandbox.store).rate_limit_next == 0

    def test_a_standing_rate_limit_holds_one_seconds_worth(self, tmp_path: Path) -> None:
        app = make_sandbox_app("shopee", str(tmp_path / "shopee.db"))
        client = app.test_client()
        answer = client.post("/_sandbox/faults", json={"requests_per_second": 4})
        assert answer.get_json()["requests_per_second"] == 4
        sandbox = app.extensions["sandbox"]
        started = time.monotonic()
        refused = [sandbox.take_rate_limit() for _ in range(6)]
        if time.monotonic() - started < 0.2:  # else the bucket refilled on a slow machine
            assert refused == [False] * 4 + [True] * 2
        time.sleep(0.3)  # a little over one request's worth comes back
        assert sandbox.take_rate_limit() is False
        client.post("/_sandbox/faults", json={"requests_per_second": 0})
        assert not any(sandbox.take_rate_limit() for _ in range(20))

    def test_error_share_answers_5xx_and_reset_forgets(self, tmp_path: Path) -> None:
        app = make_sandbox_app("tiktok", str(tmp_path / "tiktok.db"))

        @app.get("/ping")
        def ping() -> str:
            return "pong"

        client = app.test_client()
        client.post("/_sandbox/faults", json={"error_share": 1})
        assert client.get("/ping").status_code == 503
        client.post("/_sandbox/reset")
        assert client.get("/ping").status_code == 200
