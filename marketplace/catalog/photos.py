"""Photo operations: accept uploads (by content, never by name), order, render, delete."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.auth.models import User
from marketplace.catalog import images
from marketplace.catalog.image_rules import all_rules
from marketplace.catalog.models import Photo
from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import Product
from marketplace.catalog.models import Rendition
from marketplace.catalog.storage import ORIGINALS
from marketplace.catalog.storage import RENDITIONS
from marketplace.catalog.storage import content_hash
from marketplace.catalog.storage import get_storage
from marketplace.extensions import db
from marketplace.extensions import rq

log = logging.getLogger(__name__)
MAX_PHOTOS = 20


@dataclass
class Upload:
    filename: str
    data: bytes


class PhotoError(Exception):
    """An upload refused; ``message`` is ready to show."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message)
        self.filename = filename
        self.message = message


def error_message(code: str) -> str:
    """What an image check failure means, in the user's language."""
    messages = {
        "empty": gettext("The file is empty."),
        "not_an_image": gettext(
            "This file is not a photo. Choose a JPEG, PNG, WebP or HEIC photo."
        ),
        "unsupported_format": gettext(
            "This kind of file is not accepted. Choose a JPEG, PNG, WebP, HEIC or GIF photo."
        ),
        "truncated": gettext("The photo is incomplete (the upload was cut off). Try again."),
        "damaged": gettext(
            "The photo file is damaged and cannot be opened. Take or export the photo again."
        ),
        "metadata_too_large": gettext(
            "The photo carries too much hidden data (text or a colour profile). "
            "Save it again as JPEG and upload that."
        ),
        "too_many_pixels": gettext("The photo is far too large in pixels. Choose a smaller one."),
        "too_many_pixels_for_format": gettext(
            "PNG, WebP and GIF photos may have at most 16 megapixels. "
            "Save it as JPEG or make it smaller."
        ),
        "too_small": gettext("The photo is too small."),
    }
    return messages.get(code, gettext("This photo cannot be used."))


def _check(upload: Upload, max_pixels: int) -> tuple[str, int, int]:
    """Fully decode (at reduced size) to prove the file is a whole, sane image."""
    try:
        img = images.open_image(upload.data, max_pixels=max_pixels, draft_size=(256, 256))
        img.close()
        return images.probe(upload.data, max_pixels=max_pixels)
    except images.ImageError as exc:
        raise PhotoError(upload.filename, error_message(exc.code)) from exc


def add_photos(
    product: Product, uploads: list[Upload], variant_id: int | None, user: User | None
) -> list[Photo]:
    """Validate every file first; store and record them only if all are good."""
    if not uploads:
        raise PhotoError("", gettext("Choose at least one photo."))
    if len(product.photos) + len(uploads) > MAX_PHOTOS:
        raise PhotoError("", gettext("A product can have at most %(n)d photos.", n=MAX_PHOTOS))
    if variant_id is not None and variant_id not in {v.id for v in product.variants}:
        raise PhotoError("", gettext("Choose one of this product's variants."))
    known = {p.sha256 for p in product.photos}
    max_pixels = current_app.config["IMAGE_MAX_PIXELS"]
    checked = []
    for upload in uploads:
        fmt, width, height = _check(upload, max_pixels)
        sha256 = content_hash(upload.data)
        if sha256 in known:
            raise PhotoError(upload.filename, gettext("This photo is already on the product."))
        known.add(sha256)
        checked.append((upload, fmt, width, height))
    _take_upload_allowance(product.cooperative_id, len(checked))
    return [_record(product, variant_id, user, *item) for item in checked]


