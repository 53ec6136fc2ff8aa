"""The one package that touches RQ.

* ``declare``: ``@job(...)`` and ``@periodic(...)`` beside the function they declare;
  the registry that the scheduler and ``requeue_stalled`` read.
* ``queue``: queue names, enqueue after commit, what RQ still knows of a job.
* ``progress``: a running job's record (``tracked``), heartbeat and progress bar.
* ``liveness``: whether a queued or running job is dead (``is_dead``).
* ``models``: ``JobRecord``; ``views``: ``/jobs/<id>``.
"""

from __future__ import annotations

from flask import Flask

from marketplace.jobs.declare import JOBS
from marketplace.jobs.declare import SCHEDULE
from marketplace.jobs.declare import Job
from marketplace.jobs.declare import discover
from marketplace.jobs.declare import job
from marketplace.jobs.declare import periodic
from marketplace.jobs.declare import register_schedule
from marketplace.jobs.declare import requeue_stalled
from marketplace.jobs.liveness import is_dead
from marketplace.jobs.models import CANCELED
from marketplace.jobs.models import FAILED
from marketplace.jobs.models import FINISHED
from marketplace.jobs.models import QUEUED
from marketplace.jobs.models import STARTED
from marketplace.jobs.models import TERMINAL
from marketplace.jobs.models import JobRecord
from marketplace.jobs.progress import JobStopped
from marketplace.jobs.progress import LeaseLost
from marketplace.jobs.progress import check_lease
from marketplace.jobs.progress import report_progress
from marketplace.jobs.progress import tracked
from marketplace.jobs.queue import DEFAULT
from marketplace.jobs.queue import MEDIA
from marketplace.jobs.queue import N_
from marketplace.jobs.queue import QUEUES
from marketplace.jobs.queue import SALES
from marketplace.jobs.queue import SYNC
from marketplace.jobs.queue import abandon
from marketplace.jobs.queue import gave_up
from marketplace.jobs.views import cancel
from marketplace.jobs.views import job_state


def init_app(app: Flask) -> None:
    """Register every declared job and put the periodic ones on the cron's schedule."""
    from marketplace.extensions import rq

    discover()
    register_schedule(rq)


__all__ = [
    "CANCELED",
    "DEFAULT",
    "FAILED",
    "FINISHED",
    "JOBS",
    "MEDIA",
    "N_",
    "QUEUED",
    "QUEUES",
    "SALES",
    "SCHEDULE",
    "STARTED",
    "SYNC",
    "TERMINAL",
    "Job",
    "JobRecord",
    "JobStopped",
    "LeaseLost",
    "abandon",
    "cancel",
    "check_lease",
    "gave_up",
    "init_app",
    "is_dead",
    "job",
    "job_state",
    "periodic",
    "report_progress",
    "requeue_stalled",
    "tracked",
]
