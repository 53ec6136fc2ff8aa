"""``flask backup`` and ``flask restore``: the database, the media and the exports in one file.

The database is copied first, then the folders are read: photos are stored (content-addressed,
written then renamed) before the row that names them is committed, so every photo row in the
copy has its file on disk by the time the folders are read. Files that appear later are only
extra, unreferenced bytes in the archive.

The secret key and the encryption keys go in only when asked (``with_keys``): the platforms'
tokens and app secrets are encrypted with ``ENCRYPTION_KEYS``, so a backup without them
restores shops whose tokens cannot be read until the old keys are configured again (or every
shop is connected again); a backup with them must be kept encrypted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from cryptography.fernet import InvalidToken
from flask import current_app

from marketplace.backup import database
from marketplace.backup.archive import ArchiveWriter
from marketplace.backup.archive import BackupError
from marketplace.backup.archive import Manifest
from marketplace.backup.archive import private_file
from marketplace.backup.archive import unpack
from marketplace.backup.archive import walk
from marketplace.common import crypto
from marketplace.extensions import db

KEY_FILES = {"ENCRYPTION_KEYS": "encryption_keys", "SECRET_KEY": "secret_key"}


@dataclass
class BackupResult:
    path: Path
    manifest: Manifest
    counts: dict[str, int]


@dataclass
class RestoreResult:
    manifest: Manifest
    counts: dict[str, int]
    head: str | None  # the revision this release's migrations end at
    upgrade_needed: bool
    undecryptable: int  # stored secrets the configured keys cannot read
    warnings: list[str] = field(default_factory=list)


def folders() -> dict[str, Path]:
    """The folders a backup holds, by their name in the archive."""
    return {
        "media": Path(current_app.config["MEDIA_ROOT"]),
        "exports": Path(current_app.config["EXPORT_DIR"]),
    }


def default_output() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"marketplace-{stamp}.tar.gz"


def app_version() -> str:
    try:
        return metadata.version("marketplace")
    except metadata.PackageNotFoundError:
        return "unknown"


def create_backup(output: Path | None = None, with_keys: bool = False) -> BackupResult:
    """Write the archive to ``output`` (default ``instance/backups/…``), mode 0600."""
    engine = db.engine
    kind = database.kind(engine)
    path = (output or default_output()).absolute()
    if path.exists():
        raise BackupError(f"{path} already exists; choose another --output.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=path.parent))
    try:
        copy = staging / database.file_name(kind)
        revision = database.revision(engine) if kind == "postgresql" else None
        database.dump(engine, copy)
        if kind == "sqlite":
            revision = database.sqlite_revision(copy)
        manifest = Manifest(
            app_version=app_version(),
            alembic_revision=revision,
            database=kind,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            with_keys=with_keys,
        )
        counts = {}
        with private_file(partial) as handle:
            writer = ArchiveWriter(handle)
            writer.add_file(copy, f"database/{copy.name}")
            for name, folder in folders().items():
                counts[name] = writer.add_tree(folder, name)
            if with_keys:
                for setting, file in KEY_FILES.items():
                    writer.add_bytes(str(current_app.config[setting]).encode(), f"keys/{file}")
            writer.close(manifest)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts["database_bytes"] = copy_size(manifest)
    return BackupResult(path, manifest, counts)


def copy_size(manifest: Manifest) -> int:
    return sum(entry.size for entry in manifest.files if entry.path.startswith("database/"))


def not_empty() -> list[str]:
    """What of this instance already holds data (a restore would mix or overwrite it)."""
    found = [f"table {name}" for name in database.non_empty_tables(db.engine)]
    for name, folder in folders().items():
        if next(walk(folder), None) is not None:
            found.append(f"{name} folder {folder}")
    return found


def migration_heads() -> tuple[ScriptDirectory, set[str]]:
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return script, set(script.get_heads())


def restore_backup(archive: Path, force: bool = False) -> RestoreResult:
    """Put the archive's database, media and exports into this (empty) instance.

    Nothing is changed until the whole archive has been read and checked against its
    manifest, the target found empty (or ``force``) and the backup's schema known here.
    """
    engine = db.engine
    kind = database.kind(engine)
    if not force and (found := not_empty()):
        raise BackupError(
            "This instance is not empty, so nothing was restored: "
            + ", ".join(found[:6])
            + (" …" if len(found) > 6 else "")
            + ". Restore into a new database and empty media folder (do not run "
            "`flask db upgrade` first), or pass --force to overwrite."
        )
    instance = Path(current_app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=instance))
    try:
        manifest = unpack(archive, staging)
        if manifest.database != kind:
            raise BackupError(
                f"The backup holds a {manifest.database} database and this instance uses "
                f"{kind}; nothing was restored."
            )
        script, heads = migration_heads()
        known = {rev.revision for rev in script.walk_revisions()}
        if manifest.alembic_revision not in known and not force:
            raise BackupError(
                f"The backup's schema revision {manifest.alembic_revision} is unknown to this "
                f"release (made by version {manifest.app_version}, probably newer): install "
                "that release or a newer one first. Nothing was restored."
            )
        database.load(engine, staging / "database" / database.file_name(kind), replace=force)
        counts = {"database_bytes": copy_size(manifest)}
        for name, folder in folders().items():
            counts[name] = _move_tree(staging / name, folder)
        warnings = _restore_keys(staging / "keys", instance) if manifest.with_keys else []
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    revision = database.revision(engine)
    return RestoreResult(
        manifest=manifest,
        counts=counts,
        head=", ".join(sorted(heads)) or None,
        upgrade_needed=revision not in heads,
        undecryptable=undecryptable_secrets(),
        warnings=warnings,
    )


def _move_tree(source: Path, target: Path) -> int:
    count = 0
    for path in walk(source):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, destination)  # a rename on the same filesystem
        count += 1
    return count


def _restore_keys(keys: Path, instance: Path) -> list[str]:
    """Write the backup's keys where ``create_app`` reads them; say when the config overrides."""
    warnings = []
    for setting, file in KEY_FILES.items():
        value = (keys / file).read_text().strip()
        target = instance / file
        in_use = str(current_app.config.get(setting) or "")
        from_file = target.is_file() and target.read_text().strip() == in_use
        with private_file(target) as handle:
            handle.write(value.encode())
        if from_file or not in_use:
            current_app.config[setting] = value  # what the next start reads
        elif setting == "ENCRYPTION_KEYS" and not set(value.split(",")) <= set(in_use.split(",")):
            warnings.append(
                f"ENCRYPTION_KEYS is set in the configuration, so {target} is not used: add the "
                "backup's keys from that file to ENCRYPTION_KEYS or the shops' tokens cannot "
                "be read."
            )
        elif setting == "SECRET_KEY" and value != in_use:
            warnings.append(
                f"SECRET_KEY is set in the configuration, so {target} is not used; sessions "
                "signed before the backup end (users log in again)."
            )
    return warnings


def undecryptable_secrets() -> int:
    """How many stored encrypted values (tokens, app secrets) the configured keys cannot read.

    Columns the restored schema does not have yet (an older backup) are left out.
    """
    failures = 0
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        tables = set(inspector.get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name not in tables:
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present or not isinstance(column.type, crypto.EncryptedText):
                    continue
                raw = sa.text(f"SELECT {column.name} FROM {table.name}")  # noqa: S608 - model names
                for value in conn.scalars(raw):
                    try:
                        if value is not None:
                            crypto.decrypt(str(value))
                    except (InvalidToken, ValueError):
                        failures += 1
    db.engine.dispose()
    return failures