def _take_upload_allowance(cooperative_id: int, count: int) -> None:
    """Count the photos against the cooperative's hourly allowance, or refuse them all."""
    limit = current_app.config["PHOTO_UPLOADS_PER_HOUR"]
    hour = int(time.time() // 3600)
    key = f"rate:photo-uploads:{cooperative_id}:{hour}"
    redis = rq.get_queue().connection
    used = int(redis.incrby(key, count))
    redis.expire(key, 3600)
    if used > limit:
        redis.decrby(key, count)
        minutes = 60 - int(time.time() % 3600 // 60)
        raise PhotoError(
            "",
            gettext(
                "Your cooperative has uploaded %(n)d photos this hour, the most allowed. "
                "Try again in %(minutes)d minutes.",
                n=limit,
                minutes=minutes,
            ),
        )


def _record(
    product: Product,
    variant_id: int | None,
    user: User | None,
    upload: Upload,
    fmt: str,
    width: int,
    height: int,
) -> Photo:
    sha256 = get_storage().put(ORIGINALS, upload.data)
    photo = Photo(
        sha256=sha256,
        format=fmt,
        width=width,
        height=height,
        byte_size=len(upload.data),
        variant_id=variant_id,
        position=len(product.photos),
        created_by_id=user.id if user else None,
    )
    product.photos.append(photo)
    db.session.flush()
    log.info("photo %r added to product %r", photo.id, product.id)
    return photo


def move(photo: Photo, offset: int) -> None:
    """Move a photo earlier (-1) or later (+1) in the gallery."""
    ordered = list(photo.product.photos)
    index = ordered.index(photo)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    _renumber(ordered)


def make_main(photo: Photo) -> None:
    """Put a photo first: the main photo of every listing."""
    ordered = [photo, *(p for p in photo.product.photos if p is not photo)]
    _renumber(ordered)


def _renumber(ordered: list[Photo]) -> None:
    for position, item in enumerate(ordered):
        item.position = position
    db.session.flush()


def delete(photo: Photo) -> None:
    """Remove a photo and, once nothing else refers to them, its files."""
    product = photo.product
    hashes = [(ORIGINALS, photo.sha256)] + [
        (RENDITIONS, r.sha256) for r in photo.renditions if r.sha256
    ]
    product.photos.remove(photo)
    db.session.flush()
    _renumber(list(product.photos))
    # Files go only once the deletion is committed: a rolled-back request keeps its files.
    db.session.info.setdefault(_UNUSED_FILES, []).extend(hashes)
    log.info("photo %r deleted from product %r", photo.id, product.id)


_UNUSED_FILES = "marketplace.photo_files_to_check"


@event.listens_for(Session, "after_commit")
def _delete_unused_files(session: Session) -> None:
    candidates = session.info.pop(_UNUSED_FILES, [])
    if not candidates:
        return
    with Session(session.get_bind()) as fresh:
        for area, sha256 in candidates:
            model = Photo if area == ORIGINALS else Rendition
            if not fresh.scalar(select(func.count()).where(model.sha256 == sha256)):
                get_storage().delete(area, sha256)


@event.listens_for(Session, "after_rollback")
def _keep_files(session: Session) -> None:
    session.info.pop(_UNUSED_FILES, None)


def render(photo: Photo) -> None:
    """Make every rendition of the photo from its original; replaces earlier ones."""
    storage = get_storage()
    try:
        results = images.render_all(
            storage.get(ORIGINALS, photo.sha256),
            all_rules(),
            max_pixels=current_app.config["IMAGE_MAX_PIXELS"],
        )
    except images.ImageError as exc:
        # Checked at upload, so only a changed limit or a damaged file gets here.
        photo.status = PhotoStatus.FAILED
        db.session.flush()
        log.warning("photo %r cannot be rendered: %s", photo.id, exc.code)
        return
    photo.renditions = []
    db.session.flush()
    for rule in all_rules():
        result = results[rule.name]
        if isinstance(result, images.ImageError):
            photo.renditions.append(
                Rendition(name=rule.name, format=rule.format, error=result.code)
            )
            continue
        width, height = images.probe(result)[1:]
        photo.renditions.append(
            Rendition(
                name=rule.name,
                format=rule.format,
                sha256=storage.put(RENDITIONS, result),
                width=width,
                height=height,
                byte_size=len(result),
            )
        )
    photo.status = PhotoStatus.READY
    db.session.flush()
    log.info("photo %r rendered (%d renditions)", photo.id, len(results))
