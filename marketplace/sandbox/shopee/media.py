"""media_space/upload_image and the files it serves (shopee.md §5.1, §9.1)."""

from __future__ import annotations

import base64
import secrets

from flask import Response
from flask import request
from flask import url_for
from werkzeug.datastructures import FileStorage

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import Caller
from marketplace.sandbox.shopee.gateway import envelope
from marketplace.sandbox.shopee.gateway import verify
from marketplace.sandbox.shopee.product_base import MAX_IMAGE_BYTES
from marketplace.sandbox.shopee.product_base import Json
from marketplace.sandbox.shopee.product_base import bp
from marketplace.sandbox.shopee.product_base import written

MAX_IMAGES = 9  # "upload less than 9 images" (§5.1)


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


@bp.post("/api/v2/media_space/upload_image")
def upload_image() -> Response:
    """Public sign (a shop sign is also accepted, §9.1); multipart ``image``, fewer than 9."""
    caller = verify("media")
    files = request.files.getlist("image")
    if not files:
        raise ApiError("error_param", "Wrong parameters, detail: image is required.")
    if len(files) >= MAX_IMAGES:
        raise ApiError("error_param", "Wrong parameters, detail: upload less than 9 images.")
    results = [_store_image(caller, index, upload) for index, upload in enumerate(files)]
    good = [r for r in results if not r["error"]]
    if not good:
        raise ApiError(str(results[0]["error"]), str(results[0]["message"]))
    return written(envelope({"image_info": good[0]["image_info"], "image_info_list": results}))


def _store_image(caller: Caller, index: int, upload: FileStorage) -> Json:
    """One image_info_list entry: the stored image, or why it was refused."""
    data = upload.read()
    mime = _image_type(data)
    if mime is None or len(data) > MAX_IMAGE_BYTES:
        return {
            "id": index,
            "error": "error_param",
            "message": "Image must be JPG, JPEG or PNG and at most 10 MB.",
        }
    image_id = f"vn-11134207-{secrets.token_hex(12)}"
    current_sandbox().store.put(
        "images",
        image_id,
        {
            "image_id": image_id,
            "partner_id": caller.partner_id,
            "mime": mime,
            "data": base64.b64encode(data).decode("ascii"),
        },
    )
    url = url_for("shopee_products.image_file", image_id=image_id, _external=True)
    info = {"image_id": image_id, "image_url_list": [{"image_url_region": "VN", "image_url": url}]}
    return {"id": index, "error": "", "message": "", "image_info": info}


@bp.get("/file/<image_id>")
def image_file(image_id: str) -> Response:
    """Where uploaded images are served (Shopee's CDN is cf.shopee.vn/file/<id>)."""
    image = current_sandbox().store.get("images", image_id)
    if image is None:
        return Response("not found", 404)
    return Response(base64.b64decode(image["data"]), mimetype=image["mime"])
