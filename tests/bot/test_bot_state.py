"""Callback data, the persistent view store, votes, the per-user rate limit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import callback_data as cd
from bot.feedback import FeedbackStore, Vote
from bot.keyboards import answer_keyboard, examples_keyboard, paragraph_keyboard
from bot.ratelimit import UserRateLimiter
from bot.types import HitRef
from bot.view_store import MemoryViewStore, View, ViewStore
from index import Hit


def view_of(hits: list[Hit], query: str = "вопрос " * 300, offset: int = 0) -> View:
    return View(query=query, offset=offset, lang="ru", hits=tuple(HitRef.of(h) for h in hits))


def test_callback_data_round_trip_and_size() -> None:
    key = "AbC-_0123456"
    actions: list[cd.Action] = [
        cd.Page(key, 99999),
        cd.Full(key, 9),
        cd.Back(key),
        cd.Vote(key, True),
        cd.Vote(key, False),
        cd.Example("ru", 1),
    ]
    for action in actions:
        data = cd.encode(action)
        assert len(data.encode()) <= cd.MAX_BYTES
        assert cd.decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "n:short:1",
        "n:AbC-_0123456:x",
        "q:AbC-_0123456",
        "v:AbC-_0123456:z",
        "f:AbC-_0123456:1:2",
        "x:ru:12",
        "legacy-button-from-v0",
    ],
)
def test_malformed_callback_data_is_none(data: str | None) -> None:
    assert cd.decode(data) is None


def test_view_store_survives_restart(tmp_path: Path, make_hit: Callable[..., Hit]) -> None:
    view = view_of([make_hit(), make_hit("Другая", paragraphs=(3, 4), source_url=None)])
    store = ViewStore(tmp_path / "state" / "views.sqlite3")
    key = store.put(view)
    assert len(key) == cd.KEY_LEN and store.put(view) == key  # content-addressed, idempotent
    store.close()
    reopened = ViewStore(tmp_path / "state" / "views.sqlite3")
    assert reopened.get(key) == view
    assert reopened.get("nonexistent0") is None
    other = view_of([make_hit()], offset=3)
    assert reopened.put(other) != key
    mem = MemoryViewStore()
    assert mem.get(mem.put(view)) == view


def test_keyboards_fit_telegram_limits(make_hit: Callable[..., Hit]) -> None:
    kb = answer_keyboard("AbC-_0123456", 3, 3, 10, 3, "ru")
    labels = [[b.text for b in row] for row in kb.inline_keyboard]
    assert labels == [["📖 4", "📖 5", "📖 6"], ["◀ Назад", "Ещё ▶"], ["👍", "👎"]]
    datas = [b.callback_data for row in kb.inline_keyboard for b in row]
    assert all(isinstance(d, str) and len(d.encode()) <= 64 for d in datas)
    first = answer_keyboard("AbC-_0123456", 0, 2, 2, 3, "en")
    assert [[b.text for b in row] for row in first.inline_keyboard] == [["📖 1", "📖 2"], ["👍", "👎"]]
    assert paragraph_keyboard("AbC-_0123456", "en").inline_keyboard[0][0].text == "◀ Back to results"
    assert len(examples_keyboard("ru").inline_keyboard) == 2


def test_feedback_jsonl(tmp_path: Path, make_hit: Callable[..., Hit]) -> None:
    store = FeedbackStore(tmp_path / "state" / "feedback.jsonl")
    view = view_of([make_hit()], query="Когда звонил?")
    store.add(Vote(view, False, 7, 7, "v1"))
    store.add(Vote(view, True, 8, -100, None))
    lines = (tmp_path / "state" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert first["vote"] == -1 and first["query"] == "Когда звонил?" and first["index_version"] == "v1"
    assert first["shown"][0]["passage_ids"] == ["src:19:0-10"]
    assert [r["vote"] for r in store.read()] == [-1, 1]


def test_rate_limiter_bucket_and_single_notice() -> None:
    now = [0.0]
    limiter = UserRateLimiter(burst=3, per_minute=6, clock=lambda: now[0])
    assert [limiter.check(1).allowed for _ in range(3)] == [True, True, True]
    refused = [limiter.check(1) for _ in range(3)]
    assert [d.allowed for d in refused] == [False] * 3
    assert [d.notify for d in refused] == [True, False, False]  # one polite notice per burst
    assert limiter.check(2).allowed  # other users are not affected
    now[0] += 10  # 6/min refills one token in 10 s
    assert limiter.check(1).allowed
    assert not limiter.check(1).allowed and limiter.check(1).notify is False
    now[0] += 60
    assert limiter.check(1).allowed
    with pytest.raises(ValueError):
        UserRateLimiter(0, 1)
