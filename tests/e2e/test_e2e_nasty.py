"""Hostile corpus text through Telegram: markup characters, emoji, links with '&', 5000+ characters."""

from __future__ import annotations

import re

import pytest

from index import Engine
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.telegram_html import parse, validate_message

from .conftest import StartBot
from .corpus import NASTY_SOURCE_ID, NASTY_TITLE, NASTY_URL, SHORT_QUOTE

pytestmark = pytest.mark.slow  # needs the embedding model


def quoted(markup: str) -> str:
    """The quote text of every blockquote (header line dropped), as Telegram shows it."""
    return " ".join(
        parse(body.split("\n", 1)[1]).text for body in re.findall(r"<blockquote>(.*?)</blockquote>", markup, flags=re.S)
    )


async def test_markup_in_quotes_titles_and_urls_is_escaped(
    fake: FakeTelegram, start_bot: StartBot, nasty_engine: Engine
) -> None:
    await start_bot(nasty_engine)
    user = fake.user(501)
    [reply] = await fake.say(user, "Что Трамп написал Алиеву 5 августа 2025?")
    parsed = validate_message(reply.text)
    assert SHORT_QUOTE in parsed.text
    assert f"Источник: {NASTY_TITLE}, абзац 1" in parsed.text
    assert ("a", {"href": NASTY_URL}) in parsed.entities
    assert not fake.errors


async def test_long_answer_split_at_quote_boundaries(
    fake: FakeTelegram, start_bot: StartBot, nasty_engine: Engine
) -> None:
    await start_bot(nasty_engine)
    question = "энергетика безопасность газовые маршруты"
    hits = nasty_engine.ask(question).hits
    long_hit = next(h for h in hits if len(h.text) > 4096)
    user = fake.user(502)
    replies = await fake.say(user, question)
    assert len(replies) >= 2
    for r in replies:
        assert validate_message(r.text).utf16_length <= 4096
    assert [bool(r.keyboard) for r in replies] == [False] * (len(replies) - 1) + [True]
    assert " ".join(long_hit.text.split()) in " ".join(quoted("".join(r.text for r in replies)).split())
    assert not fake.errors


async def test_full_5000_character_paragraph_spans_messages(
    fake: FakeTelegram, start_bot: StartBot, nasty_engine: Engine
) -> None:
    await start_bot(nasty_engine)
    user = fake.user(503)
    reply = (await fake.say(user, "Что Алиев говорил о газовых маршрутах 6 августа 2025?"))[-1]
    assert reply.text.count("<blockquote>") >= 1
    since = fake.mark()
    fake.press(user, reply, reply.button("📖 1")["callback_data"])
    edit = await fake.wait_for("editMessageText", since)
    rest = await fake.wait_for_reply(user["id"], since)
    paragraph = nasty_engine.paragraph(NASTY_SOURCE_ID, 2)
    assert paragraph and len(paragraph) > 5000
    shown = quoted(edit.text + "".join(r.text for r in rest))
    assert " ".join(shown.split()) == " ".join(paragraph.split())
    assert not edit.keyboard and "К результатам" in rest[-1].buttons()[0]["text"]
    assert not fake.errors
