"""The reader's experience through the fake Bot API: the /timeline picture, the Azerbaijani
interface and /lang, sharing an answer and reopening it from a deep link."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.config import BotConfig
from bot.local_chat import LocalChat
from bot.services import KEY, Services
from index import Engine
from quotebot.testing.fake_telegram import Call, FakeTelegram, png_size
from quotebot.testing.running import stop
from quotebot.testing.telegram_html import validate_message

from .conftest import StartBot

pytestmark = pytest.mark.slow  # needs the embedding model

QUESTION = "Когда Алиев позвонил Трампу?"


async def say(fake: FakeTelegram, user: dict[str, Any], text: str) -> list[Call]:
    return await fake.say(user, text)


async def timeline(fake: FakeTelegram, user: dict[str, Any], text: str) -> tuple[Call, list[str]]:
    """The photo the bot sent for ``text`` and the lines of the list that follows it."""
    since = fake.mark()
    fake.send_text(user, text)
    photo = await fake.wait_for("sendPhoto", since, chat_id=user["id"])
    listing = await fake.wait_for_reply(user["id"], since)
    assert all(c.at >= photo.at for c in listing)  # the picture first, then the list
    lines = [line for c in listing for line in c.visible.splitlines() if line.startswith("• ")]
    return photo, lines


async def test_timeline_is_a_picture_then_the_list_with_filters(
    fake: FakeTelegram, bot: Application, engine: Engine
) -> None:
    ru, en = fake.user(601), fake.user(602, language_code="en")
    photo, lines = await timeline(fake, ru, "/timeline")
    png = photo.files["photo"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(png) < 2_000_000
    width, height = png_size(png) or (0, 0)
    assert width >= 1280 and 300 <= height <= width
    stored = fake.messages[(ru["id"], photo.result["message_id"])]
    assert stored["photo"][0]["width"] == width
    assert photo.params["caption"].startswith("<b>Хронология контактов</b>: событий — 13")
    assert len(lines) == len(engine.timeline())

    _, in_2025 = await timeline(fake, ru, "/timeline 2025")
    assert in_2025 and all("2025 —" in line for line in in_2025) and len(in_2025) < len(lines)
    photo, trump = await timeline(fake, en, "/timeline Trump")
    assert trump and all("— Donald Trump" in line for line in trump)
    assert "Filter: “Trump”." in photo.params["caption"]

    svc: Services = bot.bot_data[KEY]
    renders = svc.pictures.renders
    await timeline(fake, ru, "/timeline")  # the same index version: from the cache
    assert svc.pictures.renders == renders

    since = fake.mark()
    fake.send_text(en, "/timeline 1990")
    [none] = await fake.wait_for_reply(en["id"], since)
    assert "No events match “1990”" in none.visible and not fake.calls_of("sendPhoto", since)
    assert not fake.errors


async def test_azerbaijani_interface(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(611, language_code="az")
    [start] = await say(fake, user, "/start")
    assert "yalnız sitatlarla" in start.visible
    assert start.buttons()[0]["text"] == "Əliyev seçkidən sonra Trampa nə yazıb?"
    reply = (await say(fake, user, QUESTION))[-1]
    text = reply.visible
    assert "25 noyabr 2024 · İlham Əliyev · telefon danışığı" in text
    assert "Mənbə: " in text and "abzas 19" in text
    assert "25 ноября 2024 года Ильхам Алиев позвонил" in text  # quotes are never translated
    labels = [b["text"] for b in reply.buttons()]
    assert "Daha ▶" in labels and "↗ Paylaş" in labels
    [about] = await say(fake, user, "/about")
    assert "Cavablar necə hazırlanır" in about.visible
    assert not fake.errors


async def test_lang_switches_per_user_and_survives_a_restart(fake: FakeTelegram, start_bot: StartBot) -> None:
    app = await start_bot()
    user, other = fake.user(621, language_code="ru"), fake.user(622, language_code="ru")
    [prompt] = await say(fake, user, "/lang")
    assert [b["text"] for b in prompt.buttons()] == ["🇷🇺 Русский", "🇬🇧 English", "🇦🇿 Azərbaycanca"]
    since = fake.mark()
    fake.press(user, prompt, prompt.button("Azərbaycanca")["callback_data"])
    edited = await fake.wait_for("editMessageText", since)
    assert "interfeys Azərbaycan dilindədir" in edited.visible
    menu = fake.chat_commands[(user["id"], "")]
    assert menu[2] == {"command": "timeline", "description": "Təmasların xronologiyası"}
    [help_az] = await say(fake, user, "/help")
    assert "Necə soruşmalı" in help_az.visible
    [help_ru] = await say(fake, other, "/help")  # another user keeps Telegram's language
    assert "Как спрашивать" in help_ru.visible

    await stop(app)
    await start_bot()
    [after] = await say(fake, user, "/help")
    assert "Necə soruşmalı" in after.visible
    [done] = await say(fake, user, "/lang en")
    assert "the interface is in English" in done.visible
    [help_en] = await say(fake, user, "/help")
    assert "How to ask" in help_en.visible
    [bad] = await say(fake, user, "/lang xx")
    assert "Available: ru, en, az" in bad.visible
    assert not fake.errors


async def test_share_button_and_deep_link_reopen_the_answer(fake: FakeTelegram, bot: Application) -> None:
    user, friend = fake.user(631), fake.user(632, language_code="en")
    reply = (await say(fake, user, QUESTION))[-1]
    share = reply.button("Поделиться")
    assert share["switch_inline_query"] == QUESTION and "callback_data" not in share

    since = fake.mark()  # what the share button opens: inline mode with the question
    fake.inline_query(user, share["switch_inline_query"])
    results = (await fake.wait_for("answerInlineQuery", since)).params["results"]
    card = results[0]
    link = card["reply_markup"]["inline_keyboard"][1][0]
    assert link["text"] == "🔗 Открыть в боте"
    m = re.fullmatch(r"https://t\.me/QuoteTestBot\?start=([A-Za-z0-9_-]{12})", link["url"])
    assert m, link["url"]
    shared_text = validate_message(card["input_message_content"]["message_text"]).text

    # the friend opens the link: Telegram sends "/start KEY"
    reopened = await say(fake, friend, f"/start {m.group(1)}")
    text = "\n".join(c.visible for c in reopened)
    assert f"The answer to “{QUESTION}”" in text
    assert "25 ноября 2024 года Ильхам Алиев позвонил Дональду Трампу" in text
    assert shared_text.splitlines()[-1].replace("Источник", "Source").replace("абзац", "paragraph") in text
    assert "📖 1" in [b["text"] for b in reopened[-1].buttons()]

    # the answer's own key works too; an unknown one says so
    key = reply.button("📖 1")["callback_data"].split(":")[1]
    again = await say(fake, user, f"/start {key}")
    assert "Ответ на вопрос «Когда Алиев позвонил Трампу?»" in again[0].visible
    [missing] = await say(fake, user, "/start AAAAAAAAAAAA")
    assert "больше не хранится" in missing.visible
    [start] = await say(fake, user, "/start inline_empty")  # inline mode's "Nothing found" button
    assert "только цитатами" in start.visible
    assert not fake.errors


async def test_local_chat_writes_the_picture_to_a_file(engine: Engine, tmp_path: Path) -> None:
    out = io.StringIO()
    chat = LocalChat(engine, BotConfig(state_dir=tmp_path / "state"), out)
    for line in ("/timeline Trump", "/lang az", "/timeline", "/lang xx"):
        assert await chat.handle(line)
    text = out.getvalue()
    paths = [Path(p) for p in re.findall(r"(?:Картинка сохранена|Şəkil saxlanıldı): (\S+\.png)", text)]
    assert len(paths) == 2 and paths[0] != paths[1]
    for path in paths:
        assert path.is_file() and path.is_relative_to(tmp_path)
        assert (png_size(path.read_bytes()) or (0, 0))[0] >= 1280
    assert "• 10 апреля 2025 — Дональд Трамп, письмо" in text  # the list follows the picture
    assert "• 25 noyabr 2024 — İlham Əliyev, telefon danışığı" in text
    assert "Belə dil yoxdur" in text
