"""The backup archive: a gzipped tar whose ``manifest.json`` lists every other member.

Layout::

    manifest.json            format, app version, alembic revision, database kind, created at,
                             with_keys, and every file with its size and SHA-256
    database/<file>          marketplace.sqlite3 (a SQLite file) or marketplace.pgdump
                             (pg_dump --format=custom)
    media/...                MEDIA_ROOT as it is on disk
    exports/...              EXPORT_DIR
    keys/encryption_keys     only with --with-keys
    keys/secret_key

Reading never trusts a member's name: only plain files and folders inside the archive are
taken, each written under the staging folder and hashed as it is written, and the whole set
must be exactly the manifest's.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from pathlib import PurePosixPath
from typing import IO
from typing import Any

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class FileEntry:
    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    app_version: str
    alembic_revision: str | None
    database: str  # "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC
    with_keys: bool
    files: list[FileEntry] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw: dict[str, Any] = json.loads(data)
            files = [FileEntry(**entry) for entry in raw.pop("files")]
            manifest = cls(files=files, **raw)
        except (ValueError, TypeError, KeyError) as error:
            raise BackupError(f"The archive's manifest is not readable: {error}.") from None
        if manifest.format != FORMAT:
            raise BackupError(
                f"The archive has format {manifest.format}; this release reads format {FORMAT}."
            )
        return manifest


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def private_file(path: Path) -> IO[bytes]:
    """A new file only its owner may read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


class ArchiveWriter:
    """Adds files to a .tar.gz, noting each one's size and SHA-256 for the manifest."""

    def __init__(self, handle: IO[bytes]) -> None:
        # Closed by close(), which writes the manifest last.
        self.tar = tarfile.open(  # noqa: SIM115
            fileobj=handle, mode="w:gz", format=tarfile.PAX_FORMAT
        )
        self.files: list[FileEntry] = []

    def add_file(self, source: Path, name: str) -> None:
        """Add ``source`` as ``name``; a file removed meanwhile is skipped."""
        try:
            handle = source.open("rb")
        except FileNotFoundError:
            return
        with handle:
            info = tarfile.TarInfo(name)
            info.size = os.fstat(handle.fileno()).st_size
            info.mtime = int(time.time())
            info.mode = 0o600
            reader = _HashingReader(handle)
            self.tar.addfile(info, reader)
        self.files.append(FileEntry(name, info.size, reader.digest.hexdigest()))

    def add_tree(self, root: Path, prefix: str) -> int:
        """Every regular file under ``root`` (none if it is missing) as ``prefix/<relative>``."""
        count = 0
        for path in sorted(walk(root)):
            self.add_file(path, f"{prefix}/{path.relative_to(root).as_posix()}")
            count += 1
        return count

    def add_bytes(self, data: bytes, name: str) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.files.append(FileEntry(name, len(data), hashlib.sha256(data).hexdigest()))

    def close(self, manifest: Manifest) -> None:
        manifest.files = list(self.files)
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()


def walk(root: Path) -> Iterator[Path]:
    """Regular files under ``root``, leaving out half-written ``.tmp-*`` files."""
    if not root.is_dir():
        return
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not name.startswith(".tmp-") and path.is_file() and not path.is_symlink():
                yield path


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe path: {name!r}.")
    return path


def unpack(archive: Path, staging: Path) -> Manifest:
    """Write the archive's files under ``staging`` and check them against its manifest.

    Raises ``BackupError`` for anything short of an exact match: a file missing, one more
    than listed, a size or SHA-256 that differs, a broken archive.
    """
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            member = tar.getmember(MANIFEST)
            handle = tar.extractfile(member)
            if handle is None:
                raise BackupError("The archive's manifest is not a file.")
            manifest = Manifest.from_json(handle.read())
            seen = _unpack_members(tar, staging)
    except KeyError:
        raise BackupError(f"{archive} has no {MANIFEST}: not a backup of this app.") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}.") from None
    expected = {entry.path: entry for entry in manifest.files}
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    wrong = sorted(name for name in set(seen) & set(expected) if seen[name] != expected[name])
    if missing or extra or wrong:
        details = [
            *(f"missing: {name}" for name in missing[:5]),
            *(f"not in the manifest: {name}" for name in extra[:5]),
            *(f"SHA-256 or size differs: {name}" for name in wrong[:5]),
        ]
        raise BackupError(
            "The archive does not match its manifest (damaged or altered); nothing was "
            "restored.\n  " + "\n  ".join(details)
        )
    return manifest


def _unpack_members(tar: tarfile.TarFile, staging: Path) -> dict[str, FileEntry]:
    seen: dict[str, FileEntry] = {}
    for member in tar:
        if member.name == MANIFEST or member.isdir():
            continue
        name = _safe_name(member.name)
        if not member.isfile():
            raise BackupError(f"The archive holds something other than a file: {member.name}.")
        target = staging.joinpath(*name.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        assert source is not None  # noqa: S101 - a regular file always has contents
        digest, size = hashlib.sha256(), 0
        with private_file(target) as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        seen[name.as_posix()] = FileEntry(name.as_posix(), size, digest.hexdigest())
    return seen
