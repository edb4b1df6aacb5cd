"""Moderation pieces without Telegram or a model: pending actions, button data, screens, figures."""

from __future__ import annotations

import os
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot import callback_data as cd
from bot.markup import MESSAGE_LIMIT, visible_len
from bot.menus import moderator_menu
from bot.moderation.ops import SourceRow
from bot.moderation.pending import Pending, PendingStore
from bot.moderation.render import (
    failure_text,
    feedback_chunks,
    preview_chunks,
    sources_chunks,
    status_chunks,
    vote_block,
)
from bot.stats import AnswerStats, StatsSnapshot
from index import ParagraphView, Preview, Settings, SourceInfo, prepare_source
from index.errors import CorpusError, IndexLockedError, SourceRejected
from quotebot.testing.telegram_html import validate_message

from .conftest import NASTY, FakeNames


def test_pending_round_trip_is_taken_once(tmp_path: Path) -> None:
    store = PendingStore(tmp_path / "pending")
    data = "Текст статьи 🇦🇿\n".encode() * 1000
    key = store.put(Pending("add", 42, time.time(), {"filename": "a.md", "meta": {"title": "T"}}, data))
    assert len(key) == cd.KEY_LEN and cd.decode(cd.encode(cd.Confirm(key))) == cd.Confirm(key)
    again = PendingStore(tmp_path / "pending")  # a restarted bot sees it
    pending = again.take(key)
    assert pending is not None and pending.data == data and pending.args["meta"] == {"title": "T"}
    assert pending.kind == "add" and pending.user_id == 42
    assert again.take(key) is None and store.take(key) is None
    assert list((tmp_path / "pending").iterdir()) == []


def test_pending_expires_and_is_purged(tmp_path: Path) -> None:
    store = PendingStore(tmp_path / "p", ttl=60)
    old = store.put(Pending("remove", 1, time.time() - 120, {"source_id": "x"}))
    assert store.take(old) is None  # expired: treated as gone
    stale = store.put(Pending("add", 1, time.time(), {}, b"data"))
    for path in (tmp_path / "p").glob(f"{stale}.*"):
        os.utime(path, (time.time() - 120, time.time() - 120))
    orphan = tmp_path / "p" / "ZZZZZZZZZZZZ.bin"
    orphan.write_bytes(b"half-written upload")
    os.utime(orphan, (time.time() - 90, time.time() - 90))
    fresh = store.put(Pending("rollback", 1, time.time(), {"current": "a", "parent": "b"}))
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [f"{fresh}.json"]
    assert store.take("../../etc/passwd") is None


def test_confirm_and_decline_data() -> None:
    key = "AbC-_12345xy"
    assert cd.encode(cd.Confirm(key)) == f"m:y:{key}" and cd.encode(cd.Decline(key)) == f"m:n:{key}"
    assert cd.decode(f"m:n:{key}") == cd.Decline(key)
    assert cd.decode("m:y:short") is None and cd.decode(f"m:x:{key}") is None


def test_moderator_menu_is_valid() -> None:
    for lang in ("ru", "en", "az"):
        menu = moderator_menu(lang)
        names = [c.command for c in menu]
        assert len(names) == len(set(names))
        assert {"add", "cancel", "remove", "reindex", "status", "rollback", "feedback", "sources"} <= set(names)
        assert all(1 <= len(c.description) <= 256 for c in menu)


ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article_en.md"


def _preview(data_dir: Path, **meta: str) -> Preview:
    """A real preview of the test article (no model needed: nothing is embedded)."""
    return prepare_source(Settings.from_env(data_dir=data_dir), ARTICLE.read_bytes(), "article_en.md", meta)


def test_preview_escapes_and_fits(names: FakeNames, data_dir: Path) -> None:
    preview = _preview(data_dir, title=NASTY, url="https://example.org/?a=1&b=<2>", date="2025-08-10")
    huge = {"date": "2025-08-08", "speaker": "trump", "text": (NASTY + " ") * 300}
    chunks = preview_chunks(replace(preview, dated_samples=[huge] * 3), "en", names)
    assert len(chunks) == 1 and visible_len(chunks[0]) <= MESSAGE_LIMIT
    text = validate_message(chunks[0]).text
    assert text.startswith(
        f"New source: {NASTY}\n{preview.source.id}\nlanguage: English; 7 paragraphs; 7 passages; 2 dated events"
    )
    assert "published 10 August 2025; link: https://example.org/?a=1&b=<2>" in text
    assert "Dates: 8 August 2025, 8 September 2025\nSpeakers: Ilham Aliyev, Donald Trump" in text
    assert "8 August 2025 · Donald Trump\n" in text and text.endswith("Add it to the corpus?")
    exact = validate_message(preview_chunks(preview, "en", names)[0]).text
    assert 'Trump said at the signing ceremony: "Today we are finally bringing peace' in exact
    ru = validate_message(preview_chunks(replace(preview, dated_samples=[]), "ru", names)[0]).text
    assert "Фрагментов с датой нет" in ru and "опубликовано 10 августа 2025" in ru


