"""Product photos: upload, order, main photo, delete; and serving renditions and originals."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from marketplace.catalog import photos
from marketplace.catalog import services
from marketplace.catalog import tasks
from marketplace.catalog.guards import allowed_cooperatives
from marketplace.catalog.guards import catalogue_editor_required
from marketplace.catalog.guards import current_cooperative
from marketplace.catalog.models import Photo
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Rendition
from marketplace.catalog.storage import ORIGINALS
from marketplace.catalog.storage import RENDITIONS
from marketplace.catalog.storage import get_storage
from marketplace.common.forms import whole_arg
from marketplace.common.text import short_name
from marketplace.extensions import db

bp = Blueprint("photos", __name__)
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ONE_YEAR = 365 * 24 * 3600


def _product_or_404(product_id: int) -> Product:
    product = services.get_product(current_cooperative(), product_id)
    if product is None:
        abort(404)
    return product


def _photo_or_404(product_id: int, photo_id: int) -> Photo:
    product = _product_or_404(product_id)
    photo = next((p for p in product.photos if p.id == photo_id), None)
    if photo is None:
        abort(404)
    return photo


def _back(product_id: int) -> BaseResponse:
    return redirect(url_for("catalog.detail", product_id=product_id, _anchor="photos"))


@bp.post("/products/<int:product_id>/photos")
@catalogue_editor_required
def upload(product_id: int) -> BaseResponse:
    """Add the chosen photos; any bad file refuses the whole upload with a reason."""
    product = _product_or_404(product_id)
    uploads = [
        photos.Upload(f.filename or "", f.read())
        for f in request.files.getlist("photos")
        if f and (f.filename or f.content_length)
    ]
    variant_id = whole_arg(request.form, "variant_id") or None
    try:
        added = photos.add_photos(product, uploads, variant_id, current_user)
    except photos.PhotoError as error:
        db.session.rollback()
        prefix = f"{short_name(error.filename)}: " if error.filename else ""
        flash(prefix + error.message + " " + gettext("Nothing was saved."), "error")
        return _back(product_id)
    for photo in added:
        tasks.render_photo.enqueue(
            photo_id=photo.id, for_cooperative=product.cooperative_id, by_user=current_user.id
        )
    db.session.commit()
    flash(gettext("Photos added; they are being prepared."), "success")
    return _back(product_id)


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/<action>")
@catalogue_editor_required
def change(product_id: int, photo_id: int, action: str) -> BaseResponse:
    """Move a photo up or down, make it the main photo, or delete it."""
    photo = _photo_or_404(product_id, photo_id)
    if action == "up":
        photos.move(photo, -1)
    elif action == "down":
        photos.move(photo, +1)
    elif action == "main":
        photos.make_main(photo)
    elif action == "delete":
        photos.delete(photo)
        flash(gettext("Photo deleted."), "success")
    else:
        abort(404)
    db.session.commit()
    return _back(product_id)


def _may_see(product: Product) -> bool:
    if not current_user.is_authenticated:
        return False
    return product.cooperative_id in {c.id for c in allowed_cooperatives()}


@bp.get("/media/r/<sha256>.<ext>")
def rendition(sha256: str, ext: str) -> Response:
    """A rendition by content hash; public for active products, cached for a year."""
    row = db.session.execute(
        select(Rendition, Product)
        .join(Photo, Rendition.photo_id == Photo.id)
        .join(Product, Photo.product_id == Product.id)
        .where(Rendition.sha256 == sha256)
        # The same bytes may belong to several products: a public one makes them public.
        .order_by((Product.status == ProductStatus.ACTIVE).desc())
        .limit(1)
    ).first()
    if row is None or row[0].extension != ext:
        abort(404)
    rendition_row, product = row
    public = product.status == ProductStatus.ACTIVE
    if not public and not _may_see(product):
        abort(404)
    path = get_storage().local_path(RENDITIONS, sha256)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=MIME[rendition_row.format], conditional=True)
    # The URL names the content, so it never changes: cache it for good.
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    if public:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    return response


@bp.get("/products/<int:product_id>/photos/<int:photo_id>/original")
@catalogue_editor_required
def original(product_id: int, photo_id: int) -> Response:
    """The uploaded file as it came, for the cooperative's own users only."""
    photo = _photo_or_404(product_id, photo_id)
    path = get_storage().local_path(ORIGINALS, photo.sha256)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"photo-{photo.id}.{photo.format.lower()}",
    )
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
