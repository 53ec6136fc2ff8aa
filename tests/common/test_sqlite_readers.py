"""SQLite transactions take the write lock only when they write (``common/sqlite.py``).

Another connection holds the write lock (a sync's step, say) while the code under test
reads, reads then writes, or writes. Readers must go on at once; writers wait for the
lock and then write, never "database is locked". SQLite only: PostgreSQL has no such
lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.common import sqlite
from marketplace.extensions import db
from tests import factories
from tests.conftest import make_app
from tests.databases import fresh_database
from tests.databases import redis_url_for

# Long enough for a loaded machine, far shorter than the busy timeout (30 s) a reader
# queued behind the lock would wait on main.
PROMPT = 5.0

pytestmark = pytest.mark.worker  # commits: another connection must see the data


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    url = fresh_database(tmp_path, "readers")
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's write lock only")
    engine = sa.create_engine(url)
    sqlite.configure(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.exec_driver_sql("INSERT INTO t (id, n) VALUES (1, 0)")
    yield engine
    engine.dispose()


@contextmanager
def write_lock(path: str) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock for the length of the block."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def in_thread(work: Any) -> tuple[threading.Event, list[Any], threading.Thread]:
    """Run ``work`` in a thread; the event is set when it ended (value or exception)."""
    done, out = threading.Event(), []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:  # handed to the test to assert on
            out.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return done, out, thread


class TestTransactions:
    def test_a_read_transaction_goes_on_while_another_holds_the_write_lock(
        self, engine: sa.Engine
    ) -> None:
        def read() -> Any:
            with engine.connect() as conn, conn.begin():
                return conn.exec_driver_sql("SELECT n FROM t").one()

        with write_lock(str(engine.url.database)):
            done, out, thread = in_thread(read)
            assert done.wait(PROMPT), "the reader queued for the write lock"
        thread.join()
        assert out == [(0,)]

    def test_read_then_write_reads_at_once_then_waits_for_the_lock_and_writes(
        self, engine: sa.Engine
    ) -> None:
        has_read = threading.Event()

        def read_then_write() -> int:
            with engine.begin() as conn:
                n = conn.exec_driver_sql("SELECT n FROM t").scalar_one()
                has_read.set()
                conn.exec_driver_sql("UPDATE t SET n = n + 1 WHERE id = 1")
                return int(n)

        with write_lock(str(engine.url.database)) as holder:
            done, out, thread = in_thread(read_then_write)
            assert has_read.wait(PROMPT), "the read queued for the write lock"
            assert not done.is_set()  # its write waits for the holder, it does not fail
            holder.execute("UPDATE t SET n = 10 WHERE id = 1")
            holder.execute("COMMIT")
            holder.execute("BEGIN")  # the block's end rolls back this empty one
            assert done.wait(PROMPT)
        thread.join()
        assert out == [0], out  # read before the holder's commit
        with engine.connect() as conn:  # written after it, on the latest data
            assert conn.exec_driver_sql("SELECT n FROM t").scalar_one() == 11

    def test_two_writers_that_read_first_serialize_without_locked_errors(
        self, engine: sa.Engine
    ) -> None:
        """Both read, then both write: deferred transactions upgrading in place would
        fail one with "database is locked" at once; restarted ones take turns."""
        both_read = threading.Barrier(2, timeout=PROMPT)

        def add_one() -> None:
            with engine.begin() as conn:
                conn.exec_driver_sql("SELECT n FROM t").scalar_one()
                both_read.wait()
                conn.exec_driver_sql("UPDATE t SET n = n + 1 WHERE id = 1")

        runs = [in_thread(add_one) for _ in range(2)]
        for done, out, thread in runs:
            assert done.wait(PROMPT)
            thread.join()
            assert out == [None], out
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM t").scalar_one() == 2

    def test_a_savepoint_survives_the_restart(self, engine: sa.Engine) -> None:
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SELECT n FROM t").one()
            with conn.begin_nested():
                conn.exec_driver_sql("UPDATE t SET n = 5 WHERE id = 1")
            nested = conn.begin_nested()
            conn.exec_driver_sql("UPDATE t SET n = 6 WHERE id = 1")
            nested.rollback()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT n FROM t").scalar_one() == 5


@pytest.fixture
def page_app(tmp_path: Path, redis_base_url: str) -> Flask:
    url = fresh_database(tmp_path, "pages")
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's write lock only")
    return make_app(url, redis_url_for(redis_base_url, 1), tmp_path)


def test_a_logged_in_page_is_served_while_a_sync_holds_the_write_lock(page_app: Flask) -> None:
    with page_app.app_context():
        factories.bind(db.session)
        manager = factories.member(factories.CooperativeFactory(), role="manager")
        factories.ProductFactory(cooperative=manager.memberships[0].cooperative, name="Chè")
        db.session.commit()
        email, path = manager.email, db.engine.url.database
        db.session.remove()
        db.engine.dispose()
    client = page_app.test_client()
    login = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert login.status_code == 302

    with write_lock(str(path)):
        done, out, thread = in_thread(lambda: client.get("/products/"))
        assert done.wait(PROMPT), "GET /products queued for the write lock"
    thread.join()
    assert out[0].status_code == 200
    assert "Chè" in out[0].get_data(as_text=True)
    with page_app.app_context():
        assert db.session.scalar(select(Product.name)) == "Chè"
