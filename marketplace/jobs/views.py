"""``GET/DELETE /jobs/<id>`` for the progress bar, and the file a finished job made."""

from __future__ import annotations

import logging
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
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation
from rq.job import JobStatus

from marketplace.extensions import db
from marketplace.jobs.liveness import fetch_rq_job
from marketplace.jobs.models import CANCELED
from marketplace.jobs.models import FAILED
from marketplace.jobs.models import FINISHED
from marketplace.jobs.models import STARTED
from marketplace.jobs.models import TERMINAL
from marketplace.jobs.models import JobRecord
from marketplace.jobs.queue import N_

log = logging.getLogger(__name__)
bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def job_state(record: JobRecord) -> dict[str, Any]:
    """A stable JSON shape for a job, live progress from RQ overlaid on our record."""
    status, progress, message = record.status, record.progress, record.message
    if status not in TERMINAL:
        job = fetch_rq_job(record.id)
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
    job = fetch_rq_job(record.id)
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


def _visible_record(job_id: str) -> JobRecord:
    record = db.session.get(JobRecord, job_id)
    user: Any = current_user
    if record is None:
        abort(404)
    # A cooperative's job is its members' (now, not when it was started): someone moved to
    # another cooperative no longer reaches what they started here.
    if record.cooperative_id is not None:
        allowed = user.is_admin or user.membership_for(record.cooperative_id) is not None
    else:
        allowed = user.is_admin or record.user_id == user.id
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
