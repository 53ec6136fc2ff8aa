"""Photos through the web: upload by content, refuse bad files cleanly, order, serve, render."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog import photos
from marketplace.catalog import tasks
from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.catalog.image_rules import all_rules
from marketplace.catalog.models import Photo
from marketplace.catalog.models import PhotoStatus
from marketplace.catalog.models import ProductStatus
from marketplace.catalog.models import Rendition
from marketplace.catalog.storage import LocalStorage
from marketplace.extensions import db
from marketplace.jobs import JobRecord
from tests import factories
from tests.catalog import image_corpus


def jpeg(
    width: int = 900, height: int = 700, colour: tuple[int, int, int] = (30, 110, 50)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def stored_files(app: Any) -> list[Path]:
    root = Path(app.config["MEDIA_ROOT"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def media_root(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    return tmp_path / "media"


@pytest.fixture
def product(cooperative: Any) -> Any:
    return factories.ProductFactory(cooperative=cooperative, status=ProductStatus.ACTIVE)


def upload(client: Any, product: Any, *files: tuple[bytes, str], **form: str) -> Any:
    data: dict[str, Any] = {"photos": [(io.BytesIO(body), name) for body, name in files], **form}
    return client.post(
        f"/products/{product.id}/photos",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


class TestStorage:
    def test_same_bytes_stored_once(self, tmp_path: Path) -> None:
        storage = LocalStorage(tmp_path)
        first = storage.put("originals", b"abc")
        second = storage.put("originals", b"abc")
        assert first == second
        assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
        assert storage.get("originals", first) == b"abc"

    @pytest.mark.parametrize(
        "key", ["../../etc/passwd", "a" * 63, "z" * 64 + "/"], ids=["traversal", "short", "slash"]
    )
    def test_bad_keys_refused(self, tmp_path: Path, key: str) -> None:
        with pytest.raises(ValueError, match="bad storage key"):
            LocalStorage(tmp_path).get("originals", key)


class TestUpload:
    def test_photo_is_stored_recorded_and_queued(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        response = upload(client, product, (jpeg(), "IMG_2041.JPG"))
        assert "Đã thêm ảnh" in response.get_data(as_text=True)
        photo = db.session.scalars(select(Photo)).one()
        assert (photo.format, photo.width, photo.height, photo.status) == (
            "JPEG",
            900,
            700,
            PhotoStatus.PROCESSING,
        )
        assert "Đang xử lý" in client.get(f"/products/{product.id}").get_data(as_text=True)
        job = db.session.scalars(select(JobRecord).where(JobRecord.kind == "photo_render")).one()
        assert job.queue == "media"
        assert len(stored_files(app)) == 1

    def test_the_job_makes_every_rendition(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        upload(client, product, (jpeg(1200, 900), "a.jpg"))
        job = db.session.scalars(select(JobRecord)).one()
        photo = db.session.scalars(select(Photo)).one()
        tasks.render_photo(job.id, photo.id)
        assert photo.status == PhotoStatus.READY
        assert sorted(r.name for r in photo.renditions) == sorted(r.name for r in all_rules())
        for name in PLATFORM_RULES:
            made = photo.rendition(name)
            assert made is not None, name
            assert made.width == made.height  # every platform rule asks for 1:1
        html = client.get(f"/products/{product.id}").get_data(as_text=True)
        thumb = photo.rendition("thumb")
        assert thumb is not None
        assert f"/media/r/{thumb.sha256}.webp" in html
        assert "Đang xử lý" not in html

    def test_bad_file_among_good_ones_saves_nothing(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        response = upload(client, product, (jpeg(), "good.jpg"), (b"hello", "notes.jpg"))
        html = response.get_data(as_text=True)
        assert "notes.jpg" in html
        assert "Không có gì được lưu." in html
        assert (count(Photo), count(JobRecord), stored_files(app)) == (0, 0, [])

    @pytest.mark.parametrize(
        ("maker", "message"),
        [
            (lambda: b"", "Tệp trống."),
            (lambda: image_corpus.TEXT.data, "không phải là ảnh"),
            (lambda: image_corpus.truncated(image_corpus.photo_jpeg((800, 600))), "không đầy đủ"),
            (lambda: image_corpus.png_bomb(30_000, 30_000), "quá lớn"),
            (lambda: image_corpus.SVG.data, "không được chấp nhận"),
            (image_corpus.pdf, "không được chấp nhận"),
            (lambda: image_corpus.png_with_metadata_bomb(b"zTXt"), "quá nhiều dữ liệu ẩn"),
            (lambda: image_corpus.png_with_metadata_bomb(b"iCCP"), "quá nhiều dữ liệu ẩn"),
            (image_corpus.garbage_heic, "bị hỏng"),
            (lambda: image_corpus.png_bomb(5_000, 4_000), "tối đa 16 megapixel"),
        ],
        ids=[
            "empty",
            "text-named-jpg",
            "truncated",
            "bomb",
            "svg",
            "pdf",
            "ztxt-bomb",
            "iccp-bomb",
            "garbage-heic",
            "20mp-png",
        ],
    )
    def test_bad_files_refused_with_reason(
        self,
        app: Any,
        client: Any,
        auth: Any,
        manager: Any,
        product: Any,
        media_root: Path,
        maker: Any,
        message: str,
    ) -> None:
        auth.login_as(manager)
        response = upload(client, product, (maker(), "photo.jpg"))
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert (count(Photo), count(JobRecord), stored_files(app)) == (0, 0, [])

    def test_over_the_upload_limit_is_a_vietnamese_page(
        self,
        app: Any,
        client: Any,
        auth: Any,
        manager: Any,
        product: Any,
        media_root: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
        auth.login_as(manager)
        response = client.post(
            f"/products/{product.id}/photos",
            data={"photos": [(io.BytesIO(b"x" * 80_000), "big.jpg")]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 413
        assert "Tệp quá lớn" in response.get_data(as_text=True)
        assert (count(Photo), stored_files(app)) == (0, [])

    def test_a_very_long_file_name_is_shortened_in_the_message(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        name = "ảnh-" + "x" * 6_000 + ".jpg"
        response = upload(client, product, (b"hello", name))
        html = response.get_data(as_text=True)
        assert "không phải là ảnh" in html  # the message reached the page
        assert "…" in html
        assert "xxxx.jpg" in html
        assert name not in html
        assert (count(Photo), stored_files(app)) == (0, [])

    def test_a_cooperative_past_its_hourly_allowance_is_refused_whole(
        self,
        app: Any,
        client: Any,
        auth: Any,
        manager: Any,
        product: Any,
        media_root: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(app.config, "PHOTO_UPLOADS_PER_HOUR", 3)
        # Mid-hour, so the uploads below cannot straddle two hours' counts.
        monkeypatch.setattr(photos, "time", SimpleNamespace(time=lambda: 1_800_000_000 + 1800))
        auth.login_as(manager)
        upload(
            client,
            product,
            (jpeg(colour=(10, 90, 90)), "1.jpg"),
            (jpeg(colour=(50, 90, 90)), "2.jpg"),
        )
        assert count(Photo) == 2
        response = upload(
            client,
            product,
            (jpeg(colour=(90, 90, 90)), "3.jpg"),
            (jpeg(colour=(130, 90, 90)), "4.jpg"),
        )
        html = response.get_data(as_text=True)
        assert "đã tải lên 3 ảnh trong giờ này" in html
        assert "Không có gì được lưu." in html
        assert count(Photo) == 2
        assert "Đã thêm ảnh" in upload(
            client, product, (jpeg(colour=(170, 90, 90)), "5.jpg")
        ).get_data(as_text=True)
        assert count(Photo) == 3

    def test_same_photo_twice_is_refused(
        self, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        upload(client, product, (jpeg(), "a.jpg"))
        response = upload(client, product, (jpeg(), "copy.jpg"))
        assert "Ảnh này đã có trong sản phẩm." in response.get_data(as_text=True)
        assert count(Photo) == 1


class TestGallery:
    def _three(self, client: Any, product: Any) -> list[Photo]:
        upload(client, product, *((jpeg(colour=(i * 40, 90, 90)), f"{i}.jpg") for i in range(3)))
        return sorted(product.photos, key=lambda p: p.position)

    def test_move_and_make_main(
        self, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        first, second, third = self._three(client, product)
        client.post(f"/products/{product.id}/photos/{third.id}/up")
        assert [p.id for p in sorted(product.photos, key=lambda p: p.position)] == [
            first.id,
            third.id,
            second.id,
        ]
        client.post(f"/products/{product.id}/photos/{second.id}/main")
        assert [p.id for p in sorted(product.photos, key=lambda p: p.position)] == [
            second.id,
            first.id,
            third.id,
        ]

    def test_delete_removes_row_and_unshared_files(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        first, _, _ = self._three(client, product)
        client.post(f"/products/{product.id}/photos/{first.id}/delete")
        assert count(Photo) == 2
        assert len(stored_files(app)) == 2

    def test_other_cooperative_cannot_touch_photos(
        self,
        client: Any,
        auth: Any,
        manager: Any,
        other_manager: Any,
        product: Any,
        media_root: Path,
    ) -> None:
        auth.login_as(manager)
        photo = self._three(client, product)[0]
        auth.logout()
        auth.login_as(other_manager)
        for action in ("up", "down", "main", "delete"):
            assert (
                client.post(f"/products/{product.id}/photos/{photo.id}/{action}").status_code == 404
            )
        assert client.get(f"/products/{product.id}/photos/{photo.id}/original").status_code == 404
        response = upload(client, product, (jpeg(), "x.jpg"))
        assert response.status_code == 404
        assert count(Photo) == 3


class TestServing:
    def _rendered(self, client: Any, auth: Any, manager: Any, product: Any) -> Photo:
        auth.login_as(manager)
        upload(client, product, (jpeg(), "a.jpg"))
        photo = db.session.scalars(select(Photo)).one()
        photos.render(photo)
        return photo

    def test_rendition_stays_cached_for_a_logged_in_user(
        self, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        # Logged-in pages are no-store; renditions are named by content and stay immutable.
        display = self._rendered(client, auth, manager, product).rendition("display")
        assert display is not None
        cache = client.get(f"/media/r/{display.sha256}.webp").headers["Cache-Control"]
        assert "no-store" not in cache
        assert "immutable" in cache

    def test_active_product_rendition_is_public_and_cached(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        photo = self._rendered(client, auth, manager, product)
        display = photo.rendition("display")
        assert display is not None
        auth.logout()
        response = app.test_client().get(f"/media/r/{display.sha256}.webp")
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert "public" in response.headers["Cache-Control"]

    def test_draft_product_photos_only_for_own_users(
        self,
        app: Any,
        client: Any,
        auth: Any,
        manager: Any,
        other_manager: Any,
        product: Any,
        media_root: Path,
    ) -> None:
        product.status = ProductStatus.DRAFT
        photo = self._rendered(client, auth, manager, product)
        thumb = photo.rendition("thumb")
        assert thumb is not None
        url = f"/media/r/{thumb.sha256}.webp"
        own = client.get(url)
        assert own.status_code == 200
        assert "private" in own.headers["Cache-Control"]
        assert app.test_client().get(url).status_code == 404
        stranger = app.test_client()
        stranger.post("/login", data={"email": other_manager.email, "password": factories.PASSWORD})
        assert stranger.get(url).status_code == 404

    def test_original_is_private(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        photo = self._rendered(client, auth, manager, product)
        response = client.get(f"/products/{product.id}/photos/{photo.id}/original")
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
        assert (
            app.test_client().get(f"/products/{product.id}/photos/{photo.id}/original").status_code
            == 302
        )


class TestReadiness:
    def test_small_photo_explains_what_lazada_needs(
        self, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        upload(client, product, (jpeg(320, 320), "small.jpg"))
        photos.render(db.session.scalars(select(Photo)).one())
        html = client.get(f"/products/{product.id}").get_data(as_text=True)
        assert "Lazada cần ít nhất một ảnh có mỗi cạnh từ 330 px trở lên." in html
        rendition = db.session.scalars(select(Rendition).where(Rendition.name == "lazada")).one()
        assert rendition.error == "too_small"

    def test_no_photo_at_all(self, client: Any, auth: Any, manager: Any, product: Any) -> None:
        auth.login_as(manager)
        html = client.get(f"/products/{product.id}").get_data(as_text=True)
        assert "Shopee cần ít nhất một ảnh." in html


ACCEPTED = {
    "16-bit-png": lambda: image_corpus.sixteen_bit_png(400, 300),
    "palette-transparency": lambda: image_corpus.palette_png((400, 300)),
    "cmyk-jpeg": lambda: image_corpus.cmyk_jpeg(with_profile=True, size=(400, 400)),
    "exif-rotated": image_corpus.rotated_jpeg,
    "gps-exif": lambda: image_corpus.gps_jpeg((800, 600)),
    "animated-gif": lambda: image_corpus.animated("GIF"),
    "webp": lambda: image_corpus.encode(image_corpus.textured((500, 400)), "WEBP"),
}


class TestAcceptedFiles:
    @pytest.mark.parametrize("kind", list(ACCEPTED), ids=list(ACCEPTED))
    def test_accepted_rendered_and_clean(
        self,
        app: Any,
        client: Any,
        auth: Any,
        manager: Any,
        product: Any,
        media_root: Path,
        kind: str,
    ) -> None:
        auth.login_as(manager)
        response = upload(client, product, (ACCEPTED[kind](), "upload"))
        assert "Đã thêm ảnh" in response.get_data(as_text=True)
        photo = db.session.scalars(select(Photo)).one()
        photos.render(photo)
        made = [r for r in photo.renditions if r.sha256]
        assert made
        storage = LocalStorage(media_root)
        for rendition in made:
            data = storage.get("renditions", rendition.sha256)
            assert b"GPS" not in image_corpus.header(data)
            assert b"Exif" not in image_corpus.header(data)
            with Image.open(io.BytesIO(data)) as img:
                assert img.mode in {"RGB", "RGBA"}
                assert not img.getexif()

    def test_heic_from_an_iphone(
        self, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        if not image_corpus.heif_available():
            pytest.skip("pillow-heif has no HEIF encoder here")
        auth.login_as(manager)
        upload(client, product, (image_corpus.heic((640, 480)), "IMG_1234.HEIC"))
        assert db.session.scalars(select(Photo)).one().format in {"HEIF", "HEIC"}


class TestRebuild:
    def test_media_rebuild_remakes_renditions(
        self, app: Any, client: Any, auth: Any, manager: Any, product: Any, media_root: Path
    ) -> None:
        auth.login_as(manager)
        upload(client, product, (jpeg(), "a.jpg"))
        photo = db.session.scalars(select(Photo)).one()
        assert photo.renditions == []
        result = app.test_cli_runner().invoke(args=["media", "rebuild", "--now"])
        assert result.exit_code == 0, result.output
        assert "1 photos rendered" in result.output
        assert photo.status == PhotoStatus.READY
        assert len(photo.renditions) == len(all_rules())
