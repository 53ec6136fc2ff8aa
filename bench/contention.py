"""A manager's pages and saves while a big sync runs, on the embedded default (not a test).

Issue 10: with ``make run``, syncing 200 new products to three sandbox shops froze the
manager's app for minutes ("database is locked", 60 s timeouts), because the sync held
SQLite's write lock across platform calls and every page's transaction queued for it.

This runs what ``make run`` runs, in a temporary instance folder: SQLite, the embedded
Redis, the web app under gunicorn (``--workers 2 --threads 4``) with the sandboxes mounted
at ``/sandbox/<platform>/``, the two RQ workers and the scheduler. A cooperative gets
``--products`` active products (three variants, an own photo and a shared label photo,
rendered by the real pipeline) and one draft product the manager keeps editing; its
manager connects a Shopee, a Lazada and a TikTok Shop sandbox shop through the consent
pages and the category is mapped. The manager's page (GET /products/) is timed while
idle, then the three syncs are queued (3 × products creates) and, until all three end,
the manager loads the list, opens the draft's form and saves it, over and over. Every
response of 500 or more and every "database is locked" in the processes' logs counts as
a locked error. The sandboxes run with their demo settings (10 requests a second).

    .venv/bin/python bench/contention.py [--products 200] [--idle 40]

Last line: ``contention: page p95 … ms during sync (idle … ms), save p95 … ms, locked
errors …``. Target (issue 10): page and save p95 ≤ 300 ms during the sync, 0 errors.
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import closing
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The sandboxes' consent helpers and the process helpers live with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _sync_setup as setup
import flask_migrate
import requests
from _contention_manager import TIMEOUT
from _contention_manager import csrf
from _contention_manager import log_in
from _contention_manager import save_draft
from _contention_manager import timed
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace import jobs
from marketplace.auth.models import Membership
from marketplace.auth.models import MembershipRole
from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.catalog import services as catalog
from marketplace.config import Config
from marketplace.embedded import embedded_redis_url
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import tasks
from marketplace.sandbox.mount import register_demo_apps
from marketplace.shops.models import Shop
from tests import processes
from tests.connected import map_first_leaf
from tests.connectors import env_lazada
from tests.connectors import env_shopee
from tests.connectors import env_tiktok

EMAIL, PASSWORD = "manager@bench.vn", "bench-pass-1234"
CONSENT = {
    "lazada": env_lazada.consent,
    "shopee": env_shopee.consent,
    "tiktok": env_tiktok.consent_via,
}
# Once per failed transaction: SQLAlchemy's wrapper of the driver's error, in any log.
LOCKED = "(sqlite3.OperationalError) database is locked"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(folder: Path, base_url: str, products: int) -> tuple[Flask, int]:
    """Schema, catalogue, manager and the sandboxes' app registrations; the draft's id."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'marketplace.db'}",
        "REDIS_URL": embedded_redis_url(str(folder / "redis.db")),
        "SANDBOX_ENABLED": True,
        "SERVER_BASE_URL": base_url,
        # 2 photos a product, more than a cooperative may upload in an hour by hand.
        "PHOTO_UPLOADS_PER_HOUR": 10 * products + 100,
    }
    app = create_app(type("BenchConfig", (Config,), settings), instance_path=str(folder))
    with app.app_context():
        flask_migrate.upgrade()
        cooperative, category = setup.catalogue(products)
        manager = User(email=EMAIL, name="Quản lý", role=Role.MEMBER, locale="vi")
        manager.set_password(PASSWORD)
        manager.memberships.append(Membership(cooperative=cooperative, role=MembershipRole.MANAGER))
        db.session.add(manager)
        draft = setup._product_input(products, category.id)
        draft.fields["status"] = "draft"
        draft_id = catalog.create_product(cooperative, draft, None).id
        register_demo_apps(base_url)
        db.session.commit()
        db.session.remove()
    return app, draft_id


