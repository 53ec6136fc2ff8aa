"""Whether a job the database calls queued or running is still alive.

The record is our word for what was asked; RQ's copy and the running job's heartbeat
(a lease in Redis, renewed by the job while it lives) are the evidence that something
will still end it. A job with neither is dead: Redis lost it, it failed before it could
mark its record, or its worker died. A dead job is replaced or run again, never reused.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus

from marketplace.common.lease import Lease
from marketplace.common.lease import held
from marketplace.common.models import utcnow
from marketplace.extensions import rq
from marketplace.jobs.models import QUEUED
from marketplace.jobs.models import STARTED
from marketplace.jobs.models import JobRecord

# RQ states after which RQ will never run the job (again) by itself.
_RQ_ENDED = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


def fetch_rq_job(job_id: str) -> RQJob | None:
    """RQ's copy of the job, if Redis still has it."""
    try:
        return RQJob.fetch(job_id, connection=rq.get_queue().connection)
    except NoSuchJobError:
        return None


def heartbeat_key(job_id: str) -> str:
    return f"lock:job-heartbeat:{job_id}"


def heartbeat(job_id: str) -> Lease:
    """The lease a running job holds: it lapses ``JOB_HEARTBEAT_SECONDS`` after its worker died."""
    seconds = float(current_app.config["JOB_HEARTBEAT_SECONDS"])
    return Lease(rq.get_queue().connection, heartbeat_key(job_id), seconds)


def is_dead(record: JobRecord, now: datetime | None = None) -> bool:
    """Queued or running, yet nothing will run or end it any more.

    A record younger than ``JOB_GRACE_SECONDS`` is never dead: its push to RQ happens
    just after the commit that wrote it, and a job takes its heartbeat as it starts.
    """
    if record.status not in (QUEUED, STARTED):
        return False
    if record.status == STARTED and _rq_ended(record.id):
        # RQ saw the work horse die (or the job end) while our record still says running:
        # nothing will end it. Its rerun waits for the dead run's heartbeat (``tracked``).
        return True
    grace = timedelta(seconds=float(current_app.config["JOB_GRACE_SECONDS"]))
    if (now or utcnow()) - record.updated_at < grace:
        return False
    if record.status == STARTED:
        # Whatever RQ says: a worker killed with its job leaves RQ's copy "started".
        return not held(rq.get_queue().connection, heartbeat_key(record.id))
    job = fetch_rq_job(record.id)
    return job is None or job.get_status() in _RQ_ENDED


def _rq_ended(job_id: str) -> bool:
    job = fetch_rq_job(job_id)
    return job is not None and job.get_status() in _RQ_ENDED
