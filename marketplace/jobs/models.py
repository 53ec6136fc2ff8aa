"""Our durable copy of every job, so the database, not Redis, knows what was asked for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import utcnow
from marketplace.extensions import db

QUEUED, STARTED, FINISHED, FAILED, CANCELED = (
    "queued",
    "started",
    "finished",
    "failed",
    "canceled",
)
TERMINAL = frozenset({FINISHED, FAILED, CANCELED})


class JobRecord(db.Model):  # type: ignore[name-defined]
    """A job: who asked, for which cooperative, with which arguments, how far it got."""

    __tablename__ = "job_records"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    queue: Mapped[str] = mapped_column(String(20))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The job function's arguments after its record id, JSON: enough to push it again.
    args: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result_file: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return make_repr(self, "id", "kind", "status", "progress")
