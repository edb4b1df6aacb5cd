"""👍/👎 votes as JSON lines: the question, the passages shown, who voted and when.

Moderators review the misses (``"vote": -1``) and turn them into test questions.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
            {"passage_ids": list(h.passage_ids), "source_id": h.source_id, "paragraphs": list(h.paragraphs),
             "date": h.date, "speaker": h.speaker}
            for h in v.hits
        ],
        "user_id": vote.user_id,
        "chat_id": vote.chat_id,
        "index_version": vote.index_version,
    }


class FeedbackStore:
    """Appends one JSON object per line to ``path``; thread-safe, creates the parent directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, vote: Vote) -> dict[str, Any]:
        record = vote_record(vote)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        return record

    def downvotes(self) -> list[dict[str, Any]]:
        """The 👎 records in file order (oldest first); unreadable lines are skipped."""
        if not self.path.exists():
            return []
        found = []
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("vote") == -1:
                    found.append(record)
        return found

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
