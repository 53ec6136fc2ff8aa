"""Image upload and the image host that serves the uploads back."""

from __future__ import annotations

import base64
import io

from flask import Response
from flask import abort
from flask import request
from flask import url_for

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.tiktok import core
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_MAX_BYTES
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_MAX_SIDE
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_MIN_SIDE
from marketplace.sandbox.tiktok.catalog_rules import IMAGE_UPLOAD
from marketplace.sandbox.tiktok.core import ApiError
from marketplace.sandbox.tiktok.core import envelope


def _measure(raw: bytes) -> tuple[int, int]:
    """Width and height of an acceptable image, or ApiError saying what is wrong."""
    from PIL import Image
    from PIL import UnidentifiedImageError

    if len(raw) > IMAGE_MAX_BYTES:
        raise ApiError(IMAGE_UPLOAD, "Image must not exceed 5 MB")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            fmt, (width, height) = img.format, img.size
    except (UnidentifiedImageError, OSError):
        raise ApiError(IMAGE_UPLOAD, "Image format must be JPG or PNG") from None
    if fmt not in {"JPEG", "PNG"}:
        raise ApiError(IMAGE_UPLOAD, "Image format must be JPG or PNG")
    if not (min(width, height) >= IMAGE_MIN_SIDE and max(width, height) <= IMAGE_MAX_SIDE):
        raise ApiError(IMAGE_UPLOAD, "Image sides must be between 300 and 4000 px")
    return width, height


@core.api(shop=False)
def upload_image() -> Response:
    """Upload Product Image: store it and answer its uri and url."""
    upload = request.files.get("data")
    if upload is None:
        return envelope(None, core.INVALID_PARAM, "data (the image file) is required")
    raw = upload.read()
    try:
        width, height = _measure(raw)
    except ApiError as exc:
        return envelope(None, exc.code, exc.message)
    sandbox = current_sandbox()
    uri = f"tos-alisg-i-sandbox/{sandbox.store.next_id('image')}"
    url = url_for("tiktok_catalog.image_file", uri=uri, _external=True)
    use_case = request.form.get("use_case", "MAIN_IMAGE")
    doc = {"uri": uri, "url": url, "width": width, "height": height, "use_case": use_case}
    sandbox.store.put("images", uri, {**doc, "data": base64.b64encode(raw).decode()})
    if sandbox.take_lost_write():
        return core.lost_response()
    return envelope(doc)


def image_file(uri: str) -> Response:
    """The bytes of an uploaded image, as the image CDN would serve them."""
    doc = current_sandbox().store.get("images", uri)
    if doc is None:
        abort(404)
    return Response(base64.b64decode(doc["data"]), mimetype="image/jpeg")
