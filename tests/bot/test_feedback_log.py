"""Votes and the audit log: appended under a lock and fsynced, rotated by size, read across the
rotation; a failed append (full disk) leaves the file as it was."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from bot.feedback import FeedbackStore, Vote
from bot.view_store import View
from index import Settings
from index.store import faults
from index.store.auditlog import audit, tail
from index.store.durable import append_line, log_files


def vote(up: bool, query: str = "q") -> Vote:
    return Vote(View(query=query, offset=0, lang="ru", hits=()), up, 1, 2, "v1")


def test_votes_rotate_by_size_and_are_read_across_files(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl", max_bytes=600)
    for i in range(20):
        store.add(vote(i % 2 == 0, f"question {i}"))
    files = log_files(store.path)
    assert len(files) > 2 and files[-1] == store.path
    assert all(f.stat().st_size <= 600 for f in files)
    assert [r["query"] for r in store.read()][-5:] == [f"question {i}" for i in range(15, 20)]
    assert all(r["vote"] == -1 for r in store.downvotes())


def test_a_vote_that_cannot_be_written_leaves_the_file_unchanged(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.add(vote(True))
    before = store.path.read_bytes()
    with faults.fail_at("votes.write"), pytest.raises(OSError, match="injected"):
        store.add(vote(False))
    assert store.path.read_bytes() == before
    store.add(vote(False))
    assert len(store.read()) == 2


def test_concurrent_appends_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    line = json.dumps({"x": "y" * 5000})

    def writer() -> None:
        for _ in range(50):
            append_line(path, line, max_bytes=10**9)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200 and all(json.loads(x) == {"x": "y" * 5000} for x in lines)


def test_a_torn_last_line_does_not_swallow_the_next(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "data", state_dir=tmp_path / "state")
    audit(settings, 1, "add", "a", "ok: version v1")
    with settings.audit_log.open("a", encoding="utf-8") as fh:
        fh.write('{"time": "torn')  # a crash in the middle of a line
    audit(settings, 1, "remove", "a", "ok: version v2")
    assert [e["action"] for e in tail(settings.audit_log)] == ["add", "remove"]


def test_the_audit_log_lives_in_the_state_dir(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "ro-data", state_dir=tmp_path / "state")
    audit(settings, 1, "add_refused", None, "refused: test")
    assert settings.audit_log == tmp_path / "state" / "audit.jsonl" and settings.audit_log.is_file()
    assert not (tmp_path / "ro-data").exists()
