"""The photo pipeline on a generated corpus: what is refused, how photos are fixed up,
and that every rendition satisfies its rule without leaking metadata."""

from __future__ import annotations

import io
import pickle
import time
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from PIL import ImageFile
from PIL import JpegImagePlugin

from marketplace.catalog import images
from marketplace.catalog.image_rules import DISPLAY
from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.catalog.image_rules import THUMBNAIL
from marketplace.catalog.image_rules import all_rules
from marketplace.catalog.images import ImageError
from marketplace.platforms import ImageRule
from tests.catalog import image_corpus as corpus

needs_heif = pytest.mark.skipif(
    not corpus.heif_available(), reason="pillow-heif has no HEVC encoder here"
)
LAZADA = PLATFORM_RULES["lazada"]
# A 1:1 JPEG of at most 1200 px that needs 300 px, as a listing sheet would want.
SHEET = ImageRule("sheet", max_side=1200, min_side=300, square=True, max_bytes=2 * 1024 * 1024)
JPEG_PLAIN = ImageRule("plain", max_side=1000, format="JPEG", quality=90)
JPEG_SQUARE = ImageRule("square", max_side=1000, square=True, format="JPEG", quality=90)


def decoded(data: bytes) -> Image.Image:
    """Decode a rendition for inspection."""
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def close(actual: Any, expected: tuple[int, ...], tolerance: int = 40) -> bool:
    """Whether two colours are within tolerance on every channel (lossy codecs)."""
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def code_of(call: Callable[[], object]) -> str:
    """The ImageError code the call raises."""
    with pytest.raises(ImageError) as info:
        call()
    return info.value.code


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any pixel data is decoded."""

    def refuse(self: Any) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


class TestOpenImage:
    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (b"", "empty"),
            (corpus.TEXT.data, "not_an_image"),
            (bytes(range(256)) * 4, "not_an_image"),
            (corpus.SVG.data, "unsupported_format"),
            (corpus.pdf(), "unsupported_format"),
            (corpus.encode(corpus.two_colour(), "TIFF"), "unsupported_format"),
            (corpus.encode(corpus.two_colour(), "BMP"), "unsupported_format"),
            (corpus.encode(corpus.two_colour(), "ICO"), "unsupported_format"),
            (corpus.encode(corpus.two_colour(), "AVIF"), "unsupported_format"),
            (corpus.truncated(corpus.photo_jpeg((120, 90))), "truncated"),
            (corpus.truncated(corpus.encode(corpus.textured((60, 40)), "PNG")), "truncated"),
            (corpus.truncated(corpus.encode(corpus.textured((60, 40)), "WEBP")), "truncated"),
            (corpus.truncated(corpus.encode(corpus.textured((60, 40)), "GIF")), "truncated"),
            (corpus.truncated(corpus.photo_jpeg((120, 90)), keep=0.02), "truncated"),
        ],
        ids=[
            "empty",
            "text-named-photo.jpg",
            "random-bytes",
            "svg",
            "pdf",
            "tiff",
            "bmp",
            "ico",
            "avif",
            "truncated-jpeg",
            "truncated-png",
            "truncated-webp",
            "truncated-gif",
            "jpeg-cut-in-header",
        ],
    )
    def test_refused(self, data: bytes, code: str) -> None:
        assert code_of(lambda: images.open_image(data)) == code

    @pytest.mark.parametrize("kind", [b"zTXt", b"iTXt", b"iCCP"], ids=["ztxt", "itxt", "iccp"])
    def test_a_png_metadata_bomb_is_named_as_such(self, kind: bytes) -> None:
        data = corpus.png_with_metadata_bomb(kind)
        assert code_of(lambda: images.open_image(data)) == "metadata_too_large"

    @needs_heif
    def test_a_garbage_heic_is_damaged_not_cut_off(self) -> None:
        assert code_of(lambda: images.open_image(corpus.garbage_heic())) == "damaged"

    def test_a_lossless_image_past_the_decode_budget_is_refused_from_its_header(
        self, no_decoding: None
    ) -> None:
        data = corpus.png_bomb(5_000, 4_000)  # 20 MP: under the limit, over the PNG budget
        assert code_of(lambda: images.open_image(data)) == "too_many_pixels_for_format"

    @needs_heif
    def test_truncated_heic(self) -> None:
        assert code_of(lambda: images.open_image(corpus.truncated(corpus.heic()))) == "truncated"

    @pytest.mark.parametrize(
        ("data", "fmt", "size"),
        [
            (corpus.photo_jpeg((64, 48)), "JPEG", (64, 48)),
            (corpus.encode(corpus.two_colour(), "PNG"), "PNG", (64, 48)),
            (corpus.encode(corpus.two_colour(), "WEBP"), "WEBP", (64, 48)),
            (corpus.animated("GIF"), "GIF", (24, 16)),
            (corpus.animated("WEBP"), "WEBP", (24, 16)),
            (corpus.mpo(), "MPO", (64, 48)),
        ],
        ids=["jpeg", "png", "webp", "animated-gif", "animated-webp", "mpo-phone-jpeg"],
    )
    def test_accepted(self, data: bytes, fmt: str, size: tuple[int, int]) -> None:
        img = images.open_image(data)
        assert (img.format, img.size) == (fmt, size)

    @needs_heif
    def test_heic(self) -> None:
        img = images.normalise(images.open_image(corpus.heic()))
        assert img.size == (64, 48)
        assert close(img.getpixel((4, 4)), corpus.RED)
        assert close(img.getpixel((60, 44)), corpus.BLUE)

    @pytest.mark.parametrize("fmt", ["GIF", "WEBP"], ids=["gif", "webp"])
    def test_animation_gives_frame_zero(self, fmt: str) -> None:
        img = images.normalise(images.open_image(corpus.animated(fmt)))
        assert close(img.getpixel((12, 8)), corpus.RED, tolerance=10)

    @pytest.mark.parametrize(
        ("width", "height"),
        [(30_000, 30_000), (10_000, 10_000), (7_000, 7_000)],
        ids=["pillow-bomb-error", "pillow-bomb-warning", "over-our-limit"],
    )
    def test_bomb_refused_before_decoding(self, no_decoding: None, width: int, height: int) -> None:
        data = corpus.png_bomb(width, height)
        start = time.perf_counter()
        assert code_of(lambda: images.open_image(data)) == "too_many_pixels"
        assert code_of(lambda: images.render_all(data, all_rules())) == "too_many_pixels"
        assert time.perf_counter() - start < 0.5
        assert len(data) < 100

    def test_max_pixels_is_configurable(self) -> None:
        data = corpus.photo_jpeg((64, 48))
        assert code_of(lambda: images.open_image(data, max_pixels=64 * 48 - 1)) == (
            "too_many_pixels"
        )
        assert images.open_image(data, max_pixels=64 * 48).size == (64, 48)

    @pytest.mark.parametrize(
        ("draft_size", "decoded_size"),
        [(None, (1600, 1200)), ((800, 600), (800, 600)), ((500, 500), (800, 600))],
        ids=["no-draft", "quarter", "at-least-requested"],
    )
    def test_draft_decodes_jpeg_smaller(
        self, draft_size: tuple[int, int] | None, decoded_size: tuple[int, int]
    ) -> None:
        data = corpus.encode(corpus.two_colour((1600, 1200)), "JPEG")
        assert images.open_image(data, draft_size=draft_size).size == decoded_size


class TestProbe:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (corpus.rotated_jpeg(), ("JPEG", 30, 40)),
            (corpus.photo_jpeg((64, 48)), ("JPEG", 64, 48)),
            (corpus.mpo(), ("JPEG", 64, 48)),
            (corpus.sixteen_bit_png(), ("PNG", 256, 8)),
            (corpus.animated("GIF"), ("GIF", 24, 16)),
            (corpus.encode(corpus.two_colour(), "WEBP"), ("WEBP", 64, 48)),
        ],
        ids=["exif-rotated-jpeg", "jpeg", "mpo", "png-16-bit", "gif", "webp"],
    )
    def test_without_decoding(
        self, no_decoding: None, data: bytes, expected: tuple[str, int, int]
    ) -> None:
        assert images.probe(data) == expected

    @needs_heif
    def test_heic(self) -> None:
        assert images.probe(corpus.heic((64, 48))) == ("HEIF", 64, 48)

    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (b"", "empty"),
            (corpus.SVG.data, "unsupported_format"),
            (corpus.png_bomb(9_000, 9_000), "too_many_pixels"),
        ],
        ids=["empty", "svg", "bomb"],
    )
    def test_refused(self, data: bytes, code: str) -> None:
        assert code_of(lambda: images.probe(data)) == code


class TestNormalise:
    def test_sixteen_bit_png_is_scaled_not_clipped(self) -> None:
        img = images.normalise(images.open_image(corpus.sixteen_bit_png()))
        assert (img.mode, img.size) == ("RGB", (256, 8))
        assert img.getpixel((0, 0)) == (0, 0, 0)
        assert close(img.getpixel((128, 0)), (128, 128, 128), tolerance=2)
        assert img.getpixel((255, 0)) == (255, 255, 255)

    def test_palette_transparency_becomes_alpha(self) -> None:
        img = images.normalise(images.open_image(corpus.palette_png()))
        assert img.mode == "RGBA"
        assert img.getpixel((0, 0)) == (*corpus.RED, 255)
        assert img.getpixel((15, 0))[3] == 0  # type: ignore[index]

    @pytest.mark.parametrize(
        ("with_profile", "expected"),
        [(False, (0, 255, 255)), (True, corpus.INKS["C"])],
        ids=["cmyk-plain", "cmyk-embedded-icc"],
    )
    def test_cmyk_jpeg_to_srgb(self, with_profile: bool, expected: tuple[int, int, int]) -> None:
        img = images.normalise(images.open_image(corpus.cmyk_jpeg(with_profile=with_profile)))
        assert img.mode == "RGB"
        assert close(img.getpixel((16, 16)), expected, tolerance=12)

    @pytest.mark.parametrize("mode", ["RGB", "RGBA"], ids=["rgb", "rgba-keeps-alpha"])
    def test_embedded_rgb_profile_applied(self, mode: str) -> None:
        img = images.normalise(images.open_image(corpus.profiled_png(mode)))
        assert img.mode == mode
        pixel: Any = img.getpixel((3, 3))
        assert close(pixel[:3], (0, 255, 0), tolerance=12)  # device red means sRGB green
        assert pixel[3:] == ((128,) if mode == "RGBA" else ())
        assert "icc_profile" not in img.info

    def test_exif_orientation_applied(self) -> None:
        img = images.normalise(images.open_image(corpus.rotated_jpeg()))
        assert img.size == (30, 40)  # portrait
        assert close(img.getpixel((26, 3)), corpus.RED)  # stored top-left → shown top-right
        for corner in [(3, 3), (3, 36), (26, 36)]:
            assert close(img.getpixel(corner), corpus.WHITE)

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [("L", "RGB"), ("LA", "RGBA"), ("1", "RGB"), ("P", "RGB"), ("RGBA", "RGBA")],
        ids=["grey", "grey-alpha", "bilevel", "palette-opaque", "rgba"],
    )
    def test_result_mode(self, mode: str, expected: str) -> None:
        source = images.open_image(corpus.encode(corpus.two_colour().convert(mode), "PNG"))
        assert images.normalise(source).mode == expected

    def test_all_metadata_stripped(self) -> None:
        source = images.open_image(corpus.gps_jpeg())
        assert source.getexif().get_ifd(0x8825)  # the corpus photo does carry GPS
        img = images.normalise(source)
        assert img.info == {}
        assert not img.getexif()
        assert img is not source
        assert "exif" in source.info  # the caller's image is left alone


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """A 2100×1575 phone-like photo with GPS, larger than every rule's max_side."""
    return corpus.encode(corpus.textured((2100, 1575)), "JPEG", quality=90, exif=corpus.gps_exif())


