"""Answers that survive a failing view store, every secret redacted, long titles cut, pending
actions kept and replaced in place, long pastes joined, the load settings validated."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot import redact
from bot.config import BotConfigError, WebhookConfig, load_config
from bot.markup import MESSAGE_LIMIT, visible_len
from bot.moderation.ops import join_parts
from bot.moderation.pending import Pending, PendingStore
from bot.pages import question_screen, store_health
from bot.render import TITLE_CHARS, render_answer, render_sources
from bot.view_store import UnavailableViews, View, ViewStore, open_views
from index import Answer, Hit, SourceInfo
from quotebot.testing.telegram_html import validate_message

from .conftest import FakeNames


class FullDisk:
    """A view store whose writes fail as SQLite's do on a full disk."""

    def __init__(self) -> None:
        self.puts = 0

    def put(self, view: View) -> str:
        self.puts += 1
        raise sqlite3.OperationalError("database or disk is full")

    def get(self, key: str) -> View | None:
        return None


class FakeGateway(FakeNames):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    async def ask(self, question: str, offset: int = 0, top_k: int = 3) -> Answer:
        return self.answer


async def test_quotes_go_without_buttons_when_the_view_cannot_be_stored(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    engine: Any = FakeGateway(make_answer([make_hit()]))
    store = FullDisk()
    store_health.ok()
    with caplog.at_level(logging.WARNING, logger="bot.pages"):
        first = await question_screen(engine, store, "Когда?", 0, "ru", 3)
        second = await question_screen(engine, store, "Когда?", 0, "ru", 3)
    assert store.puts == 2
    for screen in (first, second):
        assert screen.answered and screen.keyboard is None and screen.key is None
        assert "Текст цитаты." in validate_message(screen.chunks[-1]).text
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "database or disk is full" in warnings[0]  # logged once, not per answer
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.pages"):
        ok = await question_screen(engine, ViewStore(tmp_path / "views.sqlite3"), "Когда?", 0, "ru", 3)
    assert ok.keyboard is not None and "stored again" in caplog.text


def test_a_view_store_that_cannot_be_opened_is_replaced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state directory should be")  # every write under it fails
    with caplog.at_level(logging.WARNING, logger="bot.view_store"):
        views = open_views(blocker / "views.sqlite3")
    assert isinstance(views, UnavailableViews) and views.get("AbC-_0123456") is None
    with pytest.raises(OSError):
        views.put(View("q", 0, "ru", ()))
    assert "answers go without buttons" in caplog.text
    store = PendingStore(blocker / "pending")  # opens all the same: only storing an action fails
    assert store.get("AbC-_0123456") is None
    with pytest.raises(OSError):
        store.put(Pending("remove", 1, 0.0, {}))


def test_a_locked_view_store_reads_as_expired(tmp_path: Path, make_hit: Callable[..., Hit]) -> None:
    store = ViewStore(tmp_path / "views.sqlite3")
    store.close()  # any sqlite3 error on read: the button says "expired" instead of failing
    assert store.get("AbC-_0123456") is None


def test_every_secret_is_redacted_including_the_derived_header_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "QUOTEBOT_BOT_MODE": "webhook",
        "QUOTEBOT_WEBHOOK_PUBLIC_URL": "https://bot.example.org/tg",
        "QUOTEBOT_WEBHOOK_PATH_SECRET": "path-secret-0123456789",
    }
    config = load_config(None, tmp_path, env)
    derived = config.webhook.header_token
    assert derived and derived in config.secrets
    assert set(config.secrets) == {env["TELEGRAM_BOT_TOKEN"], env["QUOTEBOT_WEBHOOK_PATH_SECRET"], derived}
    configured = WebhookConfig(path_secret="path-secret-0123456789", secret_token="header-secret-0123456789")
    assert configured.header_token == "header-secret-0123456789"
    redact.install(config.secrets)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("telegram.ext.ExtBot").debug(
            "Calling Bot API endpoint `setWebhook` with parameters `%s`",
            {"url": config.webhook.url, "secret_token": derived},
        )
    assert derived not in caplog.text and "path-secret-0123456789" not in caplog.text
    assert caplog.text.count(redact.MASK) == 2


def test_a_huge_title_is_cut_and_every_answer_still_fits(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames
) -> None:
    title = "Очень длинное название " * 400  # ~9000 characters
    hits = [make_hit(f"Цитата {i}. " * 20, source_title=title) for i in range(3)]
    chunks = render_answer(make_answer(hits), 0, "ru", names)
    for chunk in chunks:
        assert visible_len(chunk) <= MESSAGE_LIMIT
        validate_message(chunk)
    text = "\n".join(validate_message(c).text for c in chunks)
    assert text.count("Цитата 2.") == 20 and "…, абзац 19" in text
    source = SourceInfo(id="s", title=title, language="ru", file="s.txt", passages=3, paragraphs=1)
    [listing] = render_sources([source], {"version": "v1"}, "ru")
    assert visible_len(listing) < TITLE_CHARS + 200


def test_pending_actions_are_read_without_taking_and_replaced_in_place(tmp_path: Path) -> None:
    store = PendingStore(tmp_path / "pending")
    key = store.put(Pending("add", 7, 1e12, {"title": "part 1"}, b"one"))
    assert store.get(key) is not None and store.get(key) is not None  # reading leaves it in place
    assert store.put(Pending("add", 7, 1e12, {"title": "parts 1-2"}, b"one two"), key) == key
    pending = store.get(key)
    assert pending is not None and pending.data == b"one two" and pending.args["title"] == "parts 1-2"
    store.delete(key)
    assert store.get(key) is None and store.take(key) is None
    assert store.get("../../etc/pw") is None and store.put(Pending("remove", 1, 1e12), "bad/key!") != "bad/key!"


def test_long_pastes_are_joined_at_paragraphs_or_inside_them() -> None:
    assert join_parts(["First paragraph ends here.", "Second one"]) == "First paragraph ends here.\n\nSecond one"
    assert join_parts(["A sentence cut in the mid", "dle of a word"]) == "A sentence cut in the mid dle of a word"
    assert join_parts(["«Цитата»", "Дальше"]) == "«Цитата»\n\nДальше" and join_parts(["x"]) == "x"


def test_load_settings(tmp_path: Path) -> None:
    cfg = tmp_path / "bot.yaml"
    cfg.write_text("max_update_age: 60\nchat_backlog: 3\n")
    config = load_config(cfg, tmp_path, {})
    assert config.max_update_age == 60 and config.chat_backlog == 3
    default = load_config(None, tmp_path, {})
    assert default.max_update_age == 300 and default.chat_backlog == 8
    cfg.write_text("max_update_age: -1\nchat_backlog: lots\n")
    with pytest.raises(BotConfigError) as err:
        load_config(cfg, tmp_path, {})
    assert "max_update_age" in str(err.value) and "chat_backlog" in str(err.value)
