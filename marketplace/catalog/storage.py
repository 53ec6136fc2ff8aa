"""Photo bytes in and out, content-addressed by SHA-256: the same bytes are stored once.

Originals and renditions live in separate areas: originals are never served
directly (they may carry GPS positions), renditions are public-cacheable. Only
``LocalStorage`` exists; object storage is another class with the same methods,
chosen by ``MEDIA_BACKEND``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

ORIGINALS = "originals"
RENDITIONS = "renditions"


def content_hash(data: bytes) -> str:
    """The SHA-256 hex digest that names the bytes."""
    return hashlib.sha256(data).hexdigest()


class Storage(Protocol):
    def put(self, area: str, data: bytes) -> str:
        """Store bytes (once); return their hash."""
        ...

    def get(self, area: str, sha256: str) -> bytes:
        """The stored bytes; FileNotFoundError if absent."""
        ...

    def exists(self, area: str, sha256: str) -> bool: ...

    def delete(self, area: str, sha256: str) -> None: ...

    def local_path(self, area: str, sha256: str) -> Path | None:
        """A file path for efficient serving, when the backend has one."""
        ...


class LocalStorage:
    """Files under a root folder, fanned out by the first hash characters."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, area: str, sha256: str) -> Path:
        if area not in (ORIGINALS, RENDITIONS) or len(sha256) != 64 or not sha256.isalnum():
            raise ValueError("bad storage key")
        return self.root / area / sha256[:2] / sha256[2:4] / sha256

    def put(self, area: str, data: bytes) -> str:
        sha256 = content_hash(data)
        path = self._path(area, sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file and concurrent
        # writers of the same content both end with the same complete file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
        return sha256

    def get(self, area: str, sha256: str) -> bytes:
        return self._path(area, sha256).read_bytes()

    def exists(self, area: str, sha256: str) -> bool:
        return self._path(area, sha256).is_file()

    def delete(self, area: str, sha256: str) -> None:
        self._path(area, sha256).unlink(missing_ok=True)

    def local_path(self, area: str, sha256: str) -> Path | None:
        return self._path(area, sha256)


def get_storage() -> Storage:
    """The configured backend for the current app."""
    backend = current_app.config.get("MEDIA_BACKEND", "local")
    if backend != "local":
        raise RuntimeError(f"unknown MEDIA_BACKEND {backend!r}")
    return LocalStorage(current_app.config["MEDIA_ROOT"])
