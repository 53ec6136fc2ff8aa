"""Files only the app's own user may read: the database, its WAL, exports, media, keys.

The folders are made 0700 (what is inside cannot be reached by others, whatever the
files' own modes) and the files the app creates itself 0600. SQLite gives its -wal and
-shm files the database file's mode, so creating that file 0600 covers them too.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def private_dir(path: Path) -> None:
    """Make ``path`` (and missing parents) and keep it 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)


def private_file(path: Path) -> None:
    """Create ``path`` empty if missing, and keep it 0600 (with SQLite's -wal and -shm)."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists() and each.stat().st_mode & 0o077:
            each.chmod(0o600)