@pytest.fixture(scope="module")
def renditions(big_photo: bytes) -> dict[str, bytes | ImageError]:
    return images.render_all(big_photo, all_rules())


class TestRender:
    def test_never_upscales(self) -> None:
        img = images.normalise(images.open_image(corpus.photo_jpeg((100, 80))))
        assert decoded(images.render(img, DISPLAY)).size == (100, 80)
        assert decoded(images.render(img, THUMBNAIL)).size == (100, 100)

    def test_scales_longer_side_and_pads_square_on_white(self) -> None:
        img = images.normalise(
            images.open_image(corpus.encode(corpus.two_colour((400, 200)), "PNG"))
        )
        rule = ImageRule("sq", max_side=100, square=True, format="PNG")
        out = decoded(images.render(img, rule))
        assert out.size == (100, 100)
        assert out.getpixel((50, 5)) == (255, 255, 255)  # padding above
        assert close(out.getpixel((10, 50)), corpus.RED, tolerance=5)

    @pytest.mark.parametrize("rule", [JPEG_PLAIN, JPEG_SQUARE], ids=["jpeg", "jpeg-square"])
    def test_transparency_flattened_on_white_for_jpeg(self, rule: ImageRule) -> None:
        img = images.normalise(images.open_image(corpus.palette_png()))
        out = decoded(images.render(img, rule))
        assert out.mode == "RGB"
        top = (out.size[1] - 8) // 2
        assert close(out.getpixel((2, top + 4)), corpus.RED, tolerance=60)
        assert close(out.getpixel((14, top + 4)), corpus.WHITE, tolerance=20)

    def test_too_small(self) -> None:
        img = images.normalise(images.open_image(corpus.photo_jpeg((200, 150))))
        with pytest.raises(ImageError) as info:
            images.render(img, LAZADA)
        assert info.value.code == "too_small"
        assert info.value.params["min_side"] == 330

    @pytest.mark.parametrize(
        ("rule", "max_side"),
        [
            (ImageRule("q", max_side=600, format="JPEG", max_bytes=60_000, quality=95), 600),
            (ImageRule("s", max_side=600, format="JPEG", max_bytes=20_000, quality=95), 599),
            (ImageRule("w", max_side=600, format="WEBP", max_bytes=70_000, quality=95), 600),
            (ImageRule("p", max_side=600, format="PNG", max_bytes=400_000), 599),
        ],
        ids=["jpeg-lower-quality", "jpeg-shrinks", "webp-lower-quality", "png-shrinks"],
    )
    def test_byte_budget_met(self, rule: ImageRule, max_side: int) -> None:
        img = images.normalise(images.open_image(corpus.photo_jpeg((600, 450))))
        out = images.render(img, rule)
        assert len(out) <= rule.max_bytes
        if max_side == rule.max_side:
            assert max(decoded(out).size) == max_side  # quality lowered, size kept
        else:
            assert max(decoded(out).size) <= max_side  # had to shrink

    def test_metadata_in_the_image_is_not_written(self) -> None:
        out = images.render(images.open_image(corpus.gps_jpeg()), JPEG_PLAIN)
        assert b"GPS" not in corpus.header(out)
        assert not decoded(out).getexif()


