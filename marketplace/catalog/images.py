"""Product photos in, listing renditions out: pure Pillow, no file or database I/O.

An upload is identified by content, refused before decoding if it declares too many
pixels, decoded once (JPEG draft mode when the renditions are smaller), made upright,
sRGB and metadata-free, then scaled down step by step and encoded within each budget.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping
from typing import Literal

import pillow_heif
from PIL import ExifTags
from PIL import Image
from PIL import ImageCms

from marketplace.platforms import ImageRule

pillow_heif.register_heif_opener()

ErrorCode = Literal[
    "empty",
    "not_an_image",
    "unsupported_format",
    "truncated",
    "damaged",
    "metadata_too_large",
    "too_many_pixels",
    "too_many_pixels_for_format",
    "too_small",
]
Size = tuple[int, int]

MAX_PIXELS = 40_000_000
# PNG, WebP and GIF are decoded whole (no JPEG draft mode): past this they cost seconds and
# hundreds of MB a photo, while the largest rendition needs 2048 × 2048 (4.2 MP).
LOSSLESS_MAX_PIXELS = 16_000_000
_TOP_LEVEL_BOXES = {b"ftyp", b"meta", b"mdat", b"free", b"skip", b"moov", b"uuid", b"wide"}
_METADATA_BOMB = ("Decompressed data too large", "Too much memory used in text chunks")
MIN_QUALITY = 50
SHRINK_STEP = 0.85
WHITE = (255, 255, 255)

_OPENERS = ["JPEG", "PNG", "WEBP", "GIF", "HEIF"]
_JPEG = ("JPEG", "MPO")  # MPO: a JPEG with extra pictures (depth map…), as phones write
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
_REFUSED = {  # signatures of formats people try to upload, to name them in the message
    b"%PDF": "PDF", b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP", b"8BPS": "PSD",
    b"\x00\x00\x01\x00": "ICO", b"\xff\x0a": "JPEG XL", b"\xff\x4f\xff\x51": "JPEG 2000",
}  # fmt: skip
_RESIZABLE = ("RGB", "RGBA", "L", "LA", "CMYK")  # modes Pillow resamples without loss
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

EncodeCache = dict[tuple[Size, bool, str, int], bytes]


class ImageError(ValueError):
    """An upload or rendition that cannot be used; `code` is stable, the message English."""

    def __init__(self, code: ErrorCode, message: str, **params: object) -> None:
        super().__init__(code, message)  # both in args, so the error survives pickling (RQ)
        self.code: ErrorCode = code
        self.message = message
        self.params: Mapping[str, object] = params  # values for the translated message

    def __str__(self) -> str:
        """The English message."""
        return self.message


def _looks_accepted(data: bytes) -> bool:
    """Whether the bytes start like a format we accept (so a failure means truncation)."""
    return (
        data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS)
    )


def _refused_name(data: bytes) -> str | None:
    """The name of a recognisable format we do not accept, if any."""
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "SVG"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "AVIF"
    return next((name for magic, name in _REFUSED.items() if data.startswith(magic)), None)


def _unreadable(data: bytes, err: BaseException) -> ImageError:
    """The error for bytes that none of the accepted openers recognised."""
    if _looks_accepted(data):
        return _broken(data, err)
    name = _refused_name(data)
    if name:
        msg = f"{name} files are not accepted; use JPEG, PNG, WebP, HEIC or GIF."
        return ImageError("unsupported_format", msg, format=name)
    return ImageError("not_an_image", "The file is not an image.")


def _too_many(max_pixels: int, size: Size | None = None) -> ImageError:
    """The error for an image whose declared canvas is larger than we decode."""
    declared = f"{size[0]}×{size[1]}" if size else "too many"
    msg = f"The image declares {declared} pixels; at most {max_pixels:,} are accepted."
    return ImageError("too_many_pixels", msg, limit=max_pixels, size=size)


def _identify(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and check the declared size before any decoding."""
    if not data:
        raise ImageError("empty", "The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=_OPENERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise _too_many(max_pixels) from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise _unreadable(data, err) from err
    if img.size[0] * img.size[1] > max_pixels:
        raise _too_many(max_pixels, img.size)
    if img.format not in (*_JPEG, "HEIF") and img.size[0] * img.size[1] > LOSSLESS_MAX_PIXELS:
        msg = f"{img.format} images may have at most {LOSSLESS_MAX_PIXELS:,} pixels."
        raise ImageError("too_many_pixels_for_format", msg, format=img.format, size=img.size)
    return img


def _broken(data: bytes, err: BaseException) -> ImageError:
    """Why a file in an accepted format could not be decoded: a metadata bomb, cut off, or
    damaged, so the message says what to do instead of always "upload again"."""
    if any(marker in str(err) for marker in _METADATA_BOMB):
        return ImageError("metadata_too_large", "The image carries too much embedded metadata.")
    if _cut_off(data):
        return ImageError("truncated", "The image file is incomplete; upload it again.")
    return ImageError("damaged", "The image file is damaged and cannot be read.")


def _cut_off(data: bytes) -> bool:
    """Whether the file stops before its format says it ends."""
    if data.startswith(b"\x89PNG"):
        return b"IEND" not in data[-32:]
    if data.startswith(b"\xff\xd8"):
        return b"\xff\xd9" not in data[-4096:]
    if data.startswith(b"GIF8"):
        return not data.rstrip(b"\x00").endswith(b";")
    if data[:4] == b"RIFF":
        return int.from_bytes(data[4:8], "little") + 8 > len(data)
    return _boxes_overrun(data)


def _boxes_overrun(data: bytes) -> bool:
    """HEIF (ISO BMFF): whether a top-level box runs past the end of the file."""
    offset = 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1 and offset + 16 <= len(data):
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        if size == 0:  # the box runs to the end of the file
            return False
        if size < 8 or data[offset + 4 : offset + 8] not in _TOP_LEVEL_BOXES:
            return False  # not a box: garbage, not a cut
        offset += size
    return offset > len(data) or 0 < len(data) - offset < 8


def _load(img: Image.Image, data: bytes) -> None:
    """Decode the pixels (first frame of an animation)."""
    try:
        img.load()
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise _broken(data, err) from err


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation (1–8); 1 when absent, invalid, or only readable by decoding."""
    if img.format == "PNG" and "exif" not in img.info:
        return 1  # PngImageFile.getexif() would decode the whole image to look further
    value = img.getexif().get(ExifTags.Base.Orientation, 1)
    return value if value in _TRANSPOSE else 1


def _oriented(size: Size, orientation: int) -> Size:
    """A stored size as displayed after applying the orientation."""
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def open_image(
    data: bytes, *, max_pixels: int = MAX_PIXELS, draft_size: Size | None = None
) -> Image.Image:
    """Identify by content, refuse bombs before decoding, then decode (JPEG: draft first)."""
    img = _identify(data, max_pixels)
    if draft_size and img.format in _JPEG:
        img.draft("RGB", draft_size)
    _load(img, data)
    return img


def probe(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[str, int, int]:
    """Format and displayed width, height, read from the header without decoding pixels."""
    img = _identify(data, max_pixels)
    width, height = _oriented(img.size, _orientation(img))
    return ("JPEG" if img.format in _JPEG else str(img.format), width, height)


def _plain_convert(img: Image.Image) -> Image.Image:
    """Convert any mode to RGB, or RGBA when the image has transparency."""
    if img.mode.startswith("I"):  # 16-bit grey: scale, as convert("L") would clip to white
        img = img.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    transparent = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    target = "RGBA" if transparent else "RGB"
    return img if img.mode == target else img.convert(target)


def _icc_to_srgb(img: Image.Image) -> Image.Image | None:
    """Convert through the embedded ICC profile, or None when absent, sRGB or unusable."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if img.mode != "CMYK" and "srgb" in ImageCms.getProfileDescription(profile).lower():
            return None  # phones embed sRGB: converting would change nothing
        source = img.convert("RGB") if img.mode == "RGBA" else img
        out = ImageCms.ImageCmsTransform(profile, _SRGB, source.mode, "RGB").apply(source)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # a broken or mismatched profile: fall back to a plain conversion
    if img.mode == "RGBA":
        out.putalpha(img.getchannel("A"))
    return out


def normalise(img: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB or RGBA, and a fresh image carrying no metadata at all."""
    img.load()
    out = _icc_to_srgb(img)
    if out is None:
        out = _plain_convert(img)
    method = _TRANSPOSE.get(_orientation(img))
    if method is not None:
        out = out.transpose(method)
    elif out is img:
        out = img.copy()
    out.info = {}  # every new Image starts without cached EXIF, so clearing info suffices
    return out


def _fit(size: Size, max_side: int) -> Size:
    """The size with the longer side brought down to max_side, never up."""
    longest = max(size)
    if longest <= max_side:
        return size
    scale = max_side / longest
    return (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))


def _shrink(img: Image.Image, size: Size) -> Image.Image:
    """Resample down with LANCZOS, reducing by whole factors first when far smaller."""
    if img.size == size:
        return img
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _too_small(size: Size, rule: ImageRule) -> ImageError | None:
    """The too_small error when the shorter side cannot satisfy the rule, else None."""
    if min(size) >= rule.min_side:
        return None
    msg = f"{rule.name} needs photos of at least {rule.min_side} px; this one is {min(size)} px."
    return ImageError("too_small", msg, rule=rule.name, min_side=rule.min_side, side=min(size))


def _canvas(img: Image.Image, rule: ImageRule) -> Image.Image:
    """Pad to a white square when required; flatten transparency for JPEG or squares."""
    flatten = img.mode == "RGBA" and (rule.format == "JPEG" or rule.square)
    square = rule.square and img.size[0] != img.size[1]
    if not (flatten or square):
        return img
    side = max(img.size)
    size = (side, side) if rule.square else img.size
    canvas = Image.new("RGB", size, WHITE)
    offset = ((size[0] - img.size[0]) // 2, (size[1] - img.size[1]) // 2)
    canvas.paste(img, offset, img if img.mode == "RGBA" else None)
    return canvas


def _encode(img: Image.Image, fmt: str, quality: int) -> bytes:
    """Encode without any metadata, even if the image's info still carries some."""
    buf = io.BytesIO()
    options: dict[str, object] = {"exif": b"", "icc_profile": None, "comment": b"", "xmp": b""}
    if fmt == "JPEG":
        options.update(quality=quality, optimize=True, progressive=True)
    elif fmt == "WEBP":
        options.update(quality=quality, method=4)
    img.save(buf, format=fmt, **options)
    return buf.getvalue()


def _within_budget(img: Image.Image, rule: ImageRule, cache: EncodeCache) -> bytes | None:
    """The best-quality encoding within max_bytes, or None if even MIN_QUALITY is too big."""
    quality, canvas = rule.quality, None
    while True:
        key = (img.size, rule.square, rule.format, quality)  # same size, same pixels
        data = cache.get(key)
        if data is None:
            canvas = _canvas(img, rule) if canvas is None else canvas
            data = cache[key] = _encode(canvas, rule.format, quality)
        if len(data) <= rule.max_bytes:
            return data
        if rule.format == "PNG" or quality <= MIN_QUALITY:
            return None
        steps = math.ceil(math.log(len(data) / rule.max_bytes) / math.log(1.3))  # ≈×1.3 per 5
        quality = max(MIN_QUALITY, quality - 5 * max(1, steps))


def _encode_rule(scaled: Image.Image, rule: ImageRule, cache: EncodeCache) -> bytes:
    """Pad and encode an already-scaled image, shrinking by 15 % until it fits."""
    img = scaled
    while (data := _within_budget(img, rule, cache)) is None:
        smaller = _fit(scaled.size, max(1, int(max(img.size) * SHRINK_STEP)))
        if smaller == img.size:
            raise RuntimeError(f"{rule.name}: max_bytes={rule.max_bytes} cannot be met")
        img = _shrink(scaled, smaller)
    return data


def render(img: Image.Image, rule: ImageRule) -> bytes:
    """One rendition of a normalised image: scaled down, padded, encoded within budget."""
    if error := _too_small(img.size, rule):
        raise error
    scaled = _shrink(_plain_convert(img), _fit(img.size, rule.max_side))
    return _encode_rule(scaled, rule, {})


def _draft_box(size: Size, longest: int) -> Size:
    """A draft request keeping the longer side ≥ longest, in the image's aspect ratio."""
    scale = min(1.0, longest / max(size))
    return (max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale)))


