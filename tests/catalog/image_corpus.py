"""Generated upload corpus for the image pipeline tests: every file is built in memory."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image
from PIL import ImageCms

RED = (220, 20, 30)
GREEN = (20, 200, 40)
BLUE = (30, 40, 220)
WHITE = (255, 255, 255)
# Printed process inks as sRGB; a naive CMYK→RGB conversion would give (0, 255, 255) for cyan.
INKS = {"C": (0, 174, 239), "M": (236, 0, 140), "Y": (255, 242, 0), "K": (35, 31, 32)}
GPS_LATITUDE = (21.0, 19.0, 30.5)  # Sơn La


@dataclass(frozen=True)
class Upload:
    """A file as a phone would send it; the name is deliberately not used by the code."""

    name: str
    data: bytes


def encode(img: Image.Image, fmt: str, **options: Any) -> bytes:
    """Encode an image in memory."""
    buf = io.BytesIO()
    img.save(buf, format=fmt, **options)
    return buf.getvalue()


def heif_available() -> bool:
    """Whether pillow-heif can encode HEIC here."""
    return bool(pillow_heif.libheif_info().get("HEIF"))


def textured(size: tuple[int, int], sigma: float = 40.0) -> Image.Image:
    """A phone-photo stand-in: colour gradients with noise, so encoders do real work."""
    r = Image.linear_gradient("L").resize(size)
    g = Image.linear_gradient("L").rotate(90).resize(size)
    b = Image.radial_gradient("L").resize(size)
    noise = Image.effect_noise(size, sigma).convert("RGB")
    return Image.blend(Image.merge("RGB", (r, g, b)), noise, 0.3)


def photo_jpeg(size: tuple[int, int], quality: int = 90, **options: Any) -> bytes:
    """A textured JPEG of the given size."""
    return encode(textured(size), "JPEG", quality=quality, **options)


def marked(size: tuple[int, int] = (40, 30), block: int = 8) -> Image.Image:
    """White with a red block in the stored top-left corner."""
    img = Image.new("RGB", size, WHITE)
    img.paste(RED, (0, 0, block, block))
    return img


def rotated_jpeg() -> bytes:
    """Landscape pixels (40×30) with EXIF orientation 6: displayed upright as 30×40."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(marked(), "JPEG", quality=95, exif=exif)


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with camera make, orientation and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LATITUDE, "E", (103.0, 54.0, 36.0)
    return exif


def gps_jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    """A photo carrying GPS EXIF, an sRGB ICC profile, XMP and a comment."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    return encode(
        textured(size), "JPEG", exif=gps_exif(), icc_profile=icc, xmp=xmp, comment=b"GPS here"
    )


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first part of a file, as when a slow upload is cut off."""
    return data[: int(len(data) * keep)]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A ~60-byte PNG whose header declares width×height 1-bit pixels (never decodable)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\x00"))
    return b"\x89PNG\r\n\x1a\n" + body + _png_chunk(b"IEND", b"")


def png_with_metadata_bomb(kind: bytes) -> bytes:
    """A small, valid PNG carrying one zTXt, iTXt or iCCP chunk that inflates to 50 MB."""
    inflating = zlib.compress(b"A" * 50_000_000, 9)
    body = {
        b"zTXt": b"Comment\x00\x00" + inflating,
        b"iTXt": b"Comment\x00\x01\x00\x00\x00" + inflating,
        b"iCCP": b"profile\x00\x00" + inflating,
    }[kind]
    png = encode(two_colour(), "PNG")
    return png[:33] + _png_chunk(kind, body) + png[33:]  # after the signature and IHDR


def garbage_heic() -> bytes:
    """A HEIC file type box followed by bytes that are no HEIF at all."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x07garbage" * 200


def sixteen_bit_png(width: int = 256, height: int = 8) -> bytes:
    """Greyscale 16-bit PNG, a left-to-right ramp from 0 to 65535."""
    row = b"".join(struct.pack("<H", x * 65535 // (width - 1)) for x in range(width))
    return encode(Image.frombytes("I;16", (width, height), row * height), "PNG")


def palette_png(size: tuple[int, int] = (16, 8)) -> bytes:
    """Palette PNG: left half red, right half a transparent (green) index."""
    img = Image.new("P", size, 0)
    img.putpalette([*GREEN, *RED])
    img.paste(1, (0, 0, size[0] // 2, size[1]))
    return encode(img, "PNG", transparency=0)


def _lab(colours: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Colours as 8-bit ICC Lab (L 0..255, a/b offset by 128)."""
    img = Image.new("RGB", (len(colours), 1))
    img.putdata(colours)
    srgb, lab = ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB")
    out = ImageCms.ImageCmsTransform(
        ImageCms.ImageCmsProfile(srgb), ImageCms.ImageCmsProfile(lab), "RGB", "LAB"
    ).apply(img)
    pixels: list[Any] = [out.getpixel((x, 0)) for x in range(len(colours))]
    return [(pixel[0], pixel[1], pixel[2]) for pixel in pixels]


