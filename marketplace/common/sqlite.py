"""SQLite settings that make it behave like a real transactional database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure(engine: Engine) -> None:
    """Foreign keys on, WAL for web + worker processes, real BEGIN so SAVEPOINT works.

    pysqlite opens transactions lazily and never for SAVEPOINT; SQLAlchemy's
    documented recipe is to turn that off and emit BEGIN ourselves. We emit
    BEGIN IMMEDIATE: a deferred transaction that read first and writes later fails
    at once ("database is locked", no waiting) when another process wrote in
    between, which web and worker do all the time; taking the write lock up front
    makes SQLite wait its busy timeout instead. PostgreSQL is the production choice.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