def _decode_for(data: bytes, longest: int, max_pixels: int) -> tuple[Image.Image, Size]:
    """Open once, decode just large enough for longest, normalise; also the source size."""
    img = _identify(data, max_pixels)
    stored = img.size
    if img.format in _JPEG:
        img.draft("RGB", _draft_box(stored, longest))
    _load(img, data)
    source = _oriented(stored, _orientation(img))
    if img.mode in _RESIZABLE and "transparency" not in img.info:  # fewer pixels from here on
        img = _shrink(img, _fit(stored, longest))
    return normalise(img), source


def render_all(
    data: bytes, rules: list[ImageRule], *, max_pixels: int = MAX_PIXELS
) -> dict[str, bytes | ImageError]:
    """Every rendition of one upload; per-rule too_small errors are returned in place."""
    if not rules:
        return {}
    current, source = _decode_for(data, max(rule.max_side for rule in rules), max_pixels)
    results: dict[str, bytes | ImageError] = {}
    cache: EncodeCache = {}
    for rule in sorted(rules, key=lambda rule: rule.max_side, reverse=True):
        if error := _too_small(source, rule):
            results[rule.name] = error
            continue
        current = _shrink(current, _fit(source, rule.max_side))
        results[rule.name] = _encode_rule(current, rule, cache)
    return {rule.name: results[rule.name] for rule in rules}
