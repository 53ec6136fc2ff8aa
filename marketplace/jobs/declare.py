"""A job is declared once, where it is defined: kind, queue, id, requeue rule, schedule.

``@job(...)`` wraps a job function (``func(job_id, **params)``) so that call sites say
``sync_shop.enqueue(shop_id=…, for_cooperative=…)`` and nothing else; ``@periodic(...)``
puts a plain function on ``flask rq cron``'s schedule. The registry they fill is what
``requeue_stalled`` rebuilds jobs from and what the scheduler reads.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.jobs.liveness import is_dead
from marketplace.jobs.models import QUEUED
from marketplace.jobs.models import STARTED
from marketplace.jobs.models import JobRecord
from marketplace.jobs.queue import DEFAULT
from marketplace.jobs.queue import abandon
from marketplace.jobs.queue import push_again
from marketplace.jobs.queue import record_and_push

log = logging.getLogger(__name__)

JOBS: dict[str, Job] = {}


class Job:
    """A job function with its declaration; calling it runs the function itself."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        kind: str,
        queue: str,
        id: str | None,
        requeue: bool,
        timeout: int | None,
    ) -> None:
        self.func, self.kind, self.queue = func, kind, queue
        self.id_template, self.requeue, self.timeout = id, requeue, timeout
        self.params = list(inspect.signature(func).parameters)[1:]  # after job_id
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __reduce__(self) -> tuple[Callable[[str, str], Job], tuple[str, str]]:
        # RQ pickles a callable object handed to it directly: by reference, as a function is.
        return _declared, (self.func.__module__, self.func.__qualname__)

    def job_id(self, **params: Any) -> str | None:
        """The deterministic id for these arguments, when the declaration gives one."""
        return self.id_template.format(**params) if self.id_template else None

    def enqueue(
        self,
        *args: Any,
        for_cooperative: int | None = None,
        by_user: int | None = None,
        **kwargs: Any,
    ) -> JobRecord:
        """Record the job now and push it to RQ after the caller's commit.

        With an id template, a job for the same arguments that is still queued or running
        is returned instead of a second one, unless it is dead: then it is replaced.
        """
        params = dict(zip(self.params, args, strict=False)) | kwargs
        if sorted(params) != sorted(self.params):
            raise TypeError(f"{self.kind} takes {self.params}, got {sorted(params)}")
        return record_and_push(
            self.func,
            params,
            kind=self.kind,
            queue=self.queue,
            timeout=self.timeout,
            cooperative_id=for_cooperative,
            user_id=by_user,
            job_id=self.job_id(**params),
        )


def _declared(module: str, name: str) -> Job:
    declared = getattr(importlib.import_module(module), name)
    if not isinstance(declared, Job):
        raise TypeError(f"{module}.{name} is not a declared job")
    return declared


def job(
    *,
    kind: str,
    queue: str = DEFAULT,
    id: str | None = None,
    requeue: bool = False,
    timeout: int | None = None,
) -> Callable[[Callable[..., Any]], Job]:
    """Declare a job function: its kind (on the record), queue, id template (``"sync-shop-
    {shop_id}"`` makes it one at a time per shop), whether ``requeue_stalled`` may run it
    again, and RQ's timeout when the default 180 s is too short."""

    def declare(func: Callable[..., Any]) -> Job:
        if kind in JOBS:
            raise ValueError(f"job kind {kind!r} declared twice")
        JOBS[kind] = Job(func, kind=kind, queue=queue, id=id, requeue=requeue, timeout=timeout)
        return JOBS[kind]

    return declare


@dataclass(frozen=True)
class Periodic:
    func: Callable[..., Any]
    every: int | str  # seconds, or a cron expression (UTC)
    queue: str


SCHEDULE: list[Periodic] = []


def periodic(every: int | str, queue: str = DEFAULT) -> Callable[[Callable[..., Any]], Any]:
    """Put a function on ``flask rq cron``'s schedule, beside its definition."""

    def declare(func: Callable[..., Any]) -> Callable[..., Any]:
        SCHEDULE.append(Periodic(func, every, queue))
        return func

    return declare


def discover(package: str = "marketplace") -> None:
    """Import every ``tasks`` module of the package, so every declaration is registered."""
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if info.name.rsplit(".", 1)[-1] == "tasks":
            importlib.import_module(info.name)


def register_schedule(rq_ext: Any) -> None:
    """Hand every periodic function to Flask-RQ's cron, once per extension."""
    known = {entry.get("func") for entry in rq_ext._cron_job_data}
    for item in SCHEDULE:
        if item.func not in known:
            rq_ext.cron_register(item.func, item.every, queue=item.queue)


# Every minute: a dead order pull is queued again before the next minute's pull wants it.
@periodic(60)
def requeue_stalled() -> int:
    """Cron: run again every dead job (``is_dead``) of a kind declared requeueable, from its
    stored arguments, under its own record; close a dead running one that may not rerun."""
    candidates = db.session.scalars(
        select(JobRecord).where(JobRecord.status.in_((QUEUED, STARTED)))
    ).all()
    count = 0
    for record in candidates:
        if not is_dead(record):
            continue
        declared = JOBS.get(record.kind)
        if declared is not None and declared.requeue and record.args is not None:
            push_again(record, declared.func, declared.timeout)
            count += 1
        elif record.status == STARTED:
            abandon(record)
    db.session.commit()  # a job: it commits its own work; the pushes follow the commit
    return count