def _ink_mix(cmyk: tuple[int, int, int, int]) -> tuple[int, int, int]:
    """The sRGB colour of inks printed on top of each other (multiplicative)."""
    channels = [1.0, 1.0, 1.0]
    for on, ink in zip(cmyk, INKS.values(), strict=True):
        if on:
            channels = [c * v / 255 for c, v in zip(channels, ink, strict=True)]
    return (round(channels[0] * 255), round(channels[1] * 255), round(channels[2] * 255))


def _s15(*values: float) -> bytes:
    """ICC s15Fixed16Number values."""
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def lut_profile(space: bytes, device_class: bytes, colours: list[tuple[int, int, int]]) -> bytes:
    """A minimal ICC v2 input profile: a lut8 A2B0 whose 2-point grid holds the colours
    (as sRGB) of every device corner, first channel varying slowest."""
    channels = {b"CMYK": 4, b"RGB ": 3}[space]
    clut = bytes(v for lab in _lab(colours) for v in lab)
    ramp = bytes(range(256))
    lut = b"mft1\0\0\0\0" + bytes([channels, 3, 2, 0]) + _s15(1, 0, 0, 0, 1, 0, 0, 0, 1)
    lut += ramp * channels + clut + ramp * 3
    text = b"Test profile\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(8 + 3 + 67)
    wtpt = b"XYZ \0\0\0\0" + _s15(0.9642, 1.0, 0.8249)
    tags = [(b"desc", desc), (b"wtpt", wtpt), (b"A2B0", lut)]
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + bytes(-len(data) % 4)
    size = offset + len(body)
    header = struct.pack(">I4sI4s4s4s", size, b"lcms", 0x02100000, device_class, space, b"Lab ")
    header += bytes(12) + b"acsp" + bytes(28) + _s15(0.9642, 1.0, 0.8249)
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def cmyk_profile() -> bytes:
    """A CMYK printer profile over the process inks in INKS."""
    corners = [(c, m, y, k) for c in (0, 1) for m in (0, 1) for y in (0, 1) for k in (0, 1)]
    return lut_profile(b"CMYK", b"prtr", [_ink_mix(corner) for corner in corners])


def rotated_rgb_profile() -> bytes:
    """An RGB profile whose device red is green, green blue and blue red, so that applying
    it (or not) is visible."""
    corners = [(r, g, b) for r in (0, 255) for g in (0, 255) for b in (0, 255)]
    return lut_profile(b"RGB ", b"mntr", [(b, r, g) for r, g, b in corners])


def profiled_png(mode: str = "RGB") -> bytes:
    """Device-red pixels tagged with the rotated profile (they mean sRGB green)."""
    img = Image.new(mode, (16, 16), (255, 0, 0, 128)[: len(mode)])
    return encode(img, "PNG", icc_profile=rotated_rgb_profile())


def cmyk_jpeg(*, with_profile: bool, size: tuple[int, int] = (32, 32)) -> bytes:
    """Pure cyan ink (C=100 %), optionally with the embedded CMYK profile."""
    img = Image.new("CMYK", size, (255, 0, 0, 0))
    options = {"icc_profile": cmyk_profile()} if with_profile else {}
    return encode(img, "JPEG", quality=95, **options)


def animated(fmt: str, colours: tuple[tuple[int, int, int], ...] = (RED, GREEN, BLUE)) -> bytes:
    """A three-frame animation (GIF or WEBP), frame 0 red."""
    frames = [Image.new("RGB", (24, 16), colour) for colour in colours]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def two_colour(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """Left half red, right half blue."""
    img = Image.new("RGB", size, BLUE)
    img.paste(RED, (0, 0, size[0] // 2, size[1]))
    return img


def heic(size: tuple[int, int] = (64, 48)) -> bytes:
    """An HEIC photo as iPhones send, via pillow-heif."""
    return encode(two_colour(size), "HEIF", quality=90)


def mpo() -> bytes:
    """A JPEG with a second picture appended (MPO), as some phone cameras write."""
    img = two_colour()
    return encode(img, "MPO", save_all=True, append_images=[img.convert("L").convert("RGB")])


SVG = Upload(
    "logo.svg",
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>',
)
TEXT = Upload("photo.jpg", b"Ca phe Arabica Son La - not a photo at all\n")


def pdf() -> bytes:
    """A one-page PDF made by Pillow."""
    return encode(two_colour(), "PDF")


def header(data: bytes) -> bytes:
    """A JPEG's segments before its image data, where metadata lives: the compressed pixels
    of a noisy photo can spell "GPS" by chance, so tests search only this part."""
    return data[: data.index(b"\xff\xda")] if data.startswith(b"\xff\xd8") else data
