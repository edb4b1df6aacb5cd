"""Persistent store of answer *views* so buttons keep working after a bot restart.

A view is the question, the page offset and references to the hits shown. Its key is a hash
of its content (the same question showing the same hits reuses the key), so storing is
idempotent. SQLite in WAL mode; safe to call from worker threads.

Storing a view is never allowed to cost an answer: when the store cannot be written (disk
full, locked, read-only), :mod:`bot.pages` sends the quotes without buttons. A store that
cannot even be opened is replaced by :class:`UnavailableViews`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from .callback_data import KEY_LEN
from .types import HitRef

log = logging.getLogger(__name__)
MAX_AGE_DAYS = 365
BUSY_TIMEOUT = 2.0  # seconds to wait for another writer's lock before giving up (the answer goes without buttons)


@dataclass(frozen=True, slots=True)
class View:
    query: str
    offset: int
    lang: str
    hits: tuple[HitRef, ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> View:
        obj: dict[str, Any] = json.loads(raw)
        hits = tuple(
            HitRef(**{**h, "passage_ids": tuple(h["passage_ids"]), "paragraphs": tuple(h["paragraphs"])})
            for h in obj["hits"]
        )
        return cls(query=obj["query"], offset=int(obj["offset"]), lang=obj["lang"], hits=hits)

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.to_json().encode()).digest()
        return base64.urlsafe_b64encode(digest).decode()[:KEY_LEN]


class Views(Protocol):
    def put(self, view: View) -> str: ...

    def get(self, key: str) -> View | None: ...


class MemoryViewStore:
    """In-memory store for the local chat and unit tests."""

    def __init__(self) -> None:
        self._views: dict[str, View] = {}

    def put(self, view: View) -> str:
        self._views[view.key] = view
        return view.key

    def get(self, key: str) -> View | None:
        return self._views.get(key)


class UnavailableViews:
    """Stands in for a view store that could not be opened: nothing is stored, no view is found."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def put(self, view: View) -> str:
        raise OSError(f"the view store is unavailable: {self.reason}")

    def get(self, key: str) -> View | None:
        return None


class ViewStore:
    """SQLite-backed store at ``path`` (created with its parent directory)."""

    def __init__(self, path: Path, max_age_days: int = MAX_AGE_DAYS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS views (key TEXT PRIMARY KEY, body TEXT NOT NULL, used REAL NOT NULL)"
        )
        cutoff = time.time() - max_age_days * 86400
        self._db.execute("DELETE FROM views WHERE used < ?", (cutoff,))

    def put(self, view: View) -> str:
        key = view.key
        with self._lock:
            self._db.execute(
                "INSERT INTO views (key, body, used) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET used = excluded.used",
                (key, view.to_json(), time.time()),
            )
        return key

    def get(self, key: str) -> View | None:
        """The view under ``key``; ``None`` if unknown or unreadable (the button then says "expired")."""
        try:
            with self._lock:
                row = self._db.execute("SELECT body FROM views WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("could not read a button view: %s", exc)
            return None
        if row is None:
            return None
        try:
            return View.from_json(row[0])
        except (ValueError, KeyError, TypeError):
            return None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_views(path: Path) -> Views:
    """The SQLite store at ``path``, or :class:`UnavailableViews` if it cannot be opened (read-only or
    full disk): the bot then answers without buttons instead of not starting."""
    try:
        return ViewStore(path)
    except (OSError, sqlite3.Error) as exc:
        log.warning("button views cannot be stored (%s: %s); answers go without buttons", path, exc)
        return UnavailableViews(f"{type(exc).__name__}: {exc}")
