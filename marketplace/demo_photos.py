"""One generated photo per demo product, so demo shops can be synced straight away."""

from __future__ import annotations

import colorsys
import io

from PIL import Image
from PIL import ImageDraw
from sqlalchemy import select

from marketplace.catalog import photos
from marketplace.catalog import tasks
from marketplace.catalog.models import Product
from marketplace.common.text import fold
from marketplace.extensions import db

SIDE = 900


def demo_photo(product: Product) -> bytes:
    """A square JPEG: a soft gradient in a colour of the product's own, and its name."""
    hue = (product.id * 0.137) % 1.0
    top = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.35, 0.95))
    bottom = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.65, 0.55))
    img = Image.linear_gradient("L").resize((SIDE, SIDE))
    img = Image.composite(Image.new("RGB", img.size, bottom), Image.new("RGB", img.size, top), img)
    draw = ImageDraw.Draw(img)
    # The bundled bitmap font has no Vietnamese marks: write the folded name.
    words, line, lines = fold(product.name).upper().split(), "", []
    for word in words:
        if len(line) + len(word) > 18:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    for index, text in enumerate(lines):
        draw.text((60, 360 + index * 60), text, fill=(255, 255, 255), font_size=48)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def add_demo_photos() -> int:
    """Give every product without photos a generated one; its renditions are queued."""
    count = 0
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        if product.photos:
            continue
        upload = photos.Upload(f"demo-{product.id}.jpg", demo_photo(product))
        for photo in photos.add_photos(product, [upload], None, None):
            tasks.render_photo.enqueue(photo_id=photo.id, for_cooperative=product.cooperative_id)
            count += 1
    return count
