"""The one module that touches RQ: queues, enqueue-after-commit, progress, job records.

A job is announced by :func:`enqueue` inside the caller's transaction: the
``JobRecord`` row is flushed with the rest of the work and the RQ job is pushed
only once that transaction commits, so a worker can never pick up a job whose
data is not visible yet, and a rolled-back request leaves no stray job behind.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import send_file
from flask_babel import gettext
from flask_login import current_user
from flask_login import login_required
from rq import get_current_job
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.job import JobStatus
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.extensions import rq

log = logging.getLogger(__name__)

DEFAULT = "default"
SYNC = "sync"
SALES = "sales"
MEDIA = "media"
QUEUES = (DEFAULT, SYNC, SALES, MEDIA)

QUEUED, STARTED, FINISHED, FAILED, CANCELED = (
    "queued",
    "started",
    "finished",
    "failed",
    "canceled",
)
TERMINAL = frozenset({FINISHED, FAILED, CANCELED})
_PENDING_KEY = "marketplace.pending_jobs"
# RQ kills a job after 180 s unless told otherwise; a shop's first sync of a large
# catalogue at the platform's rate limit takes longer than that.
TIMEOUTS: dict[str, int] = {"shop_sync": 3 * 3600}


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark a message for extraction; it is stored as is and translated when shown."""
    return message


class JobRecord(db.Model):  # type: ignore[name-defined]
    """Our durable copy of a job: who asked, for which cooperative, how far it got."""

    __tablename__ = "job_records"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    queue: Mapped[str] = mapped_column(String(20))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result_file: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return make_repr(self, "id", "kind", "status", "progress")


def enqueue(
    func: Callable[..., Any],
    *args: Any,
    kind: str,
    queue: str = DEFAULT,
    cooperative_id: int | None = None,
    user_id: int | None = None,
    job_id: str | None = None,
) -> JobRecord:
    """Record a job now and push it to RQ after the current transaction commits.

    The job function is called as ``func(job_id, *args)``: every job receives
    its own record id first so it can report and re-check that it is wanted.
    With a deterministic ``job_id`` a job that is still queued or running is
    returned instead of a second one.
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    if job_id is not None:
        existing = db.session.get(JobRecord, job_id)
        if existing is not None and existing.status not in TERMINAL:
            return existing
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
    record = JobRecord(
        id=job_id or uuid.uuid4().hex,
        kind=kind,
        queue=queue,
        cooperative_id=cooperative_id,
        user_id=user_id,
        status=QUEUED,
    )
    db.session.add(record)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append((queue, func, args, record.id, kind))
    log.info("job %r (%r) recorded, enqueued after commit", record.id, kind)
    return record


@event.listens_for(Session, "after_commit")
def _push_pending_jobs(session: Session) -> None:
    # The data is committed already: a Redis failure here must not look like a failed
    # save. The record stays "queued" and ``requeue_stalled`` pushes it again later.
    for queue_name, func, args, job_id, kind in session.info.pop(_PENDING_KEY, []):
        try:
            _push(queue_name, func, job_id, args, kind)
        except Exception:  # any Redis or serialisation error: logged, retried by cron
            log.exception("job %r committed but not enqueued; it will be retried", job_id)


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def _push(queue_name: str, func: Callable[..., Any], job_id: str, args: Any, kind: str) -> None:
    rq.get_queue(queue_name).enqueue(
        func, job_id, *args, job_id=job_id, job_timeout=TIMEOUTS.get(kind)
    )


def gave_up(record: JobRecord) -> bool:
    """Whether RQ will never run or finish this not-yet-ended job any more.

    A work-horse killed under its worker leaves the RQ job failed while our record
    still says started; one started whose RQ job is gone (Redis lost it) is dead too.
    A job whose whole worker died stays "started" in RQ until RQ's own cleanup, long
    after: the job's caller must judge that case itself (the sync has its lease).
    """
    job = _fetch_rq_job(record.id)
    if job is None:
        return record.status == STARTED  # queued and unknown: requeue_stalled pushes it
    return job.get_status() in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


def abandon(record: JobRecord) -> None:
    """Close the record of a job that died without ending it, and drop RQ's copy."""
    job = _fetch_rq_job(record.id)
    if job is not None:
        job.delete()  # also out of RQ's registries, so the id can be queued afresh
    record.status = FAILED
    record.message = N_("The job was interrupted. The next run continues where it stopped.")
    db.session.flush()
    log.warning("job %r was abandoned by its worker", record.id)


