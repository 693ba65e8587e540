"""Who may read what the service writes: its own user, and its group for files, nobody else.

Media, caches, logs and the databases' files hold users' recordings and everything derived
from them. The data directory is created 0700 and every process of the service (``reelgraph
up``, the API, the worker and the servers they start) runs under umask 027: directories 0750
and files 0640 at most, no world bits anywhere.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

PRIVATE_UMASK = 0o027
PRIVATE_DIR_MODE = 0o700
LOG_FILE_MODE = 0o640
_WORLD = 0o007


def apply_private_umask() -> int:
    """Add :data:`PRIVATE_UMASK` to this process's umask (a stricter one is kept); returns it."""
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)
    return current | PRIVATE_UMASK


def _drop_world_bits(path: Path | int) -> None:
    """Take away world access (a directory or file created before this release had it)."""
    with contextlib.suppress(OSError):  # not ours to change: leave it, the parent guards it
        mode = os.stat(path).st_mode
        if mode & _WORLD:
            os.chmod(path, stat.S_IMODE(mode) & ~_WORLD)


def make_private_dir(path: Path, mode: int = PRIVATE_DIR_MODE) -> Path:
    """``mkdir -p`` whose new directories get ``mode``; an existing ``path`` loses world bits."""
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=mode)
    if not missing:
        _drop_world_bits(path)
    return path


def make_data_dir(path: Path) -> Path:
    """The data directory: 0700, or 0710 where the embedded PostgreSQL's own user (through the
    group) needs to pass through it; an existing one is brought back to that."""
    make_private_dir(path)
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o067:
            path.chmod(mode & ~0o067)
    return path


def open_log(path: Path) -> BinaryIO:
    """``path`` opened for appending, created 0640 (an older log loses its world bits)."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, LOG_FILE_MODE)
    _drop_world_bits(fd)
    return os.fdopen(fd, "ab")


def write_private_text(path: Path, text: str) -> Path:
    """Replace ``path`` atomically with ``text``, readable by the owner only (0600)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path
