"""Rate limit, Bot API faults (429, 5xx, polling errors), the error handler, bad input."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram.ext import Application

from index import Answer, Engine
from quotebot.testing.fake_telegram import DEFAULT_TOKEN, STICKER, FakeTelegram
from quotebot.testing.telegram_html import validate_message

from .conftest import StartBot

pytestmark = pytest.mark.slow  # needs the embedding model

QUESTION = "Когда Алиев позвонил Трампу?"


async def test_per_user_rate_limit_with_one_polite_notice(fake: FakeTelegram, start_bot: StartBot) -> None:
    await start_bot(rate_burst=2, rate_per_minute=1)
    user, other = fake.user(401), fake.user(402)
    since = fake.mark()
    for _ in range(5):
        fake.send_text(user, QUESTION)
    fake.send_text(other, QUESTION)
    await fake.wait_for("sendMessage", since, chat_id=other["id"])
    await fake.settle(0.4)
    texts = [c.text for c in fake.calls_of("sendMessage", since, chat_id=user["id"])]
    assert sum("<blockquote>" in x for x in texts) == 2
    notices = [x for x in texts if "Слишком много запросов" in x]
    assert len(notices) == 1 and len(texts) == 3
    assert not fake.errors


async def test_429_retry_after_is_honoured(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(403)
    fake.fail("sendMessage", 429, retry_after=1)
    since = fake.mark()
    fake.send_text(user, QUESTION)
    ok = await fake.wait_for("sendMessage", since, chat_id=user["id"])
    refused = fake.calls_of("sendMessage", since)[0]
    assert refused.status == 429 and ok.at - refused.at >= 1.0
    assert "25 ноября 2024" in ok.text


async def test_server_errors_are_retried(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(404)
    fake.fail("sendMessage", 502)
    fake.fail("sendChatAction", 500, times=5)  # typing keeps failing: skipped, the answer still comes
    since = fake.mark()
    fake.send_text(user, QUESTION)
    ok = await fake.wait_for("sendMessage", since, chat_id=user["id"])
    assert "25 ноября 2024" in ok.text
    assert [c.status for c in fake.calls_of("sendMessage", since)] == [502, 200]


async def test_polling_survives_get_updates_failures(fake: FakeTelegram, bot: Application) -> None:
    fake.fail("getUpdates", 502, times=2)
    user = fake.user(405)
    since = fake.mark()
    fake.send_text(user, QUESTION)
    assert "25 ноября 2024" in (await fake.wait_for("sendMessage", since, timeout=20, chat_id=user["id"])).text


async def test_a_failed_update_is_skipped_not_fatal(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(406)
    fake.fail("sendMessage", 400, times=1, description="Bad Request: chat not found")
    since = fake.mark()
    fake.send_text(user, QUESTION)
    await fake.wait_for("sendMessage", since, ok=False)
    notice = await fake.wait_for("sendMessage", since, chat_id=user["id"])  # a BadRequest is our bug: say so
    assert notice.text == "Что-то пошло не так. Пожалуйста, попробуйте ещё раз чуть позже."
    since = fake.mark()
    fake.send_text(user, QUESTION)  # the bot is still alive
    assert "25 ноября 2024" in (await fake.wait_for("sendMessage", since, chat_id=user["id"])).text


class ExplodingEngine:
    """The real engine, except that one question raises an internal error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ask(self, question: str, **kw: Any) -> Answer:
        if "взорвись" in question:
            raise RuntimeError(f"/secret/path/faiss.index is corrupt; token {DEFAULT_TOKEN}")
        return self.engine.ask(question, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


async def test_error_handler_tells_user_without_internals(
    fake: FakeTelegram, start_bot: StartBot, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    await start_bot(ExplodingEngine(engine))
    user = fake.user(407)
    since = fake.mark()
    with caplog.at_level(logging.INFO):
        fake.send_text(user, "взорвись, пожалуйста")
        [reply] = await fake.wait_for_reply(user["id"], since)
        assert reply.text == "Что-то пошло не так. Пожалуйста, попробуйте ещё раз чуть позже."
        assert "corrupt" in caplog.text  # logged for the operator...
    assert DEFAULT_TOKEN not in caplog.text  # ...with the token redacted
    since = fake.mark()
    fake.send_text(user, QUESTION)
    assert "25 ноября 2024" in (await fake.wait_for("sendMessage", since, chat_id=user["id"])).text


async def test_bad_input_gets_short_helpful_replies(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(408)
    uid = user["id"]

    async def reply_to(push: Any) -> str:
        since = fake.mark()
        push()
        return (await fake.wait_for("sendMessage", since, chat_id=uid)).text

    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 10, "height": 10}]
    voice = {"file_id": "v1", "file_unique_id": "v1", "duration": 2}
    sticker = STICKER
    for content in ({"photo": photo}, {"voice": voice}, {"sticker": sticker}):
        text = await reply_to(lambda c=content: fake.send_content(user, **c))
        assert "только текстовые вопросы" in text
    since = fake.mark()
    original = fake.send_text(user, QUESTION)["message"]
    await fake.wait_for_reply(uid, since)  # the whole answer, so no late part is taken for the next reply
    assert "на новые сообщения" in await reply_to(lambda: fake.edit_text(original, "Когда звонил Трамп?"))
    assert "слишком длинный" in await reply_to(lambda: fake.send_text(user, "Трамп " * 400))
    odd = await reply_to(lambda: fake.send_text(user, "<b>Трамп</b> & «Новруз» </blockquote> 🤝?"))
    validate_message(odd)
    assert not fake.errors


async def test_logs_never_contain_the_token(
    fake: FakeTelegram, bot: Application, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        user = fake.user(409)
        since = fake.mark()
        fake.send_text(user, QUESTION)
        await fake.wait_for("sendMessage", since, chat_id=user["id"])
    assert "getUpdates" in caplog.text or "sendMessage" in caplog.text or caplog.records
    assert DEFAULT_TOKEN not in caplog.text
