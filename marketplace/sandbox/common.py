"""What every platform sandbox shares: durable state, a movable clock, fault injection.

Each sandbox is a small Flask app built by ``make_sandbox_app``; its state lives
in its own SQLite file so it survives restarts. Tests and the admin page steer
it through ``/_sandbox/...`` control endpoints (never exposed by a real platform):

* ``POST /_sandbox/clock {"advance": seconds}`` moves the sandbox's clock;
* ``POST /_sandbox/faults {...}`` sets faults (see ``Faults``), including a standing
  rate limit (``requests_per_second``) answered in the platform's own words;
* ``POST /_sandbox/reset`` forgets everything;
* ``GET /_sandbox/shops`` lists the seller shops the platform holds (the demo shop
  first), ``POST /_sandbox/shops {"name"}`` opens another one (or finds it by name);
  the consent page lets the seller pick the shop to authorize;
* ``POST /_sandbox/tokens {"shop": name}`` issues a token pair for that shop to the demo
  app, as the consent page and the code exchange would (each sandbox's ``auth.py``), and
  answers ``TokenGrant``'s fields: how ``flask seed-demo`` connects the demo shops.

Every sandbox also serves ``GET /storefront`` (storefront.py): its demo shop's listings
as a buyer sees them, spared the faults.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask_babel import Babel

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (collection, key)
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


ADMIN_ENVIRON_KEY = "marketplace.sandbox_admin"


@dataclass(frozen=True)
class DemoApp:
    """How our app is registered in a sandbox, relative to the sandbox's mount point."""

    app_key: str
    app_secret: str
    api_path: str = ""  # appended to the mount URL for API calls (Lazada's /rest)
    requests_per_second: int = 10
    extra: tuple[tuple[str, str], ...] = ()  # platform-specific registration (TikTok service_id)
    # A demo cooperative's shop is named this prefix and the cooperative's name, as the
    # demo shop already is ("Shop HTX Chè Mộc Châu Xanh").
    shop_prefix: str = "Shop"


