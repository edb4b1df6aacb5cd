"""Readers' durable state: language choices, subscriptions, broadcast progress across restarts."""

from __future__ import annotations

from pathlib import Path

from bot.userstate import BLOCKED, SENDING, SENT, ReaderState


def test_language_and_subscriptions_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state" / "readers.sqlite3"
    state = ReaderState(path)
    state.set_language(7, "az")
    assert state.subscribe(7, "", "az") and state.subscribe(7, "Trump", "az")
    assert not state.subscribe(7, "Trump", "az")
    state.close()
    state = ReaderState(path)
    assert state.language(7) == "az" and state.language(8) is None
    assert [(s.topic, s.lang) for s in state.subscriptions(7)] == [("", "az"), ("Trump", "az")]
    state.set_language(7, "ru")  # digests follow the reader's language
    assert {s.lang for s in state.subscriptions(7)} == {"ru"}
    assert state.unsubscribe(7, "Trump") == 1 and state.unsubscribe(7) == 1 and state.subscriptions() == []
    state.close()


def test_the_first_corpus_is_a_baseline_and_progress_is_kept_per_publish(tmp_path: Path) -> None:
    path = tmp_path / "readers.sqlite3"
    state = ReaderState(path)
    assert state.record_sources(["seed"], "v1") == []  # what the bot started with is not news
    [publish] = state.record_sources(["seed", "new"], "v2")
    assert publish.source_id == "new" and publish.version == "v2"
    state.mark(publish.id, 1, SENT)
    state.mark(publish.id, 2, SENDING)  # in flight when the process died
    state.mark(publish.id, 3, BLOCKED)
    state.close()
    state = ReaderState(path)
    assert state.record_sources(["seed", "new"], "v2") == [publish]  # still open, not duplicated
    assert state.handled(publish.id) == {1, 2, 3}
    state.finish(publish.id)
    assert state.open_publishes() == []
    assert state.record_sources(["new"], "v3") == []  # a removal is not news either
    state.close()


def test_a_delivery_is_claimed_once_across_processes(tmp_path: Path) -> None:
    """Two replicas sharing the state file: only one of them sends each digest."""
    path = tmp_path / "readers.sqlite3"
    a, b = ReaderState(path), ReaderState(path)
    a.record_sources(["seed"], "v1")
    [publish] = a.record_sources(["seed", "new"], "v2")
    assert b.open_publishes() == [publish]
    assert a.claim(publish.id, 42) and not b.claim(publish.id, 42)
    assert b.claim(publish.id, 43) and not a.claim(publish.id, 43)
    a.mark(publish.id, 42, SENT)
    assert b.deliveries(publish.id) == {42: SENT, 43: SENDING}
    a.close()
    b.close()
