"""Commands, the command menu, inline mode, groups."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from index import Engine
from quotebot.testing.fake_telegram import STICKER, FakeTelegram
from quotebot.testing.telegram_html import validate_message

pytestmark = pytest.mark.slow  # needs the embedding model


async def command(fake: FakeTelegram, user: dict, text: str, chat: dict | None = None) -> list[str]:
    return [validate_message(r.text).text for r in await fake.say(user, text, chat)]


async def test_menu_registered_in_russian_english_and_azerbaijani(fake: FakeTelegram, bot: Application) -> None:
    assert set(fake.commands) == {"", "ru", "az"}
    names = ["start", "help", "timeline", "sources", "subscribe", "subscriptions", "unsubscribe", "lang", "about"]
    assert all([c["command"] for c in fake.commands[code]] == names for code in ("", "ru", "az"))
    assert fake.commands["ru"][2]["description"] == "Хронология контактов"
    assert fake.commands[""][2]["description"] == "Chronology of contacts"
    assert fake.commands["az"][2]["description"] == "Təmasların xronologiyası"


async def test_help_timeline_sources_about(fake: FakeTelegram, bot: Application, engine: Engine) -> None:
    ru, en = fake.user(301), fake.user(302, language_code="de")  # not Russian → English
    [help_ru] = await command(fake, ru, "/help")
    assert "@QuoteTestBot" in help_ru and "/timeline" in help_ru
    timeline = "\n".join(await command(fake, ru, "/timeline"))
    lines = [line for line in timeline.splitlines() if line.startswith("• ")]
    assert len(lines) == len(engine.timeline())
    assert lines[0].startswith("• 20 июля 2024 — Ильхам Алиев")
    call = "• 25 ноября 2024 — Ильхам Алиев, телефонный разговор: 25 ноября 2024 года"
    assert any(line.startswith(call) for line in lines)
    [sources] = await command(fake, en, "/sources")
    status = engine.status()
    assert f"{status['passages']} passages" in sources and "Азербайджано-американский диалог" in sources
    assert status["version"] in sources
    [about] = await command(fake, en, "/about")
    assert "quotes only" in about and "no generated" in about
    [unknown] = await command(fake, ru, "/frobnicate")
    assert "/help" in unknown
    assert not fake.errors


async def test_inline_mode_articles(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(303)
    since = fake.mark()
    fake.inline_query(user, "Что Трамп писал ко Дню независимости Азербайджана?")
    call = await fake.wait_for("answerInlineQuery", since)
    results = call.params["results"]
    assert 1 <= len(results) <= 3
    first = results[0]
    assert first["type"] == "article" and first["title"] == "28 мая 2025 · Дональд Трамп"
    assert first["description"].startswith("28 мая 2025 года, в письме по случаю Дня независимости")
    message = first["input_message_content"]
    assert message["parse_mode"] == "HTML"
    text = validate_message(message["message_text"]).text
    assert "Источник: " in text and "абзац 36" in text
    assert [b["text"] for b in first["reply_markup"]["inline_keyboard"][0]] == ["👍", "👎"]

    # a vote from the message sent via inline mode
    since = fake.mark()
    fake.press_inline(user, "inline-msg-1", first["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    answer = await fake.wait_for("answerCallbackQuery", since)
    assert answer.params["text"] == "Спасибо за оценку!"

    since = fake.mark()
    fake.inline_query(user, "")
    assert (await fake.wait_for("answerInlineQuery", since)).params["results"] == []
    since = fake.mark()
    fake.inline_query(user, "рецепт борща со сметаной")
    empty = await fake.wait_for("answerInlineQuery", since)
    assert empty.params["results"] == [] and empty.params["button"]["text"] == "Ничего не найдено"
    assert not fake.errors


async def test_groups_answer_only_commands_mentions_and_replies(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(304)
    group = fake.group()
    gid = group["id"]
    since = fake.mark()
    fake.send_text(user, "Когда Алиев позвонил Трампу?", group)  # not addressed to the bot
    fake.send_text(user, "/help@OtherBot", group)
    fake.send_text(user, "/frobnicate", group)
    fake.send_content(user, group, sticker=STICKER)
    await fake.settle(0.5)
    assert not fake.calls_of("sendMessage", since, chat_id=gid)

    mention = fake.send_text(user, "@QuoteTestBot когда Алиев позвонил Трампу?", group)
    replies = await fake.wait_for_reply(gid, since)
    assert "25 ноября 2024" in validate_message(replies[-1].text).text
    assert replies[0].params["reply_parameters"]["message_id"] == mention["message"]["message_id"]

    since = fake.mark()
    bot_message = fake.messages[(gid, replies[-1].result["message_id"])]
    fake.send_text(user, "А что Трамп писал о Новрузе?", group, reply_to=bot_message)
    assert "Новруз" in validate_message((await fake.wait_for_reply(gid, since))[-1].text).text

    [help_text] = await command(fake, user, "/help@QuoteTestBot", group)
    assert "/timeline" in help_text
    timeline = await command(fake, user, "/timeline", group)
    assert "Хронология контактов" in timeline[0]

    since = fake.mark()  # a forum topic: the answer stays in the topic
    fake.send_text(user, "@QuoteTestBot Новруз", group, message_thread_id=77, is_topic_message=True)
    in_topic = await fake.wait_for_reply(gid, since)
    assert all(r.params.get("message_thread_id") == 77 for r in in_topic)
    assert fake.calls_of("sendChatAction", since)[0].params["message_thread_id"] == 77

    since = fake.mark()
    fake.send_text(user, "@QuoteTestBot", group)  # a mention without a question
    [empty] = await fake.wait_for_reply(gid, since)
    assert "Напишите вопрос" in empty.text
    assert not fake.errors
