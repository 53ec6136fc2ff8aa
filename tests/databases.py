"""Per-test-process databases and Redis: SQLite files or PostgreSQL databases, Redis db numbers."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import sqlalchemy as sa


def worker_index() -> int:
    """0 for the main process or gw0, 1 for gw1…"""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name.removeprefix("gw") or 0)


def fresh_database(tmp_dir: Path, label: str) -> str:
    """An empty database for this test process: a new SQLite file, or a new PostgreSQL database."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        path = tmp_dir / f"{label}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = sa.make_url(base)
    name = f"{url.database or 'marketplace_test'}_{label}_{worker_index()}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def redis_url_for(base: str, offset: int) -> str:
    """The same server, another logical database, so parallel test processes never share queues."""
    parts = urlsplit(base)
    db = 2 + worker_index() * 3 + offset
    if parts.scheme == "unix":
        return f"unix://{parts.path}?db={db}"
    return urlunsplit(parts._replace(path=f"/{db}"))
