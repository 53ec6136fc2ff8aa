"""`flask backup` and `flask restore`: the round trip, the keys, and every refusal changing
nothing."""

from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.backup import database
from marketplace.backup.archive import BackupError
from marketplace.backup.service import migration_heads
from marketplace.extensions import db
from tests.backup.conftest import EmptyInstance
from tests.backup.conftest import Source
from tests.backup.conftest import cli
from tests.backup.conftest import rewrite
from tests.backup.conftest import state

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def archive(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archives") / "plain.tar.gz"
    result = cli(source.app, "backup", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert "the encryption keys are NOT in this backup" in result.output
    return path


def tables(app: Flask) -> list[str]:
    with app.app_context():
        with db.engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
        db.engine.dispose()
    return names


def media_files(app: Flask) -> list[Path]:
    return sorted(p for p in Path(app.config["MEDIA_ROOT"]).rglob("*") if p.is_file())


def test_the_archive_is_private_and_lists_every_file_with_its_hash(
    source: Source, archive: Path
) -> None:
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        names = set(tar.getnames())
    with source.app.app_context():
        assert manifest["alembic_revision"] == database.revision(db.engine)
        kind = db.engine.dialect.name
    assert manifest["database"] == kind
    assert manifest["with_keys"] is False
    assert {"app_version", "created_at"} <= set(manifest)
    listed = {entry["path"] for entry in manifest["files"]}
    assert names == listed | {"manifest.json"}
    assert f"database/{database.file_name(kind)}" in listed
    # Every photo's original and renditions are in, the keys are not.
    in_media = {Path(p).name for p in listed if p.startswith("media/")}
    assert in_media == set(state(source.app)["files"])
    assert not any(p.startswith("keys/") for p in listed)


def test_a_restore_into_an_empty_instance_gives_back_everything(
    source: Source, archive: Path, empty_instance: EmptyInstance
) -> None:
    target = empty_instance(ENCRYPTION_KEYS=source.app.config["ENCRYPTION_KEYS"])
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "The schema is at this release's revision" in result.output
    assert "cannot be decrypted" not in result.output
    assert state(target) == state(source.app)


def test_without_the_keys_the_tokens_are_reported_unreadable(
    source: Source, archive: Path, empty_instance: EmptyInstance
) -> None:
    target = empty_instance()  # keys of its own, generated into its instance folder
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "stored tokens or secrets cannot be decrypted" in result.output


def test_a_backup_with_keys_restores_shops_whose_tokens_decrypt(
    source: Source, empty_instance: EmptyInstance, tmp_path: Path
) -> None:
    path = tmp_path / "keys.tar.gz"
    result = cli(source.app, "backup", "--with-keys", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert "Encrypt it before it leaves this machine" in result.output
    target = empty_instance()
    result = cli(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "cannot be decrypted" not in result.output
    instance = Path(target.instance_path)
    keys = (instance / "encryption_keys").read_text()
    assert keys == source.app.config["ENCRYPTION_KEYS"]
    assert stat.S_IMODE((instance / "encryption_keys").stat().st_mode) == 0o600
    assert state(target)["shops"] == state(source.app)["shops"]


def test_a_second_restore_is_refused_and_changes_nothing(
    source: Source, archive: Path, empty_instance: EmptyInstance
) -> None:
    target = empty_instance(ENCRYPTION_KEYS=source.app.config["ENCRYPTION_KEYS"])
    assert cli(target, "restore", str(archive)).exit_code == 0
    with target.app_context():
        db.session.execute(sa.text("UPDATE products SET name = 'sửa sau khi khôi phục'"))
        db.session.commit()
        db.session.remove()
    before = state(target)
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 1
    assert "This instance is not empty, so nothing was restored: table " in result.output
    assert "--force" in result.output
    assert state(target) == before
    # --force puts the backup back over it.
    result = cli(target, "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert state(target) == state(source.app)


def test_media_files_alone_make_an_instance_not_empty(
    archive: Path, empty_instance: EmptyInstance
) -> None:
    target = empty_instance()
    stray = Path(target.config["MEDIA_ROOT"]) / "originals" / "ab" / "cd" / "x"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 1
    assert "media folder" in result.output
    assert tables(target) == []
    assert media_files(target) == [stray]


def test_after_a_migrate_the_empty_tables_still_take_a_restore(
    source: Source, archive: Path, empty_instance: EmptyInstance
) -> None:
    """An operator who ran `flask db upgrade` and nothing else has no data to lose."""
    target = empty_instance(ENCRYPTION_KEYS=source.app.config["ENCRYPTION_KEYS"])
    with target.app_context():
        db.create_all()  # tables, but no row, not even in alembic_version
        db.engine.dispose()
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert state(target) == state(source.app)


def damage(name: str, data: bytes) -> bytes | None:
    return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("media/renditions/") else data


def drop_database(name: str, data: bytes) -> bytes | None:
    return None if name.startswith("database/") else data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (damage, "SHA-256 or size differs: media/renditions/"),
        (drop_database, "missing: database/"),
        (lambda name, data: None if name == "manifest.json" else data, "has no manifest.json"),
    ],
    ids=["damaged-file", "missing-file", "no-manifest"],
)
def test_a_damaged_archive_is_refused_and_nothing_is_restored(
    archive: Path, empty_instance: EmptyInstance, tmp_path: Path, change: object, message: str
) -> None:
    bad = tmp_path / "bad.tar.gz"
    rewrite(archive, bad, change)  # type: ignore[arg-type]
    target = empty_instance()
    result = cli(target, "restore", str(bad))
    assert result.exit_code == 1
    assert message in result.output
    assert tables(target) == []
    assert media_files(target) == []
    assert not list(Path(target.instance_path).glob(".restore-*"))  # no staging left behind


def test_an_archive_with_a_file_not_in_its_manifest_is_refused(
    archive: Path, empty_instance: EmptyInstance, tmp_path: Path
) -> None:
    bad = tmp_path / "extra.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(bad, "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        extra = tarfile.TarInfo("media/originals/zz/zz/planted")
        extra.size = 3
        new.addfile(extra, io.BytesIO(b"bad"))
    target = empty_instance()
    result = cli(target, "restore", str(bad))
    assert result.exit_code == 1
    assert "not in the manifest: media/originals/zz/zz/planted" in result.output
    assert tables(target) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"not a backup at all", "is not a readable backup archive"),
        (0.5, "is not a readable backup archive"),
    ],
    ids=["missing", "foreign", "truncated"],
)
def test_a_missing_foreign_or_truncated_file_is_refused(
    archive: Path,
    empty_instance: EmptyInstance,
    tmp_path: Path,
    content: bytes | float | None,
    message: str,
) -> None:
    path = tmp_path / "backup.tar.gz"
    if isinstance(content, float):  # the first part of a real archive, as a cut copy leaves
        data = archive.read_bytes()
        path.write_bytes(data[: int(len(data) * content)])
    elif content is not None:
        path.write_bytes(content)
    target = empty_instance()
    result = cli(target, "restore", str(path))
    assert result.exit_code == 1
    assert message in result.output
    assert tables(target) == []