class TestRenderAll:
    @pytest.mark.parametrize("rule", all_rules(), ids=[rule.name for rule in all_rules()])
    def test_rendition_satisfies_rule(
        self, renditions: dict[str, bytes | ImageError], rule: ImageRule
    ) -> None:
        out = renditions[rule.name]
        assert isinstance(out, bytes)
        img = decoded(out)
        assert img.format == rule.format
        assert len(out) <= rule.max_bytes
        assert max(img.size) == rule.max_side  # the photo is larger than every rule
        if rule.square:
            assert img.size[0] == img.size[1]
        else:
            assert img.size == (rule.max_side, rule.max_side * 3 // 4)

    @pytest.mark.parametrize("rule", all_rules(), ids=[rule.name for rule in all_rules()])
    def test_no_metadata_in_any_rendition(
        self, renditions: dict[str, bytes | ImageError], rule: ImageRule
    ) -> None:
        out = renditions[rule.name]
        assert isinstance(out, bytes)
        for marker in (b"GPS", b"Exif", b"PhoneMaker", b"ICC_PROFILE", b"xmpmeta"):
            assert marker not in corpus.header(out)
        img = decoded(out)
        assert not img.getexif()
        assert not {"exif", "icc_profile", "xmp"} & set(img.info)

    def test_metadata_rich_upload(self) -> None:
        for name, out in images.render_all(corpus.gps_jpeg(), all_rules()).items():
            assert isinstance(out, bytes), name
            assert b"GPS" not in corpus.header(out)
            assert b"Exif" not in corpus.header(out)

    def test_too_small_does_not_stop_the_others(self) -> None:
        out = images.render_all(corpus.photo_jpeg((200, 150)), all_rules())
        assert list(out) == [rule.name for rule in all_rules()]
        for name in PLATFORM_RULES:
            error = out[name]
            assert isinstance(error, ImageError)
            assert error.code == "too_small"
        thumb, display = out["thumb"], out["display"]
        assert isinstance(thumb, bytes)
        assert isinstance(display, bytes)
        assert decoded(thumb).size == (160, 160)
        assert decoded(display).size == (200, 150)

    def test_unreadable_upload_raises(self) -> None:
        assert code_of(lambda: images.render_all(corpus.TEXT.data, all_rules())) == "not_an_image"

    @pytest.mark.parametrize(
        ("size", "rules", "decoded_size"),
        [
            ((3200, 2400), [THUMBNAIL], (400, 300)),
            ((3200, 2400), [THUMBNAIL, DISPLAY], (800, 600)),
            ((3200, 2400), [SHEET], (1600, 1200)),
            ((2400, 3200), [DISPLAY], (600, 800)),
            ((3200, 2400), all_rules(), (3200, 2400)),  # Shopee's 2048 px: half size too small
        ],
        ids=["thumb", "thumb-display", "sheet", "portrait", "all"],
    )
    def test_draft_mode_used_for_big_jpeg(
        self,
        monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int],
        rules: list[ImageRule],
        decoded_size: tuple[int, int],
    ) -> None:
        sizes: list[tuple[int, int]] = []
        original = JpegImagePlugin.JpegImageFile.draft

        def spy(self: JpegImagePlugin.JpegImageFile, mode: Any, size: Any) -> Any:
            result = original(self, mode, size)
            sizes.append(self.size)
            return result

        monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
        data = corpus.encode(corpus.two_colour(size), "JPEG")
        out = images.render_all(data, rules)
        assert sizes == [decoded_size]
        for rule in rules:
            rendition = out[rule.name]
            assert isinstance(rendition, bytes)
            assert max(decoded(rendition).size) == rule.max_side

    def test_too_small_judged_on_the_original_not_the_draft(self) -> None:
        data = corpus.encode(corpus.two_colour((4000, 400)), "JPEG")  # drafted to 2000×200
        out = images.render_all(data, [SHEET])[SHEET.name]  # needs 300 px
        assert isinstance(out, bytes)
        assert decoded(out).size == (1200, 1200)

    def test_same_sizes_as_rendering_from_full_image(self) -> None:
        data = corpus.encode(corpus.two_colour((2101, 1003)), "JPEG", exif=corpus.gps_exif(6))
        full = images.normalise(images.open_image(data))
        fast = images.render_all(data, all_rules())
        for rule in all_rules():
            piece = fast[rule.name]
            assert isinstance(piece, bytes)
            assert decoded(piece).size == decoded(images.render(full, rule)).size
        assert full.size == (1003, 2101)

    def test_rotated_photo_stays_upright(self) -> None:
        out = images.render_all(corpus.rotated_jpeg(), [DISPLAY, JPEG_PLAIN])
        for piece in out.values():
            assert isinstance(piece, bytes)
            img = decoded(piece).convert("RGB")
            assert img.size == (30, 40)
            assert close(img.getpixel((26, 3)), corpus.RED, tolerance=60)

    def test_error_survives_pickling(self) -> None:
        error = images.render_all(corpus.photo_jpeg((200, 150)), [LAZADA])["lazada"]
        assert isinstance(error, ImageError)
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert isinstance(copy, ImageError)
        assert (copy.code, str(copy), copy.params) == ("too_small", str(error), error.params)
