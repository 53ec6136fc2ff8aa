"""SQLite settings that make it behave like a real transactional database."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine

# Statements that need the write lock. Anything else (SELECT, SAVEPOINT, PRAGMA reads)
# runs in the deferred transaction, which in WAL mode never waits for a writer.
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_WRITING = "sqlite_writing"  # connection.info: this transaction holds the write lock
_SAVEPOINTS = "sqlite_savepoints"  # connection.info: savepoints open, oldest first
# Savepoints are followed by their statements: SQLAlchemy's savepoint event fires before
# it has named the savepoint.
_SAVEPOINT = re.compile(r"^\s*SAVEPOINT\s+(\S+)", re.IGNORECASE)
_SAVEPOINT_END = re.compile(r"^\s*(?:RELEASE|ROLLBACK\s+TO)\s+(?:SAVEPOINT\s+)?(\S+)", re.I)


def configure(engine: Engine) -> None:
    """Foreign keys on, WAL for web + worker processes, real BEGIN so SAVEPOINT works.

    pysqlite opens transactions lazily and never for SAVEPOINT; SQLAlchemy's
    documented recipe is to turn that off and emit BEGIN ourselves. A transaction
    begins deferred, so reading (every page loads the user) never queues for the
    one write lock; it takes the lock at its first write (``_before_write``).
    PostgreSQL is the production choice.
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
    def _on_begin(connection: Connection) -> None:
        connection.info[_WRITING] = False
        connection.info[_SAVEPOINTS] = []
        connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Connection) -> None:
        # Outside a transaction again: a later autocommit statement must not "restart" one.
        connection.info.pop(_WRITING, None)

    event.listen(engine, "before_cursor_execute", _before_write)


def _before_write(
    connection: Connection,
    cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    """Take the write lock before the first write of a transaction that has only read.

    Upgrading a deferred transaction in place is what SQLite does on its own, and it
    fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT, no busy wait) when
    another connection committed since this one's first read: its snapshot is stale,
    so SQLite cannot let it write, and the busy timeout never applies. Two readers
    upgrading together deadlock the same way. So the read-only transaction is ended
    and begun again with BEGIN IMMEDIATE, which waits the busy timeout for the lock
    and then sees the latest commit. That is safe because nothing was written yet:
    only the snapshot of the earlier reads is dropped, which gives the same guarantees
    as PostgreSQL's READ COMMITTED (the production database), and the version column
    still refuses a stale edit. Open savepoints (empty so far) are made again so
    SQLAlchemy can release or roll back to them as it planned.
    """
    info = connection.info
    if _WRITING not in info or info[_WRITING]:
        return  # outside our transactions (autocommit DDL), or holding the lock already
    if not _WRITE.match(statement):
        _follow_savepoints(info.setdefault(_SAVEPOINTS, []), statement)
        return
    raw = cursor.connection
    raw.execute("COMMIT")
    raw.execute("BEGIN IMMEDIATE")
    for name in info.get(_SAVEPOINTS, []):
        raw.execute(f"SAVEPOINT {name}")
    info[_WRITING] = True


def _follow_savepoints(open_: list[str], statement: str) -> None:
    """Keep the list of open savepoints, to make them again after a restart."""
    if started := _SAVEPOINT.match(statement):
        open_.append(started.group(1))
    elif (ended := _SAVEPOINT_END.match(statement)) and ended.group(1) in open_:
        # ROLLBACK TO keeps the savepoint in SQLite, but SQLAlchemy never uses it again.
        del open_[open_.index(ended.group(1)) :]
