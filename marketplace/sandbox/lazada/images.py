"""Image upload and the "Lazada-hosted" images it serves (lazada.md §3.4)."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import url_for
from PIL import Image
from PIL import UnidentifiedImageError

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.gateway import ApiError
from marketplace.sandbox.lazada.gateway import Call
from marketplace.sandbox.lazada.gateway import api

images = Blueprint("lazada_images", __name__)

MAX_IMAGE_BYTES = 1024 * 1024  # lazada.md §3.4: the emulator keeps the API pages' 1 MB
MIN_SIDE, MAX_SIDE = 330, 5000
_HOSTED = re.compile(r"/lazada-img/([0-9a-f]{32})\.(jpg|png)$")


def _measure(data: bytes) -> tuple[str, int, int]:
    """The image's format, width and height, or error 300."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind, (width, height) = picture.format, picture.size
    except (UnidentifiedImageError, OSError) as exc:
        raise ApiError("300", "Upload image failed: not a JPG or PNG image") from exc
    if kind not in ("JPEG", "PNG"):
        raise ApiError("300", "Upload image failed: only JPG and PNG are supported")
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ApiError(
            "300", f"Upload image failed: each side must be 330-5000 px, got {width}x{height}"
        )
    return str(kind), width, height


@api("/image/upload", write=True)
def image_upload(call: Call) -> dict[str, Any]:
    """Store a JPG or PNG and answer its hosted URL."""
    upload = call.files.get("image")
    if upload is None:
        raise ApiError("MissingParameter", "The input parameter 'image' that is mandatory")
    data = upload.read()
    if len(data) > MAX_IMAGE_BYTES:
        raise ApiError("303", "Image size exceeds the 1 MB limit")
    kind, width, height = _measure(data)
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    ext = "jpg" if kind == "JPEG" else "png"
    url = url_for("lazada_images.hosted", digest=digest, ext=ext, _external=True)
    doc = {
        "hash_code": digest,
        "ext": ext,
        "width": width,
        "height": height,
        "data": base64.b64encode(data).decode(),
    }
    current_sandbox().store.put("images", digest, doc)
    return {"data": {"image": {"url": url, "hash_code": digest}}}


@images.get("/lazada-img/<digest>.<ext>")
def hosted(digest: str, ext: str) -> Response:
    """An uploaded image's bytes."""
    doc = current_sandbox().store.get("images", digest)
    if doc is None or doc["ext"] != ext:
        abort(404)
    mimetype = "image/jpeg" if ext == "jpg" else "image/png"
    return Response(base64.b64decode(doc["data"]), mimetype=mimetype)


def is_hosted(url: str) -> bool:
    """Whether the URL is an image uploaded to this sandbox."""
    match = _HOSTED.search(url)
    return match is not None and current_sandbox().store.get("images", match.group(1)) is not None
