"""Durable file operations: atomic replace, fsync of trees and directories, locked log appends.

Each step reports itself to :mod:`index.store.faults` just before it is taken, under a name
(``<what>.write``, ``.fsync``, ``.rename``, ``.dirsync``), so crash-point tests can stop the
process between any two steps and fault tests can make any one of them fail.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import faults

#: A JSON-lines log (audit, votes) is rotated when it grows past this many bytes ...
LOG_MAX_BYTES = 8 * 1024 * 1024
#: ... keeping this many rotated files (``name.1`` is the newest).
LOG_KEEP = 5


def fsync_path(path: Path) -> None:
    """fsync one file or directory (a directory: the entries renamed or created in it)."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


fsync_dir = fsync_path


def fsync_tree(path: Path, step: str = "tree") -> None:
    """fsync every file and directory under ``path`` (a version before it is renamed into place)."""
    faults.point(f"{step}.fsync")
    for root, _dirs, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(Path(root))


def atomic_write(path: Path, data: bytes, step: str | None = None) -> None:
    """Replace ``path`` with ``data``: a reader sees the old content or the new, never a mix, and
    after return the new content survives a crash. ``step`` names it for fault injection."""
    step = step or path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o644)  # mkstemp makes it owner-only; readers may be another user
            faults.point(f"{step}.write")
            fh.write(data)
            fh.flush()
            faults.point(f"{step}.fsync")
            os.fsync(fh.fileno())
        faults.point(f"{step}.rename")
        os.replace(tmp, path)
        faults.point(f"{step}.dirsync")
        fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install_dir(tmp: Path, target: Path) -> None:
    """Rename the finished directory ``tmp`` to ``target``. A ``target`` already there (a broken
    or stale one) is first moved into a ``.trash-<name>-*`` directory beside it, deleted after."""
    trash: Path | None = None
    if target.exists():
        trash = Path(tempfile.mkdtemp(prefix=f".trash-{target.name}-", dir=target.parent))
        with contextlib.suppress(FileNotFoundError):  # another process may have moved it already
            os.replace(target, trash / "old")
    try:
        os.rename(tmp, target)
    finally:
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
        fsync_path(target.parent)


@contextlib.contextmanager
def building_dir(target: Path) -> Iterator[Path]:
    """A fresh ``.tmp-<name>-*`` directory beside ``target`` to build it in, removed on the way
    out unless it was installed (:func:`install_dir`) meanwhile: a half-built directory is never
    left behind, whatever fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def remove(path: Path, step: str | None = None) -> None:
    """Unlink ``path`` (if present) durably."""
    step = step or path.name
    faults.point(f"{step}.unlink")
    path.unlink(missing_ok=True)
    faults.point(f"{step}.unlink.dirsync")
    fsync_dir(path.parent)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if missing), held for the block. Blocks: the
    holders only append a line. Released by the kernel if the holder dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def append_line(
    path: Path, line: str, *, step: str | None = None, max_bytes: int = LOG_MAX_BYTES, keep: int = LOG_KEEP
) -> None:
    """Append one line (JSON lines) under an flock of ``<path>.lock``, fsync it, and rotate the
    file by size. Safe across threads and processes (bot, CLI, replicas sharing a state volume)."""
    step = step or path.name
    if not line.endswith("\n"):
        line += "\n"
    data = line.encode("utf-8")
    with file_lock(path.with_name(path.name + ".lock")):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > max_bytes:
            rotate(path, keep, step=step)
        if size and not _ends_with_newline(path):
            data = b"\n" + data  # a line torn by a crash stays alone, the new one stays readable
        faults.point(f"{step}.write")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
            faults.point(f"{step}.fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        if not size:
            fsync_dir(path.parent)  # a new file: its directory entry too


def _ends_with_newline(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"
    except OSError:
        return True


def rotate(path: Path, keep: int = LOG_KEEP, *, step: str | None = None) -> None:
    """``path`` → ``path.1`` → … → ``path.<keep>`` (the oldest is dropped). Call under the log's lock."""
    step = step or path.name
    oldest = path.with_name(f"{path.name}.{keep}")
    oldest.unlink(missing_ok=True)
    for i in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{i}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{i + 1}"))
    faults.point(f"{step}.rotate")
    if path.exists():
        os.replace(path, path.with_name(f"{path.name}.1"))
    fsync_dir(path.parent)


def log_files(path: Path, keep: int = LOG_KEEP) -> list[Path]:
    """A log and its rotated files that exist, oldest first."""
    rotated = [path.with_name(f"{path.name}.{i}") for i in range(keep, 0, -1)]
    return [p for p in [*rotated, path] if p.is_file()]