def test_backup_never_overwrites_an_archive(source: Source, archive: Path) -> None:
    before = archive.read_bytes()
    result = cli(source.app, "backup", "--output", str(archive))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert archive.read_bytes() == before


def test_postgres_credentials_go_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = sa.make_url("postgresql+psycopg://shop:s3cr%40t@db.example:6543/market?sslmode=require")
    assert database.pg_environment(url) == {
        "PGHOST": "db.example",
        "PGPORT": "6543",
        "PGUSER": "shop",
        "PGPASSWORD": "s3cr@t",
        "PGDATABASE": "market",
        "PGSSLMODE": "require",
    }
    seen: dict[str, object] = {}

    def run(args: list[str], env: dict[str, str], **kwargs: object) -> object:
        seen.update(args=args, env=env)
        return type("Done", (), {"returncode": 0, "stderr": ""})()

    monkeypatch.setattr(database.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(database.subprocess, "run", run)
    database._pg_run("pg_dump", ["--format=custom", "--file=/tmp/x"], url)
    assert not any("s3cr" in str(arg) for arg in seen["args"])  # type: ignore[attr-defined]
    assert seen["env"]["PGPASSWORD"] == "s3cr@t"  # type: ignore[index]


def test_a_missing_pg_dump_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database.shutil, "which", lambda name: None)
    url = sa.make_url("postgresql+psycopg://postgres@127.0.0.1/x")
    with pytest.raises(BackupError, match="pg_dump is not installed: install the PostgreSQL"):
        database._pg_run("pg_dump", [], url)


def test_a_backup_of_an_older_schema_asks_for_db_upgrade(
    empty_instance: EmptyInstance, tmp_path: Path
) -> None:
    old = empty_instance("old")
    with old.app_context():
        script, heads = migration_heads()
        previous = script.get_revision(next(iter(heads))).down_revision
        assert isinstance(previous, str)
        flask_migrate.upgrade(revision=previous)
        db.engine.dispose()
    path = tmp_path / "old.tar.gz"
    assert cli(old, "backup", "--output", str(path)).exit_code == 0
    target = empty_instance("new")
    result = cli(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert f"The database is at revision {previous}" in result.output
    assert "run `flask --app wsgi db upgrade` before starting the app" in result.output
    with target.app_context():
        flask_migrate.upgrade()
        assert database.revision(db.engine) in heads
        db.engine.dispose()


def test_a_backup_from_a_newer_release_is_refused(
    archive: Path, empty_instance: EmptyInstance, tmp_path: Path
) -> None:
    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"], manifest["app_version"] = "f00dfeedbeef", "9.0.0"
        return json.dumps(manifest).encode()

    bad = tmp_path / "newer.tar.gz"
    rewrite(archive, bad, newer)
    target = empty_instance()
    result = cli(target, "restore", str(bad))
    assert result.exit_code == 1
    assert "f00dfeedbeef is unknown to this release (made by version 9.0.0" in result.output
    assert tables(target) == []
