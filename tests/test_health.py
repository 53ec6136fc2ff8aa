from __future__ import annotations

from typing import Any

import pytest

from marketplace.extensions import rq


class TestHealth:
    def test_both_answer(self, client: Any) -> None:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"database": "ok", "redis": "ok", "status": "ok"}

    def test_redis_down_is_503(
        self, client: Any, app: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with app.app_context():
            connection = rq.get_queue("default").connection

        def refuse() -> None:
            raise ConnectionError("refused")

        monkeypatch.setattr(connection, "ping", refuse)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["redis"] == "error"
        assert response.get_json()["database"] == "ok"
