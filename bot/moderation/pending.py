"""Actions waiting for a moderator's confirmation, kept on disk so they survive a restart.

Each pending action is ``<state_dir>/pending/<key>.json`` (what to do, who asked, when) plus,
for an upload, ``<key>.bin`` (the bytes as received). ``key`` is a random 12-character
base64url id carried by the confirm/cancel buttons. An action expires after ``ttl`` seconds;
expired files are deleted when the store opens and whenever an action is stored. An action is
removed once it is carried out or cancelled (:meth:`PendingStore.delete`), so a second tap on
the same button finds nothing (and says so); until then a failure that may pass (the index
lock timed out) leaves it in place, and the button can be pressed again.

A store on a directory that cannot be written (a read-only data directory) still opens: the
bot answers questions, and only storing a moderator's action fails.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.store.durable import atomic_write

from ..callback_data import KEY_LEN

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
PARTIAL_SECONDS = 60


@dataclass(frozen=True)
class Pending:
    kind: str  # "add" | "remove" | "rollback"
    user_id: int
    created: float
    args: dict[str, Any] = field(default_factory=dict)  # add: filename, meta; remove: source_id; rollback: versions
    data: bytes = b""  # add: the uploaded bytes


def _valid(key: str) -> bool:
    return len(key) == KEY_LEN and key.replace("-", "").replace("_", "").isalnum() and key.isascii()


class PendingStore:
    def __init__(self, folder: Path, ttl: float = TTL_SECONDS) -> None:
        self.folder = folder
        self.ttl = ttl
        self._lock = threading.Lock()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.purge()
        except OSError as exc:
            log.warning("pending moderator actions cannot be stored in %s: %s", folder, exc)

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.json", self.folder / f"{key}.bin"

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        atomic_write(path, data, "pending")

    def put(self, pending: Pending, key: str | None = None) -> str:
        """Store ``pending`` (under ``key``, replacing what was there, else a new key); returns its key
        (``KEY_LEN`` characters of ``[A-Za-z0-9_-]``)."""
        self.purge()
        if key is None or not _valid(key):
            key = secrets.token_urlsafe(KEY_LEN)[:KEY_LEN]
        meta, blob = self._paths(key)
        body = {k: v for k, v in asdict(pending).items() if k != "data"}
        with self._lock:
            if pending.data:
                self._write(blob, pending.data)
            self._write(meta, json.dumps(body, ensure_ascii=False).encode("utf-8"))  # last: marks it complete
        return key

    def _read(self, key: str) -> Pending | None:
        meta, blob = self._paths(key)
        try:
            body = json.loads(meta.read_text(encoding="utf-8"))
            data = blob.read_bytes() if blob.exists() else b""
            pending = Pending(
                kind=str(body["kind"]),
                user_id=int(body["user_id"]),
                created=float(body["created"]),
                args=dict(body.get("args") or {}),
                data=data,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if time.time() - pending.created > self.ttl:
            self._delete(key)
            return None
        return pending

    def _delete(self, key: str) -> None:
        for path in self._paths(key):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def get(self, key: str) -> Pending | None:
        """The action stored under ``key`` (left in the store), or ``None`` if gone or expired."""
        if not _valid(key):
            return None
        with self._lock:
            return self._read(key)

    def delete(self, key: str) -> None:
        """Forget the action under ``key`` (carried out or cancelled)."""
        if _valid(key):
            with self._lock:
                self._delete(key)

    def take(self, key: str) -> Pending | None:
        """The action stored under ``key`` (removed from the store), or ``None`` if gone or expired."""
        if not _valid(key):
            return None
        with self._lock:
            pending = self._read(key)
            self._delete(key)
        return pending

    def purge(self) -> int:
        """Delete expired actions and leftovers of interrupted writes; returns how many files went."""
        now, removed = time.time(), 0
        with self._lock:
            for path in list(self.folder.iterdir()):
                try:
                    age = now - path.stat().st_mtime
                except FileNotFoundError:
                    continue
                orphan = path.suffix == ".bin" and not path.with_suffix(".json").exists()
                partial = path.name.startswith(".") or orphan  # a write that never finished
                if age > self.ttl or (partial and age > PARTIAL_SECONDS):
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        removed += 1
        return removed