@contextmanager
def make_run(folder: Path, app: Flask, port: int) -> Iterator[dict[str, Path]]:
    """Web, workers and scheduler as ``workers/run.py`` starts them; their log files."""
    env = os.environ | processes.instance_env(folder)
    env |= {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "SANDBOX": "1",
        "SERVER_BASE_URL": app.config["SERVER_BASE_URL"],
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    commands = {
        "web": [
            *(sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"),
            *("--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5"),
            *("--config", str(processes.ROOT / "gunicorn.conf.py"), "--access-logfile", "-"),
            "wsgi:app",
        ],
        "worker": [*flask, "rq", "worker", jobs.SALES, jobs.DEFAULT, jobs.MEDIA],
        "sync-worker": [*flask, "rq", "worker", jobs.SYNC],
        "cron": [*flask, "rq", "cron"],
    }
    logs = {name: folder / f"{name}.log" for name in commands}
    with ExitStack() as stack:
        for name, args in commands.items():
            stack.enter_context(processes.running(args, env, logs[name]))
        yield logs


def wait_until(what: str, ready: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.2)


def _up(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def connect_shops(app: Flask, manager: requests.Session, base_url: str) -> list[int]:
    """Each platform's shop connected through its consent page, the category mapped."""
    for platform, consent in CONSENT.items():
        token = csrf(manager.get(f"{base_url}/products/", timeout=30))
        answer = manager.post(
            f"{base_url}/shops/connect/{platform}",
            data={"csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:500]
        params = consent(answer.headers["Location"])
        back = manager.get(f"{base_url}/shops/callback/{platform}", params=params, timeout=60)
        assert back.ok, back.text[:500]
    with app.app_context():
        shops = list(db.session.scalars(select(Shop).order_by(Shop.id)))
        assert len(shops) == len(CONSENT), "a shop did not connect"
        category_id = setup.ready_products(shops[0].cooperative_id)[0].category_id
        for shop in shops:
            map_first_leaf(shop, category_id)
        db.session.commit()
        ids = [shop.id for shop in shops]
        db.session.remove()
    return ids


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


def syncs_running(app: Flask, shop_ids: list[int]) -> bool:
    """Read with a plain read-only SQLite connection, outside the app: the bench watches
    the sync without taking part in the contention it measures."""
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    ids = [tasks.sync_shop.job_id(shop_id=shop_id) for shop_id in shop_ids]
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)) as watch:
        rows = watch.execute("SELECT id, status FROM job_records").fetchall()
    return any(status not in jobs.TERMINAL for job_id, status in rows if job_id in ids)


def start_syncs(app: Flask, shop_ids: list[int]) -> None:
    with app.app_context():
        for shop_id in shop_ids:
            tasks.enqueue_sync(db.session.get_one(Shop, shop_id), None)
        db.session.commit()
        db.session.remove()


def browse(
    app: Flask,
    manager: requests.Session,
    base_url: str,
    draft_id: int,
    shop_ids: list[int],
    timeout: float,
) -> tuple[list[float], list[float], int, int]:
    """The manager's loop while the syncs run: page ms, save ms, and how many requests
    failed (500 or more) and timed out."""
    pages: list[float] = []
    saves: list[float] = []
    failed, timed_out, deadline = 0, 0, time.monotonic() + timeout
    while syncs_running(app, shop_ids):
        if time.monotonic() > deadline:
            raise SystemExit(f"the syncs did not end within {timeout:.0f} s")
        ms, status = timed(lambda: manager.get(f"{base_url}/products/", timeout=TIMEOUT))
        pages.append(ms)
        failed, timed_out = failed + (status >= 500), timed_out + (status == 504)
        ms, status = save_draft(manager, base_url, draft_id, len(saves))
        saves.append(ms)
        failed, timed_out = failed + (status >= 500), timed_out + (status == 504)
        time.sleep(0.25)  # a person reads the page before the next click
    return pages, saves, failed, timed_out


def listed(app: Flask) -> int:
    """Listings the syncs left live on the shops."""
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(Listing).where(Listing.status == ListingStatus.LIVE)
        )
        db.session.remove()
    return int(count or 0)


def locked_lines(logs: dict[str, Path]) -> int:
    return sum(path.read_text(errors="replace").count(LOCKED) for path in logs.values())


@dataclass
class Figures:
    idle: list[float]
    pages: list[float]
    saves: list[float]
    failed: int  # the manager's requests answered 500 or more, or timed out
    locked: int  # "database is locked" in any process's log, plus timed-out requests
    took: float
    live: int


def measure(folder: Path, products: int, idle_loads: int) -> Figures:
    """Build, start what ``make run`` starts, connect the shops, then time the manager."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app, draft_id = build(folder, base_url, products)
    try:
        with make_run(folder, app, port) as logs:
            wait_until("the web server", lambda: _up(base_url), 60)
            manager = log_in(base_url, EMAIL, PASSWORD)
            shop_ids = connect_shops(app, manager, base_url)
            page = f"{base_url}/products/"
            idle = [timed(lambda: manager.get(page, timeout=60))[0] for _ in range(idle_loads)]
            started = time.monotonic()
            start_syncs(app, shop_ids)
            pages, saves, failed, timed_out = browse(
                app, manager, base_url, draft_id, shop_ids, timeout=600 + 10 * products
            )
            took, live = time.monotonic() - started, listed(app)
        # A request that timed out left no error in a log (gunicorn may kill it later).
        return Figures(idle, pages, saves, failed, locked_lines(logs) + timed_out, took, live)
    finally:
        setup.stop_redis(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--idle", type=int, default=40, help="page loads timed before the sync")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-contention-") as tmp:
        f = measure(Path(tmp), args.products, args.idle)
    print(
        f"sync of {3 * args.products} creates ({f.live} listings live) took {f.took:.0f} s; "
        f"during it {len(f.pages)} page loads and {len(f.saves)} saves, {f.failed} failed "
        f"(page max {max(f.pages, default=0):.0f} ms, save max {max(f.saves, default=0):.0f} ms)"
    )
    print(
        f"contention: page p95 {p95(f.pages):.0f} ms during sync (idle {p95(f.idle):.0f} ms), "
        f"save p95 {p95(f.saves):.0f} ms, locked errors {f.locked}"
    )


if __name__ == "__main__":
    main()
