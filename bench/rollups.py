"""The dashboards' queries on a national-scale ledger, against GROUP BY over the raw lines.

Issue 11: officials look at sales by province, cluster of communes and commune over a
month, a quarter and a year. This builds a ledger of ``--lines`` order lines (10 million
on PostgreSQL, 200,000 on SQLite) across 5,000 cooperatives in six provinces of 75
communes each, through a bulk path (``_rollups_data``, ``_rollups_load``: COPY, then the
entries and the daily rollups by set-based SQL, checked against ``ledger.booked ==
ledger.contribution`` on a sample), in a database of its own (PostgreSQL ``mk_bench``,
dropped and made again unless ``--keep`` finds it built; SQLite: a temporary file).

Then it times ``marketplace/reports/queries.py`` — the dashboards' own functions — for a
province, a cluster (10 communes) and a commune over the month, the quarter and the year,
each call ``--repeat`` times (p50, p95), and the same answers by GROUP BY over
order_lines ⨝ orders ⨝ cooperatives in the same run; any answer that differs is printed
and the bench exits 1. Last, the real ingest path: ``services.upsert_order`` (which books
the ledger) for ``--ingest`` new orders on one process, committing each, in lines/s.

    .venv/bin/python bench/rollups.py [--lines N] [--sqlite] [--keep] [--repeat 20]

Last line: ``rollups: p95 … ms (raw … ms, ratio …), ingest … lines/s``. Targets (issue
11): p95 ≤ 50 ms, ratio ≥ 100, ingest ≥ 2,000 lines/s on one worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# The bench's helper modules sit beside it; the app is imported from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _rollups_data as data
import _rollups_load as load
import _rollups_time as timing
import flask_migrate
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.embedded import embedded_redis_url
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.sales.models import OrderLine

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/mk_bench"


def pg_url(keep: bool) -> tuple[str, bool]:
    """``mk_bench`` on the server of ``BENCH_DATABASE_URL`` (or the local one); whether
    it was kept (an existing database is reused only with --keep)."""
    url = sa.make_url(os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).scalar()
        if not (keep and exists):
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
    return url.render_as_string(hide_password=False), bool(keep and exists)


def make_app(database_url: str, folder: Path) -> Flask:
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": embedded_redis_url(str(folder / "redis.db")),
    }
    app = create_app(type("BenchConfig", (TestConfig,), settings), instance_path=str(folder))
    with app.app_context():
        flask_migrate.upgrade()
    return app


def build(lines: int, cooperatives: int) -> data.World:
    """The whole ledger through the bulk path; prints how long each step took."""
    started = time.monotonic()
    world = data.build_dimensions(cooperatives)
    orders = load.load_orders(world, lines)
    loaded = time.monotonic()
    entries, daily = load.make_ledger()
    booked = time.monotonic()
    print(
        f"built {lines:,} lines in {orders:,} orders of {cooperatives:,} cooperatives: "
        f"load {loaded - started:.0f} s, {entries:,} entries and {daily:,} daily rows "
        f"{booked - loaded:.0f} s"
    )
    wrong = load.check_sample()
    if wrong:
        print("\n".join(wrong[:10]))
        raise SystemExit("the bulk ledger differs from what book() gives")
    return world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--lines", type=int, help="10,000,000 (PostgreSQL), 200,000 (SQLite)")
    parser.add_argument("--cooperatives", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="reuse mk_bench if already built")
    parser.add_argument("--repeat", type=int, default=20, help="calls of each dashboard query")
    parser.add_argument("--raw-repeat", type=int, default=3, help="calls of each raw GROUP BY")
    parser.add_argument("--ingest", type=int, default=2_000, help="orders through upsert_order")
    parser.add_argument("--batch", type=int, default=20, help="orders a pull commits at once")
    args = parser.parse_args()
    lines = args.lines or (200_000 if args.sqlite else 10_000_000)
    with tempfile.TemporaryDirectory(prefix="bench-rollups-") as tmp:
        folder = Path(tmp)
        if args.sqlite:
            url, kept = f"sqlite:///{folder / 'bench.db'}", False
        else:
            url, kept = pg_url(args.keep)
        app = make_app(url, folder)
        try:
            with app.app_context():
                world = data.load_world() if kept else build(lines, args.cooperatives)
                total = db.session.scalar(select(func.count()).select_from(OrderLine)) or 0
                result = timing.measure(world, args.repeat, args.raw_repeat)
                rate = timing.ingest(world, args.ingest, args.batch)
                db.session.remove()
        finally:
            with app.app_context():
                rq.get_queue().connection.shutdown(nosave=True)
    print(result.table)
    for problem in result.mismatches[:20]:
        print(f"MISMATCH {problem}")
    print(
        f"{total:,} order lines; ingest: {args.ingest} orders through upsert_order, "
        f"a commit per {args.batch}"
    )
    print(
        f"rollups: p95 {result.p95:.1f} ms (raw {result.raw_p95:.1f} ms, "
        f"ratio {result.raw_p95 / max(result.p95, 0.001):.0f}), ingest {rate:.0f} lines/s"
    )
    if result.mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
