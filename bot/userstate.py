"""Durable per-reader state in one SQLite file (``state/readers.sqlite3``): each user's chosen
interface language, subscriptions, and the progress of every new-source broadcast.

One file so that a backup or a move of ``state/`` keeps a reader's settings together; WAL mode
and one lock per connection make it safe to use from worker threads (handlers call it through
``asyncio.to_thread``). Every write is its own committed transaction, so a crash loses nothing
that was acknowledged to a user.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS languages (user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
    chat_id INTEGER NOT NULL, topic TEXT NOT NULL, lang TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (chat_id, topic));
CREATE TABLE IF NOT EXISTS known_sources (source_id TEXT PRIMARY KEY, seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS publishes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL, version TEXT NOT NULL,
    created REAL NOT NULL, done REAL);
CREATE TABLE IF NOT EXISTS deliveries (
    publish_id INTEGER NOT NULL, chat_id INTEGER NOT NULL, status TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (publish_id, chat_id));
"""

# delivery states: "sending" is written before the request, the outcome after it
SENDING, SENT, EMPTY, BLOCKED, FAILED = "sending", "sent", "empty", "blocked", "failed"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    topic: str  # "" means every new quote
    lang: str


@dataclass(frozen=True, slots=True)
class Publish:
    id: int
    source_id: str
    version: str


class ReaderState:
    """The SQLite store; ``path``'s parent directory is created."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- languages ------------------------------------------------------------------------

    def language(self, user_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT lang FROM languages WHERE user_id = ?", (user_id,)).fetchone()
        return str(row[0]) if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO languages (user_id, lang, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang, updated = excluded.updated",
                (user_id, lang, time.time()),
            )
            self._db.execute("UPDATE subscriptions SET lang = ? WHERE chat_id = ?", (lang, user_id))

    # -- subscriptions --------------------------------------------------------------------

    def subscribe(self, chat_id: int, topic: str, lang: str) -> bool:
        """``False`` when the chat already follows ``topic``."""
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, topic, lang, created) VALUES (?, ?, ?, ?)",
                (chat_id, topic, lang, time.time()),
            )
            return cur.rowcount == 1

    def unsubscribe(self, chat_id: int, topic: str | None = None) -> int:
        """Drop one topic (``topic``) or all of a chat's subscriptions; how many were dropped."""
        with self._lock:
            if topic is None:
                cur = self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            else:
                cur = self._db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic))
            return cur.rowcount

    def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        with self._lock:
            if chat_id is None:
                rows = self._db.execute("SELECT chat_id, topic, lang FROM subscriptions ORDER BY chat_id, created")
            else:
                rows = self._db.execute(
                    "SELECT chat_id, topic, lang FROM subscriptions WHERE chat_id = ? ORDER BY created", (chat_id,)
                )
            return [Subscription(int(c), str(tp), str(lg)) for c, tp, lg in rows.fetchall()]

    # -- broadcasts -----------------------------------------------------------------------

    def record_sources(self, source_ids: Iterable[str], version: str) -> list[Publish]:
        """Remember the served sources; each one not seen before becomes a publish to broadcast.

        The very first call only records a baseline (the corpus the bot started with is not news)."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                baseline = self._db.execute("SELECT COUNT(*) FROM known_sources").fetchone()[0] == 0
                known = {r[0] for r in self._db.execute("SELECT source_id FROM known_sources")}
                new = [s for s in dict.fromkeys(source_ids) if s not in known]
                self._db.executemany(
                    "INSERT INTO known_sources (source_id, seen) VALUES (?, ?)", [(s, now) for s in new]
                )
                if not baseline:
                    self._db.executemany(
                        "INSERT INTO publishes (source_id, version, created) VALUES (?, ?, ?)",
                        [(s, version, now) for s in new],
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.open_publishes()

    def open_publishes(self) -> list[Publish]:
        with self._lock:
            rows = self._db.execute("SELECT id, source_id, version FROM publishes WHERE done IS NULL ORDER BY id")
            return [Publish(int(i), str(s), str(v)) for i, s, v in rows.fetchall()]

    def finish(self, publish_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE publishes SET done = ? WHERE id = ?", (time.time(), publish_id))

    def handled(self, publish_id: int) -> set[int]:
        """Chats this publish was already sent to, or tried (including one in flight at a crash)."""
        with self._lock:
            rows = self._db.execute("SELECT chat_id FROM deliveries WHERE publish_id = ?", (publish_id,))
            return {int(r[0]) for r in rows.fetchall()}

    def claim(self, publish_id: int, chat_id: int) -> bool:
        """Take the delivery of ``publish_id`` to ``chat_id`` (state ``sending``); ``False`` if it was
        already taken — by this process before a restart, or by another replica sharing the file."""
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO deliveries (publish_id, chat_id, status, at) VALUES (?, ?, ?, ?)",
                (publish_id, chat_id, SENDING, time.time()),
            )
            return cur.rowcount == 1

    def mark(self, publish_id: int, chat_id: int, status: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO deliveries (publish_id, chat_id, status, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(publish_id, chat_id) DO UPDATE SET status = excluded.status, "
                "at = excluded.at",
                (publish_id, chat_id, status, time.time()),
            )

    def deliveries(self, publish_id: int) -> dict[int, str]:
        with self._lock:
            rows = self._db.execute("SELECT chat_id, status FROM deliveries WHERE publish_id = ?", (publish_id,))
            return {int(c): str(s) for c, s in rows.fetchall()}


def open_readers(path: Path) -> ReaderState | None:
    """The readers' store, or None when the state directory cannot be written (read-only or full
    disk): the bot then answers in each user's Telegram language, without /lang or subscriptions,
    instead of not starting."""
    try:
        return ReaderState(path)
    except (OSError, sqlite3.Error) as exc:
        log.warning("reader settings cannot be stored (%s: %s); /lang and subscriptions are off", path, exc)
        return None
