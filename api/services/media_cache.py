"""On-disk cache of rendered bytes (thumbnails, clips, overlay videos), bounded in size.

Entries are files under ``<data_dir>/cache/<session_id>/``, named by what they were rendered
from, and written via a temporary file so a reader never sees half an entry. When the cache
outgrows its limit the least recently used entries go (a hit refreshes the file's atime).
Deleting the directory is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from graph.settings import Settings

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
PRUNE_EVERY_WRITES = 32


class MediaCache:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._writes = 0

    def path(self, session_id: str, name: str) -> Path:
        safe = _SAFE.sub("_", name)
        if len(safe) > 120:  # long keys (many parameters) keep a readable prefix
            safe = safe[:80] + "-" + hashlib.sha256(name.encode()).hexdigest()[:16]
        return self.root / _SAFE.sub("_", session_id) / safe

    def get(self, session_id: str, name: str) -> Path | None:
        path = self.path(session_id, name)
        try:
            # Use time goes in atime; mtime (and so the ETag) stays that of the rendering.
            os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
        except FileNotFoundError:
            return None
        return path

    def put(self, session_id: str, name: str, data: bytes) -> Path:
        path = self.path(session_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._wrote(len(data))
        return path

    def writer(self, session_id: str, name: str) -> CacheWriter:
        """For streamed bodies: write as they go out, keep only if the stream completes."""
        path = self.path(session_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        return CacheWriter(self, path)

    def part_file(self, session_id: str, name: str) -> Path:
        """An empty temporary file beside the entry, for a tool that writes files itself;
        :meth:`adopt` makes it the entry."""
        path = self.path(session_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        os.close(fd)
        return Path(tmp)

    def adopt(self, part: Path, session_id: str, name: str) -> Path:
        path = self.path(session_id, name)
        size = part.stat().st_size
        os.replace(part, path)
        self._wrote(size)
        return path

    def drop_session(self, session_id: str) -> None:
        shutil.rmtree(self.root / _SAFE.sub("_", session_id), ignore_errors=True)

    def _wrote(self, size: int) -> None:
        self._writes += 1
        if self._writes % PRUNE_EVERY_WRITES == 0 or size > self.max_bytes // 64:
            self.prune()

    def prune(self) -> None:
        entries: list[tuple[float, int, Path]] = []
        for path in self.root.glob("*/*"):
            if path.name.startswith(".part-"):
                continue
            with contextlib.suppress(FileNotFoundError):
                info = path.stat()
                entries.append((max(info.st_atime, info.st_mtime), info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            total -= size


class CacheWriter:
    def __init__(self, cache: MediaCache, path: Path) -> None:
        self.cache = cache
        self.path = path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        self._tmp = Path(tmp)
        self._fh = os.fdopen(fd, "wb")
        self._size = 0

    def write(self, chunk: bytes) -> None:
        self._fh.write(chunk)
        self._size += len(chunk)

    def commit(self) -> None:
        self._fh.close()
        os.replace(self._tmp, self.path)
        self.cache._wrote(self._size)

    def discard(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


_CACHES: dict[Path, MediaCache] = {}


def media_cache(settings: Settings) -> MediaCache:
    """The process's cache for these settings (one instance per directory)."""
    cache = _CACHES.get(settings.cache_dir)
    if cache is None:
        cache = _CACHES[settings.cache_dir] = MediaCache(
            settings.cache_dir, settings.media_cache_max_bytes
        )
    return cache