def requeue_stalled(older_than_seconds: int = 300) -> int:
    """Cron: push again the jobs recorded as queued that RQ does not know (Redis was down),
    and run again the started ones whose worker died, for the kinds that can be rebuilt."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stalled = db.session.scalars(
        select(JobRecord).where(
            JobRecord.status.in_((QUEUED, STARTED)), JobRecord.updated_at < cutoff
        )
    ).all()
    count = 0
    for record in stalled:
        if record.status == STARTED:
            if not gave_up(record):
                continue
            abandon(record)
        elif _fetch_rq_job(record.id) is not None:
            continue
        if record.kind in REQUEUEABLE:
            _requeue(record)
            count += 1
    db.session.commit()  # a job: it commits its own work
    return count


def _requeue(record: JobRecord) -> None:
    module, name, args = REQUEUEABLE[record.kind](record)
    func = getattr(importlib.import_module(module), name)
    if record.status in TERMINAL:  # abandoned just now: a fresh record, pushed after commit
        enqueue(
            func,
            *args,
            kind=record.kind,
            queue=record.queue,
            cooperative_id=record.cooperative_id,
            user_id=record.user_id,
            job_id=record.id,
        )
    else:
        _push(record.queue, func, record.id, args, record.kind)


# How to rebuild a job's call from its record, for the kinds whose arguments are on it.
REQUEUEABLE: dict[str, Callable[[JobRecord], tuple[str, str, tuple[Any, ...]]]] = {
    "catalog_export": lambda r: (
        "marketplace.catalog.tasks",
        "export_catalog",
        (r.cooperative_id,),
    ),
    # The shop id is in the deterministic id (listings.tasks.sync_job_id).
    "shop_sync": lambda r: (
        "marketplace.listings.sync.tasks",
        "sync_shop",
        (int(r.id.removeprefix("sync-shop-")),),
    ),
}


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


@contextmanager
def tracked(job_id: str) -> Iterator[JobRecord]:
    """Run a job body with its record marked started, then finished or failed, always.

    A ``JobStopped`` from the body is not re-raised: the job ends normally for RQ.
    """
    record = db.session.get(JobRecord, job_id)
    if record is None:
        raise LookupError(f"no job record {job_id!r}")
    record.status = STARTED
    db.session.commit()
    try:
        yield record
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


def _fetch_rq_job(job_id: str) -> Job | None:
    try:
        return Job.fetch(job_id, connection=rq.get_queue(DEFAULT).connection)
    except NoSuchJobError:
        return None


def job_state(record: JobRecord) -> dict[str, Any]:
    """A stable JSON shape for a job, live progress from RQ overlaid on our record."""
    status, progress, message = record.status, record.progress, record.message
    if status not in TERMINAL:
        job = _fetch_rq_job(record.id)
        rq_status = job.get_status(refresh=False) if job is not None else None
        if job is not None and status == STARTED:
            progress = int(job.meta.get("progress", progress))
            message = str(job.meta.get("message", message))
        if rq_status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            status = FAILED if rq_status == JobStatus.FAILED else CANCELED
    return {
        "id": record.id,
        "kind": record.kind,
        "status": status,
        "progress": progress,
        "message": gettext(message) if message else "",
        "download_url": f"/jobs/{record.id}/download" if record.result_file else None,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }


def cancel(record: JobRecord) -> None:
    """Stop a queued or running job; a finished one is left as it is."""
    if record.status in TERMINAL:
        return
    job = _fetch_rq_job(record.id)
    if job is not None:
        if job.get_status() == JobStatus.STARTED:
            try:
                send_stop_job_command(job.connection, job.id)
            except InvalidJobOperation:
                log.info("job %r ended before it could be stopped", record.id)
        else:
            job.cancel()
    record.status = CANCELED
    record.message = N_("Canceled.")
    db.session.flush()


bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _visible_record(job_id: str) -> JobRecord:
    record = db.session.get(JobRecord, job_id)
    user: Any = current_user
    if record is None:
        abort(404)
    allowed = record.user_id == user.id or user.is_admin
    if not allowed and record.cooperative_id is not None:
        allowed = user.membership_for(record.cooperative_id) is not None
    if not allowed:
        abort(404)
    return record


@bp.get("/<job_id>")
@login_required
def show(job_id: str) -> Response:
    """The job's state as JSON, for the progress bar."""
    return jsonify(job_state(_visible_record(job_id)))


@bp.delete("/<job_id>")
@login_required
def delete(job_id: str) -> Response:
    """Cancel the job."""
    record = _visible_record(job_id)
    cancel(record)
    db.session.commit()
    return jsonify(job_state(record))


@bp.get("/<job_id>/download")
@login_required
def download(job_id: str) -> Response:
    """The file a finished job produced."""
    record = _visible_record(job_id)
    if record.status != FINISHED or not record.result_file:
        abort(404)
    path = Path(current_app.config["EXPORT_DIR"]) / record.result_file
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=record.result_file)
