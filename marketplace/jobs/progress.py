"""A running job's side: its record marked started then ended, always, and its progress."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from redis.exceptions import ConnectionError as RedisConnectionError
from rq import get_current_job

from marketplace.common.lease import Lease
from marketplace.extensions import db
from marketplace.jobs.liveness import heartbeat
from marketplace.jobs.models import FAILED
from marketplace.jobs.models import FINISHED
from marketplace.jobs.models import QUEUED
from marketplace.jobs.models import STARTED
from marketplace.jobs.models import JobRecord
from marketplace.jobs.queue import N_

log = logging.getLogger(__name__)


def report_progress(done: int, total: int, message: str = "") -> int:
    """Publish progress of the running RQ job in ``job.meta``; returns the percentage."""
    percent = 100 if total <= 0 else min(100, done * 100 // total)
    job = get_current_job()
    if job is not None:
        job.meta.update(progress=percent, message=message)
        job.save_meta()
    return percent


class JobStopped(Exception):  # noqa: N818 - a stop on purpose, not an error
    """Raised by a job body that ends early on purpose; ``message`` (an ``N_`` msgid) says why.

    What the job committed before stays; the record ends failed with that message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LeaseLost(JobStopped):
    """The job's heartbeat lapsed (Redis lost it, or was away too long): another run may
    have started, so this one stops at its next safe point and asks to run again."""


_heartbeat: ContextVar[Lease | None] = ContextVar("job_heartbeat", default=None)


def check_lease() -> None:
    """Call at a job's safe points (before it writes what it fetched).

    :raises LeaseLost: the heartbeat lapsed; nothing after this point may be committed.
    """
    lease = _heartbeat.get()
    if lease is not None and lease.lost:
        raise LeaseLost(N_("The job lost contact with Redis and runs again."))


@contextmanager
def tracked(job_id: str) -> Iterator[JobRecord]:
    """Run a job body with its record marked started, then finished or failed, always,
    while holding the job's heartbeat (``liveness``) so a dead run is known as dead.

    A ``JobStopped`` from the body is not re-raised: the job ends normally for RQ. On
    ``LeaseLost`` the record goes back to queued: ``requeue_stalled`` runs it again.
    """
    record = db.session.get(JobRecord, job_id)
    if record is None:
        raise LookupError(f"no job record {job_id!r}")
    lease = heartbeat(job_id)
    # A run whose horse was killed leaves its heartbeat until it lapses: wait that long
    # for it. Still held after that, another delivery of this very job is alive.
    if not lease.acquire(wait=lease.seconds):
        raise RuntimeError(f"job {job_id!r} is already running")
    token = _heartbeat.set(lease)
    try:
        record.status = STARTED
        db.session.commit()
        yield from _body(job_id, record)
    finally:
        _heartbeat.reset(token)
        lease.release()


def _body(job_id: str, record: JobRecord) -> Iterator[JobRecord]:
    try:
        yield record
    except LeaseLost as exc:
        db.session.rollback()
        _finish(job_id, QUEUED, exc.message)
        log.warning("job %r lost its heartbeat; it runs again", job_id)
    except RedisConnectionError:
        # Redis went away under the job (a restart): not the job's fault, so it runs again
        # once Redis is back (requeue_stalled), instead of ending failed.
        db.session.rollback()
        _finish(job_id, QUEUED, N_("The job lost contact with Redis and runs again."))
        log.warning("job %r lost Redis; it runs again", job_id, exc_info=True)
    except JobStopped as exc:
        db.session.rollback()
        _finish(job_id, FAILED, exc.message)
        log.warning("job %r stopped: %s", job_id, exc.message)
    except Exception:
        db.session.rollback()
        _finish(
            job_id,
            FAILED,
            N_("The job failed. Try again; if it fails again, tell an admin."),
        )
        log.exception("job %r failed", job_id)
        raise
    else:
        lease = _heartbeat.get()
        if lease is not None and lease.lost:  # the body's work is uncommitted: drop it
            db.session.rollback()
            _finish(job_id, QUEUED, N_("The job lost contact with Redis and runs again."))
            return
        db.session.commit()
        _finish(job_id, FINISHED, record.message)


def _finish(job_id: str, status: str, message: str) -> None:
    record = db.session.get(JobRecord, job_id)
    if record is None:
        return
    record.status = status
    record.message = message
    if status == FINISHED:
        record.progress = 100
    db.session.commit()
    log.info("job %r %s", job_id, status)
