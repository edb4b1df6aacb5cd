"""The moderators' audit log: one JSON object per line in ``<state dir>/audit.jsonl``.

Appends take the log's own ``flock`` and are fsynced (:func:`index.store.durable.append_line`), so the
bot, the command line and replicas sharing a state volume never interleave or lose a line; the
log is rotated by size (``audit.jsonl.1`` … ``.5``). A corpus change writes its entry while it
holds the index's writer lock, and journals it before ``CURRENT`` switches: if the append fails
or the process dies after the switch, the next writer's recovery appends it (once).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Settings
from .durable import append_line, log_files

log = logging.getLogger("quotebot.audit")
TAIL_BYTES = 256 * 1024


def entry(
    user: str | int | None, action: str, source_id: str | None, result: str, version: str | None = None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": str(user) if user is not None else None,
        "action": action,
        "source_id": source_id,
        "result": result,
    }
    if version is not None:
        record["version"] = version
    return record


def append(settings: Settings, record: dict[str, Any]) -> None:
    """Append ``record``; raises OSError when the log cannot be written."""
    append_line(settings.audit_log, json.dumps(record, ensure_ascii=False), step="audit")


def audit(settings: Settings, user: str | int | None, action: str, source_id: str | None, result: str) -> None:
    """Append one moderator action to the audit log (JSON lines); raises OSError on failure."""
    append(settings, entry(user, action, source_id, result))


def append_once(settings: Settings, record: dict[str, Any]) -> bool:
    """Append a journalled ``record`` unless the log already has it (same action and version):
    recovery must not log a change twice when the first append did land. Returns whether it
    appended."""
    version = record.get("version")
    for old in reversed(tail(settings.audit_log)):
        if version is not None and old.get("version") == version and old.get("action") == record.get("action"):
            return False
    append(settings, record)
    return True


def tail(path: Path, limit: int = TAIL_BYTES) -> list[dict[str, Any]]:
    """The entries in the last ``limit`` bytes of the log and, if it is shorter, of the rotated
    file before it; oldest first. Unreadable lines are skipped."""
    found: list[dict[str, Any]] = []
    budget = limit
    for file in reversed(log_files(path)):
        try:
            size = file.stat().st_size
            with file.open("rb") as fh:
                fh.seek(max(0, size - budget))
                lines = fh.read().decode("utf-8", errors="replace").splitlines()
        except OSError:
            continue
        if size > budget:
            lines = lines[1:]  # the first line may be cut
        found = [r for r in (_parse(line) for line in lines) if r is not None] + found
        budget -= size
        if budget <= 0:
            break
    return found


def _parse(line: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
