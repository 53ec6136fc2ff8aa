"""The database half of a backup: a consistent copy taken while the app writes, put back.

SQLite: ``sqlite3.Connection.backup()`` copies the live file in one step, inside one read
transaction: in WAL mode writers go on meanwhile and the copy is the database as of that
transaction's start. PostgreSQL: ``pg_dump --format=custom`` (one snapshot) and
``pg_restore``. The connection settings reach both only through ``PG*`` environment
variables, never on a command line that ``ps`` shows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.engine import Engine

from marketplace.backup.archive import BackupError

SQLITE_FILE = "marketplace.sqlite3"
PG_FILE = "marketplace.pgdump"
ALEMBIC_TABLE = "alembic_version"
# libpq reads these from the environment; the URL's query may carry the ones after host.
_PG_QUERY_ENV = {
    "host": "PGHOST",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def file_name(database: str) -> str:
    return SQLITE_FILE if database == "sqlite" else PG_FILE


def sqlite_path(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"Cannot back up the SQLite database {name!r}: not a plain file.")
    return Path(name)


def dump(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the live database to ``target`` (mode 0600)."""
    if kind(engine) == "sqlite":
        source_path = sqlite_path(engine)
        if not source_path.is_file():
            raise BackupError(f"The database {source_path} does not exist.")
        target.touch(mode=0o600)
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(target)
        try:
            # pages=-1: every page in one step, so no writer can make it start over.
            source.backup(copy, pages=-1)
        finally:
            copy.close()
            source.close()
        return
    _pg_run(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        engine.url,
    )
    target.chmod(0o600)


def load(engine: Engine, source: Path, replace: bool) -> None:
    """Put the copy at ``source`` into the (empty, unless ``replace``) database."""
    engine.dispose()  # no pooled connection keeps a view of the old file or schema
    if kind(engine) == "sqlite":
        target_path = sqlite_path(engine)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(source)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            copy.backup(target, pages=-1)
        finally:
            target.close()
            copy.close()
        target_path.chmod(0o600)
    else:
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        with engine.connect() as conn:
            has_schema = bool(sa.inspect(conn).get_table_names())
        engine.dispose()
        if replace or has_schema:  # empty tables of a `db upgrade`, or --force: drop first
            options += ["--clean", "--if-exists"]
        options.append(f"--dbname={engine.url.database}")  # a name, nothing secret
        _pg_run("pg_restore", [*options, str(source)], engine.url)
    engine.dispose()


def _pg_run(program: str, arguments: list[str], url: URL) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client of the server's "
            f"version (Debian: apt-get install postgresql-client)."
        )
    env = {**os.environ, **pg_environment(url)}
    result = subprocess.run(  # noqa: S603 - fixed program, arguments without secrets
        [executable, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")


def pg_environment(url: URL) -> dict[str, str]:
    """libpq's ``PG*`` variables for the URL: host, port, user, password, database."""
    env = {
        "PGHOST": url.host or "",
        "PGPORT": str(url.port or ""),
        "PGUSER": url.username or "",
        "PGPASSWORD": url.password or "",
        "PGDATABASE": url.database or "",
    }
    for key, name in _PG_QUERY_ENV.items():
        value = url.query.get(key)
        if value:
            env[name] = value if isinstance(value, str) else value[0]
    return {name: value for name, value in env.items() if value}


def revision(engine: Engine) -> str | None:
    """The alembic revision the database is at (None: no schema yet)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(ALEMBIC_TABLE):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_revision(path: Path) -> str | None:
    """The alembic revision recorded in a SQLite file (the snapshot, not the live file)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def non_empty_tables(engine: Engine) -> list[str]:
    """Tables holding rows: none when the database is empty (a schema alone is empty)."""
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        found = []
        for name in names:
            quoted = conn.dialect.identifier_preparer.quote(name)
            if conn.execute(sa.text(f"SELECT 1 FROM {quoted} LIMIT 1")).first():  # noqa: S608
                found.append(name)
    engine.dispose()
    return found
