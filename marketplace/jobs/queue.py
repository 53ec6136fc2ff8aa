"""Enqueue after commit: the record is flushed with the caller's work, RQ hears of it on COMMIT.

So a worker can never pick up a job whose data is not visible yet, and a rolled-back
request leaves no stray job behind.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from rq.job import JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.jobs.liveness import fetch_rq_job
from marketplace.jobs.liveness import is_dead
from marketplace.jobs.models import FAILED
from marketplace.jobs.models import QUEUED
from marketplace.jobs.models import STARTED
from marketplace.jobs.models import TERMINAL
from marketplace.jobs.models import JobRecord

log = logging.getLogger(__name__)

DEFAULT = "default"
SYNC = "sync"
SALES = "sales"
MEDIA = "media"
QUEUES = (DEFAULT, SYNC, SALES, MEDIA)
_PENDING_KEY = "marketplace.pending_jobs"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark a message for extraction; it is stored as is and translated when shown."""
    return message


def record_and_push(
    func: Callable[..., Any],
    params: dict[str, Any],
    *,
    kind: str,
    queue: str,
    timeout: int | None = None,
    cooperative_id: int | None = None,
    user_id: int | None = None,
    job_id: str | None = None,
) -> JobRecord:
    """Record a job now and push it to RQ after the current transaction commits.

    The job function is called as ``func(job_id, **params)``. With a deterministic
    ``job_id``, a job that is still queued or running is returned instead of a second one;
    a dead one (``is_dead``) is replaced, so one lost job never blocks its later runs.
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    if job_id is not None:
        existing = db.session.get(JobRecord, job_id)
        if existing is not None and existing.status not in TERMINAL and not is_dead(existing):
            return existing
        if existing is not None:
            drop_rq_copy(job_id)
            db.session.delete(existing)
            db.session.flush()
    record = JobRecord(
        id=job_id or uuid.uuid4().hex,
        kind=kind,
        queue=queue,
        cooperative_id=cooperative_id,
        user_id=user_id,
        args=json.dumps(params),
        status=QUEUED,
    )
    db.session.add(record)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append((queue, func, record.id, params, timeout))
    log.info("job %r (%r) recorded, enqueued after commit", record.id, kind)
    return record


@event.listens_for(Session, "after_commit")
def _push_pending_jobs(session: Session) -> None:
    # The data is committed already: a Redis failure here must not look like a failed
    # save. The record stays "queued" and ``requeue_stalled`` pushes it again later.
    for queue, func, job_id, params, timeout in session.info.pop(_PENDING_KEY, []):
        try:
            push(queue, func, job_id, params, timeout)
        except Exception:  # any Redis or serialisation error: logged, retried by cron
            log.exception("job %r committed but not enqueued; it will be retried", job_id)


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def push(
    queue: str,
    func: Callable[..., Any],
    job_id: str,
    params: dict[str, Any],
    timeout: int | None,
) -> None:
    """Hand a recorded job to RQ: ``func(job_id, **params)`` on ``queue``."""
    rq.get_queue(queue).enqueue_call(
        func, args=(job_id,), kwargs=params, job_id=job_id, timeout=timeout
    )


def gave_up(record: JobRecord) -> bool:
    """Whether RQ will never run or finish this not-yet-ended job any more.

    A work-horse killed under its worker leaves the RQ job failed while our record
    still says started; one started whose RQ job is gone (Redis lost it) is dead too.
    A job whose whole worker died stays "started" in RQ until RQ's own cleanup, long
    after: the job's caller must judge that case itself (the sync has its lease).
    """
    job = fetch_rq_job(record.id)
    if job is None:
        return record.status == STARTED  # queued and unknown: requeue_stalled pushes it
    return job.get_status() in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


def drop_rq_copy(job_id: str) -> None:
    """Forget RQ's copy of a job, also in RQ's registries, so the id can be queued afresh."""
    job = fetch_rq_job(job_id)
    if job is not None:
        job.delete()


def push_again(record: JobRecord, func: Callable[..., Any], timeout: int | None) -> None:
    """Run a dead job again under its own record: queued anew, pushed after the commit."""
    drop_rq_copy(record.id)
    record.status, record.updated_at = QUEUED, utcnow()
    record.message = N_("The job was interrupted and runs again.")
    params = json.loads(record.args or "{}")
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(
        (record.queue, func, record.id, params, timeout)
    )
    log.warning("job %r was dead; queued again", record.id)


def abandon(record: JobRecord) -> None:
    """Close the record of a job that died without ending it, and drop RQ's copy."""
    drop_rq_copy(record.id)
    record.status = FAILED
    record.message = N_("The job was interrupted. The next run continues where it stopped.")
    db.session.flush()
    log.warning("job %r was abandoned by its worker", record.id)