class Store:
    """A tiny document store on SQLite: collections of JSON documents by key."""

    def __init__(self, path: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        with self._lock:
            self._connection().executescript(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        # One connection per store and process, opened on first use: opening one per
        # statement cost more than the statements. A forked process opens its own.
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            # Durable across a crash of the process, which is all a sandbox needs.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._pid = os.getpid()
        return self._db

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT body FROM docs WHERE collection = ? AND key = ?", (collection, key)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put(self, collection: str, key: str, doc: dict[str, Any]) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO docs (collection, key, body) VALUES (?, ?, ?)",
                (collection, key, json.dumps(doc, ensure_ascii=False)),
            )

    def delete(self, collection: str, key: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM docs WHERE collection = ? AND key = ?", (collection, key))

    def all(self, collection: str) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT body FROM docs WHERE collection = ? ORDER BY rowid", (collection,)
            ).fetchall()
        return [dict(json.loads(row[0])) for row in rows]

    def next_id(self, name: str, start: int = 100_000) -> int:
        """A durable, increasing id per name (item ids, order numbers…)."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + 1",
                (name, start),
            )
            value = db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(value[0])

    def reset(self) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM docs")
            db.execute("DELETE FROM counters")


class Clock:
    """Real time plus an offset kept in the store, so tests can jump ahead (token expiry)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def offset(self) -> float:
        doc = self.store.get("control", "clock")
        return float(doc["offset"]) if doc else 0.0

    def now(self) -> float:
        """Seconds since the epoch, as the platform sees them."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.store.put("control", "clock", {"offset": self.offset + seconds})


@dataclass
class Faults:
    """Trouble on demand. Shares are 0..1; counts are spent one request at a time."""

    error_share: float = 0.0  # answer this share of requests with a 5xx
    latency_ms: int = 0  # add this delay to every request
    timeout_share: float = 0.0  # this share of requests sleeps ``timeout_seconds``
    timeout_seconds: float = 35.0
    rate_limit_next: int = 0  # the next N requests get the platform's rate-limit answer
    # A standing limit, 0 for none: above it a request gets the platform's rate-limit answer.
    # A token bucket holding one second's worth, like our client's (connectors/ratelimit.py),
    # so a client that keeps to a lower rate is never refused.
    requests_per_second: float = 0.0
    lose_response_next_writes: int = 0  # perform the next N writes, then answer 502
    revoked: bool = False  # every token of the shop is treated as revoked

    @classmethod
    def load(cls, store: Store) -> Faults:
        doc = store.get("control", "faults") or {}
        known = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, store: Store) -> None:
        store.put("control", "faults", asdict(self))


class Sandbox:
    """The state, clock and faults of one platform sandbox, reachable from its views."""

    def __init__(self, name: str, state_path: str, seed: int = 2026) -> None:
        self.name = name
        self.store = Store(state_path)
        self.clock = Clock(self.store)
        self.random = random.Random(seed)  # noqa: S311 - simulation, not security
        # The standing limit's bucket lives in memory: a restart forgives, as a platform would.
        self._bucket_lock = threading.Lock()
        self._tokens: float | None = None
        self._tokens_at = 0.0

    @property
    def faults(self) -> Faults:
        return Faults.load(self.store)

    def take_rate_limit(self) -> bool:
        """True if this request must be answered as rate-limited (spends one of
        ``rate_limit_next``, or finds the ``requests_per_second`` bucket empty)."""
        faults = self.faults
        if faults.rate_limit_next <= 0:
            return not self._take_token(faults.requests_per_second)
        faults.rate_limit_next -= 1
        faults.save(self.store)
        return True

    def _take_token(self, rate: float) -> bool:
        """Take a token from a bucket refilled at ``rate`` per second, holding at most
        ``rate``; False when it is empty (the refused request takes nothing)."""
        if rate <= 0:
            return True
        with self._bucket_lock:
            now = time.monotonic()
            tokens = rate if self._tokens is None else self._tokens + (now - self._tokens_at) * rate
            self._tokens, self._tokens_at = min(rate, tokens), now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

    def take_lost_write(self) -> bool:
        """True if this write's response must be lost after the write happened."""
        faults = self.faults
        if faults.lose_response_next_writes <= 0:
            return False
        faults.lose_response_next_writes -= 1
        faults.save(self.store)
        return True

    def disturb(self) -> Response | None:
        """Apply latency, timeouts and 5xx before a request is handled."""
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if faults.timeout_share and self.random.random() < faults.timeout_share:
            time.sleep(faults.timeout_seconds)
        if faults.error_share and self.random.random() < faults.error_share:
            response = jsonify(error="internal", message="sandbox injected 5xx")
            response.status_code = 503
            return response
        return None


@dataclass(frozen=True)
class SellerShop:
    """A seller's shop on the platform, as the control endpoint and consent pages list it."""

    id: str
    name: str


class SellerShops:
    """The platform's own shops, each sandbox stores them in its own shape.
    ``listing`` lists them, demo shop first; ``opening`` opens one with the name."""

    def __init__(
        self, listing: Callable[[], list[SellerShop]], opening: Callable[[str], SellerShop]
    ) -> None:
        self.listing, self.opening = listing, opening

    def find(self, shop_id: str) -> SellerShop | None:
        return next((s for s in self.listing() if s.id == shop_id), None)

    def open(self, name: str) -> SellerShop:
        """The shop of that name, opened if there is none (so a demo seed can run again)."""
        found = next((s for s in self.listing() if s.name == name), None)
        return found or self.opening(name)


SHOP_NAME_MAX = 120


@dataclass(frozen=True)
class TokenGrant:
    """What ``POST /_sandbox/tokens`` answers: a shop's tokens as our app would hold them
    after the consent page and the code exchange, with expiries in Unix seconds."""

    shop_id: str  # the id API calls name the shop by (shop_id, seller_id, shop_cipher)
    shop_name: str
    access_token: str
    refresh_token: str
    access_expires_at: float
    refresh_expires_at: float | None
    extra: dict[str, str]


def shop_named(body: dict[str, Any] | None) -> SellerShop | None:
    """The seller shop a token control's ``{"shop": name}`` names, if the sandbox has it."""
    name = " ".join(str((body or {}).get("shop", "")).split())
    return next((s for s in seller_shops().listing() if s.name == name), None) if name else None


def grant_response(grant: TokenGrant | None) -> Response | tuple[Response, int]:
    if grant is None:
        return jsonify(error="shop", message="no seller shop of that name"), 404
    return jsonify(asdict(grant))


def current_sandbox() -> Sandbox:
    """The Sandbox of the app handling this request."""
    sandbox: Sandbox = current_app.extensions["sandbox"]
    return sandbox


control = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


@control.post("/clock")
def advance_clock() -> Response:
    sandbox = current_sandbox()
    sandbox.clock.advance(float((request.get_json(silent=True) or {}).get("advance", 0)))
    return jsonify(now=sandbox.clock.now())


@control.route("/faults", methods=["GET", "POST"])
def set_faults() -> Response:
    sandbox = current_sandbox()
    if request.method == "POST":
        faults = Faults.load(sandbox.store)
        for key, value in (request.get_json(silent=True) or {}).items():
            if key in Faults.__dataclass_fields__:
                setattr(faults, key, type(getattr(faults, key))(value))
        faults.save(sandbox.store)
    return jsonify(asdict(sandbox.faults))


def seller_shops() -> SellerShops:
    """The seller shops of the sandbox handling this request."""
    shops: SellerShops = current_app.extensions["sandbox_shops"]
    return shops


@control.route("/shops", methods=["GET", "POST"])
def shops() -> Response | tuple[Response, int]:
    """List the seller shops, or open one: ``{"name": ...}``."""
    if request.method == "POST":
        name = " ".join(str((request.get_json(silent=True) or {}).get("name", "")).split())
        if not name or len(name) > SHOP_NAME_MAX:
            return jsonify(error="name", message=f"a name of 1 to {SHOP_NAME_MAX} characters"), 400
        return jsonify(asdict(seller_shops().open(name)))
    return jsonify(shops=[asdict(s) for s in seller_shops().listing()])


@control.post("/reset")
def reset() -> Response:
    current_sandbox().store.reset()
    return jsonify(ok=True)


def make_sandbox_app(name: str, state_path: str) -> Flask:
    """A Flask app with the sandbox's state and control endpoints; add the platform's routes."""
    app = Flask(
        f"marketplace.sandbox.{name}",
        template_folder=str(Path(__file__).resolve().parent.parent.parent / "templates"),
    )
    # The consent pages are seen by cooperative managers: Vietnamese first, like the app.
    Babel(
        app,
        default_locale="vi",
        default_translation_directories=str(
            Path(__file__).resolve().parent.parent / "translations"
        ),
    )
    app.extensions["sandbox"] = Sandbox(name, state_path)
    app.register_blueprint(control)

    @app.before_request
    def _disturb() -> Response | None:
        if request.path.startswith("/_sandbox"):
            # Mounted in the main app, sandboxes are steered from the admin page only:
            # the raw control endpoints would let anyone reset or slow them.
            # The admin page calls in-process and marks the WSGI environ, which no client can.
            trusted = request.environ.get(ADMIN_ENVIRON_KEY, False)
            if not app.config.get("SANDBOX_CONTROL", True) and not trusted:
                return Response(status=404)
            return None
        if request.path.startswith("/storefront"):
            # Our window onto the demo shop, not the platform's API that syncs must
            # cope with: a fault demo should not hide the listings from the manager.
            return None
        return current_sandbox().disturb()

    return app
