"""👍/👎 votes as JSON lines: the question, the passages shown, who voted and when.

Moderators review the misses (``"vote": -1``) and turn them into test questions. Each vote is
appended under the log's ``flock`` and fsynced, like the audit log (replicas share one file on
the state volume), and the file is rotated by size; reading covers the rotated files too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.store.durable import LOG_MAX_BYTES, append_line, log_files

from .view_store import View


@dataclass(frozen=True, slots=True)
class Vote:
    view: View
    up: bool
    user_id: int | None
    chat_id: int | None
    index_version: str | None


def vote_record(vote: Vote, now: datetime | None = None) -> dict[str, Any]:
    v = vote.view
    return {
        "ts": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "vote": 1 if vote.up else -1,
        "query": v.query,
        "offset": v.offset,
        "lang": v.lang,
        "shown": [
            {
                "passage_ids": list(h.passage_ids),
                "source_id": h.source_id,
                "paragraphs": list(h.paragraphs),
                "date": h.date,
                "speaker": h.speaker,
            }
            for h in v.hits
        ],
        "user_id": vote.user_id,
        "chat_id": vote.chat_id,
        "index_version": vote.index_version,
    }


class FeedbackStore:
    """Appends one JSON object per line to ``path`` (fsynced, locked across processes, rotated
    past ``max_bytes``); creates the parent directory. An OSError (disk full, read-only) reaches
    the caller and leaves the file as it was."""

    def __init__(self, path: Path, max_bytes: int = LOG_MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def add(self, vote: Vote) -> dict[str, Any]:
        record = vote_record(vote)
        with self._lock:
            append_line(self.path, json.dumps(record, ensure_ascii=False), step="votes", max_bytes=self.max_bytes)
        return record

    def _records(self) -> Iterator[dict[str, Any]]:
        """Every readable record, oldest first, rotated files included; torn lines are skipped."""
        for path in log_files(self.path):
            try:
                fh = path.open(encoding="utf-8", errors="replace")
            except FileNotFoundError:  # rotated away meanwhile
                continue
            with fh:
                for line in fh:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(record, dict):
                        yield record

    def downvotes(self) -> list[dict[str, Any]]:
        """The 👎 records in file order (oldest first); unreadable lines are skipped."""
        return [r for r in self._records() if r.get("vote") == -1]

    def read(self) -> list[dict[str, Any]]:
        return list(self._records())