def test_preview_shows_each_paragraph_and_cuts_what_does_not_fit(names: FakeNames, data_dir: Path) -> None:
    preview = _preview(data_dir)
    text = "\n\n".join(validate_message(c).text for c in preview_chunks(preview, "en", names))
    assert "Paragraphs (date · speaker · kind)" in text and "/fix" in text
    assert "\n1 · undated · commentary — Washington summit: what the leaders said\n" in text
    assert "\n5 · 2025-08-08 · Ilham Aliyev · quote — Ilham Aliyev said in his remarks" in text
    assert "\n7 · 2025-09-08 · Ilham Aliyev · quote — 08.09.2025" in text and "more" not in text

    rows = [
        ParagraphView(i, "2025-08-08" if i % 2 else None, "Hikmet Hajiyev" if i % 3 else "trump", "quote", NASTY * 5)
        for i in range(1, 1001)
    ]
    chunks = preview_chunks(replace(preview, paragraph_rows=rows), "ru", names)
    assert all(visible_len(c) <= MESSAGE_LIMIT for c in chunks) and len(chunks) <= 4
    shown = [validate_message(c).text for c in chunks]
    lines = [ln for c in shown for ln in c.splitlines() if re.match(r"\d+ · .* — ", ln)]
    assert lines[0].startswith("1 · 2025-08-08 · Hikmet Hajiyev · цитата — ")
    assert lines[1].startswith("2 · без даты · Hikmet Hajiyev · цитата — ")
    assert lines[2].startswith("3 · 2025-08-08 · Дональд Трамп · цитата — A <b>bold</b>")
    assert [int(ln.split(" · ")[0]) for ln in lines] == list(range(1, len(lines) + 1))
    assert f"\n…и ещё {1000 - len(lines)}\n" in shown[-1] and shown[-1].endswith("Добавить в корпус?")
    assert "Говорящие: Ильхам Алиев, Дональд Трамп, Hikmet Hajiyev\n" in shown[0]  # every speaker found


def test_sources_status_feedback_screens(names: FakeNames) -> None:
    seed = SourceInfo(
        id="000_seed", title=NASTY, language="ru", file="f", added="2026-11-25T00:00:00Z", added_by="seed"
    )
    rows = [
        SourceRow(seed, SourceInfo(**{**_fields(seed), "passages": 71, "paragraphs": 54})),
        SourceRow(SourceInfo(id="002_new", title="New", language="en", file="g"), None),
    ]
    text = validate_message(sources_chunks(rows, "v2", "en")[0]).text
    assert f"000_seed — {NASTY}\n71 passages, 54 paragraphs; added 2026-11-25 00:00 UTC by seed" in text
    assert "002_new — New\nregistered but not in the published version" in text

    status = {
        "version": "v2",
        "built_at": "2026-11-25T19:00:00+00:00",
        "model": "m",
        "passages": 78,
        "sources": 2,
        "events": 15,
        "faiss": "IndexFlatIP",
        "parent": "v1",
    }
    change = {"time": "2026-11-25T19:00:01+00:00", "user": "5", "action": "add", "source_id": "001_x"}
    shown = validate_message(status_chunks(status, StatsSnapshot(3, 1, 0.1234, 0.0), change, 3700.0, "en")[0]).text
    assert "Index version: v2 (built 2026-11-25 19:00 UTC); previous: v1" in shown
    assert "Last change: 2026-11-25 19:00 UTC · add · 001_x · by 5" in shown and "Bot up for 1 h 1 min" in shown
    assert "3 questions answered, 1 declined; median reply time 0.12 s" in shown

    record: dict[str, Any] = {
        "ts": "2026-11-25T19:20:01+00:00",
        "vote": -1,
        "query": NASTY,
        "user_id": 7,
        "index_version": "v2",
        "shown": [
            {
                "passage_ids": ["000_seed:19:0-10"],
                "source_id": "000_seed",
                "paragraphs": [19],
                "date": "2024-11-25",
                "speaker": "aliyev",
            }
        ],
    }
    block = vote_block(1, record, {"000_seed:19:0-10": "Quote <text> & more"}, {"000_seed": "Seed"}, "en", names)
    votes = validate_message(feedback_chunks([block] * 40, 41, "en")[0]).text
    assert votes.startswith("Recent 👎: 40 of 41, newest first")
    assert "1. 2026-11-25 19:20 UTC · user 7, version v2" in votes
    assert "25 November 2024 · Ilham Aliyev · Seed, paragraph 19: «Quote <text> & more»" in votes
    assert all(visible_len(c) <= MESSAGE_LIMIT for c in feedback_chunks([block] * 40, 41, "en"))
    assert feedback_chunks([], 0, "ru") == ["Отрицательных оценок пока нет."]


def _fields(info: SourceInfo) -> dict[str, Any]:
    return {k: getattr(info, k) for k in SourceInfo.__dataclass_fields__}


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (IndexLockedError("locked"), "Another process is updating the index"),
        (SourceRejected("the file is <empty>"), "Source not accepted: the file is <empty>."),
        (CorpusError("no source with id 'x'"), "That did not work: no source with id 'x'."),
        (RuntimeError("secret internals"), "That did not work: RuntimeError."),
    ],
)
def test_failures_are_explained_without_internals(exc: Exception, expected: str) -> None:
    assert expected in validate_message(failure_text(exc, "en")).text


def test_stats_median() -> None:
    stats = AnswerStats()
    assert stats.snapshot().p50_seconds is None
    for seconds, answered in ((0.1, True), (0.3, False), (0.2, True)):
        stats.record(answered, seconds)
    snap = stats.snapshot()
    assert (snap.answered, snap.declined, snap.p50_seconds) == (2, 1, 0.2)
