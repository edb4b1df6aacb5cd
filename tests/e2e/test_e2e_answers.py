"""Questions in a private chat: the answer's content, HTML validity, typing, not-covered replies."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from index import Engine
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.telegram_html import validate_message

pytestmark = pytest.mark.slow  # needs the embedding model

SEED_TITLE = "Азербайджано-американский диалог"


async def test_question_gets_dated_attributed_quote(fake: FakeTelegram, bot: Application, engine: Engine) -> None:
    user = fake.user(101, language_code="ru")
    since = fake.mark()
    fake.send_text(user, "Когда Алиев позвонил Трампу?")
    replies = await fake.wait_for_reply(user["id"], since)
    assert len(replies) == 1
    reply = replies[0]
    assert reply.params["parse_mode"] == "HTML"
    text = validate_message(reply.text).text
    assert "25 ноября 2024 · Ильхам Алиев · телефонный разговор" in text
    assert "25 ноября 2024 года Ильхам Алиев позвонил Дональду Трампу" in text  # exact corpus text
    assert f"Источник: {SEED_TITLE}" in text and "абзац 19" in text
    assert "<blockquote>" in reply.text
    # typing… was shown before the answer, in the same chat
    typing = fake.calls_of("sendChatAction", since, chat_id=user["id"])
    assert typing and typing[0].params["action"] == "typing" and typing[0].at <= reply.at
    labels = [b["text"] for b in reply.buttons()]
    assert "📖 1" in labels and "👍" in labels and "👎" in labels
    assert all(len(b["callback_data"].encode()) <= 64 for b in reply.buttons() if "callback_data" in b)
    assert not fake.errors


async def test_english_user_gets_english_labels_and_original_quotes(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(102, language_code="en-US")
    text = validate_message((await fake.say(user, "What did Trump write for Novruz?"))[-1].text).text
    assert "10 April 2025 · Donald Trump · letter" in text
    assert "Новруза" in text  # the quote stays Russian
    assert "Source: " in text and "paragraph 3" in text
    assert not fake.errors


async def test_not_covered_says_so_without_quotes(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(103)
    [reply] = await fake.say(user, "Как приготовить борщ со свёклой?")
    assert "<blockquote>" not in reply.text and "/help" in reply.text and "/timeline" in reply.text
    assert not reply.keyboard
    assert not fake.errors
