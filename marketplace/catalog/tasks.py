"""RQ jobs of the catalogue; each takes ids, loads, calls a service, commits."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from marketplace import jobs
from marketplace.auth.models import User
from marketplace.catalog import photos
from marketplace.catalog.export import write_catalog
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Photo
from marketplace.common.models import utcnow
from marketplace.extensions import db


def _report(done: int, total: int) -> None:
    jobs.report_progress(done, total)


@jobs.job(kind="catalog_export", requeue=True)
def export_catalog(job_id: str, cooperative_id: int) -> str | None:
    """Export a cooperative's catalogue to XLSX; the file name goes on the job record."""
    record = db.session.get(jobs.JobRecord, job_id)
    if record is None or record.status in jobs.TERMINAL:
        return None  # canceled or already done: nothing is wanted any more
    with jobs.tracked(job_id) as record:
        cooperative = db.session.get(Cooperative, cooperative_id)
        if cooperative is None:
            raise LookupError(f"cooperative {cooperative_id!r} is gone")
        user = db.session.get(User, record.user_id) if record.user_id else None
        locale = user.locale if user else "vi"
        name = f"catalog-{cooperative.id}-{utcnow():%Y%m%d-%H%M}-{job_id[:8]}.xlsx"
        with force_locale(locale):
            rows = write_catalog(
                cooperative,
                Path(current_app.config["EXPORT_DIR"]) / name,
                locale,
                progress=_report,
            )
        record.result_file = name
        record.message = jobs.N_("The export is ready.")
        return f"{rows} rows"


# Exports hold a cooperative's whole catalogue: do not keep them longer than needed.
@jobs.periodic("17 * * * *")
def purge_old_exports() -> int:
    """Delete export files and their job records past ``EXPORT_RETENTION``; returns the count."""
    cutoff = utcnow() - current_app.config["EXPORT_RETENTION"]
    old = db.session.scalars(
        select(jobs.JobRecord).where(
            jobs.JobRecord.kind == "catalog_export", jobs.JobRecord.created_at < cutoff
        )
    ).all()
    export_dir = Path(current_app.config["EXPORT_DIR"])
    for record in old:
        if record.result_file:
            (export_dir / record.result_file).unlink(missing_ok=True)
        db.session.delete(record)
    db.session.commit()
    return len(old)


@jobs.job(kind="photo_render", queue=jobs.MEDIA, requeue=True)
def render_photo(job_id: str, photo_id: int) -> str | None:
    """Make a photo's renditions (thumbnail, display, one per platform)."""
    record = db.session.get(jobs.JobRecord, job_id)
    if record is None or record.status in jobs.TERMINAL:
        return None
    with jobs.tracked(job_id):
        photo = db.session.get(Photo, photo_id)
        if photo is None:
            return None  # deleted before the worker got to it
        photos.render(photo)
        return f"photo {photo_id} rendered"
