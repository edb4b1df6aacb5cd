"""Inline keyboard: paging by editing, full paragraph and back, votes, expired and restart-safe buttons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telegram.ext import Application

from index import Engine
from quotebot.testing.fake_telegram import Call, FakeTelegram
from quotebot.testing.running import stop
from quotebot.testing.telegram_html import validate_message

from .conftest import StartBot

pytestmark = pytest.mark.slow  # needs the embedding model

QUESTION = "Что Алиев написал Трампу после его избрания?"


async def ask(fake: FakeTelegram, user: dict, question: str = QUESTION) -> Call:
    return (await fake.say(user, question))[-1]


async def press(
    fake: FakeTelegram, user: dict, message: Call | dict, data: str, edit: bool = True
) -> tuple[Call, Call | None]:
    """Tap a button; returns the callback answer and the edit it caused (if any)."""
    since = fake.mark()
    update = fake.press(user, message, data)
    qid = update["callback_query"]["id"]
    answer = await fake.wait_for("answerCallbackQuery", since, callback_query_id=qid)
    edited = await fake.wait_for("editMessageText", since) if edit else None
    return answer, edited


async def test_paging_paragraph_and_back(fake: FakeTelegram, bot: Application, engine: Engine) -> None:
    user = fake.user(201)
    reply = await ask(fake, user)
    first_page = validate_message(reply.text).text
    total = engine.ask(QUESTION).total
    assert total > 3 and f"Результаты 1–3 из {total}" in first_page

    _, page2 = await press(fake, user, reply, reply.button("Ещё")["callback_data"])
    assert page2 is not None and page2.params["message_id"] == reply.result["message_id"]
    text2 = validate_message(page2.text).text
    assert f"Результаты 4–{min(6, total)} из {total}" in text2 and "4. " in text2
    assert "◀ Назад" in [b["text"] for b in page2.buttons()]

    _, para = await press(fake, user, reply, page2.button("📖 4")["callback_data"])
    assert para is not None
    hit = engine.ask(QUESTION, offset=3).hits[0]
    paragraph = engine.paragraph(hit.source_id, hit.paragraphs[0])
    assert paragraph and paragraph in validate_message(para.text).text
    assert "Полный текст" in para.text

    _, back = await press(fake, user, reply, para.button("К результатам")["callback_data"])
    assert back is not None and validate_message(back.text).text == text2

    prev_data = back.button("◀ Назад")["callback_data"]
    _, page1 = await press(fake, user, reply, prev_data)
    assert page1 is not None and validate_message(page1.text).text == first_page

    # the same button again would not change the message: the query is answered, nothing edited
    since = fake.mark()
    answer, _ = await press(fake, user, reply, prev_data, edit=False)
    assert answer.params.get("text") == "Это уже показано."
    await fake.settle(0.2)
    assert not fake.calls_of("editMessageText", since)
    assert not fake.errors  # in particular no "message is not modified"


async def test_votes_are_stored_with_question_and_passages(
    fake: FakeTelegram, bot: Application, feedback_file: Path, engine: Engine
) -> None:
    user = fake.user(202, language_code="en")
    reply = await ask(fake, user, "Когда Алиев позвонил Трампу?")
    answer, _ = await press(fake, user, reply, reply.button("👎")["callback_data"], edit=False)
    assert answer.params["text"] == "Thanks for the feedback!"
    await press(fake, user, reply, reply.button("👍")["callback_data"], edit=False)
    records = [json.loads(line) for line in feedback_file.read_text(encoding="utf-8").splitlines()]
    assert [r["vote"] for r in records] == [-1, 1]
    shown = engine.ask("Когда Алиев позвонил Трампу?").hits
    assert records[0]["query"] == "Когда Алиев позвонил Трампу?"
    assert [s["passage_ids"] for s in records[0]["shown"]] == [list(h.passage_ids) for h in shown]
    assert records[0]["user_id"] == 202 and records[0]["index_version"] == engine.status()["version"]
    assert not fake.errors


async def test_expired_and_unknown_buttons_answer_briefly(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(203)
    reply = await ask(fake, user)
    for data in ("n:AAAAAAAAAAAA:3", "f:AAAAAAAAAAAA:0", "v:AAAAAAAAAAAA:u", "from-an-old-version"):
        answer, _ = await press(fake, user, reply, data, edit=False)
        assert answer.params["text"] == "Эта кнопка устарела. Задайте вопрос заново."
    assert not fake.calls_of("editMessageText")
    assert not fake.errors


async def test_buttons_survive_a_restart(fake: FakeTelegram, start_bot: StartBot, state_dir: Path) -> None:
    user = fake.user(204)
    first = await start_bot()
    reply = await ask(fake, user)
    await stop(first)
    await start_bot()  # a new process would see the same state directory
    _, page2 = await press(fake, user, reply, reply.button("Ещё")["callback_data"])
    assert page2 is not None and "Результаты 4–" in validate_message(page2.text).text
    assert (state_dir / "views.sqlite3").exists()
    assert not fake.errors


async def test_examples_from_start_are_answered(fake: FakeTelegram, bot: Application) -> None:
    user = fake.user(205)
    [start] = await fake.say(user, "/start")
    assert "только цитатами" in validate_message(start.text).text
    examples = start.buttons()
    assert len(examples) == 2
    since = fake.mark()
    fake.press(user, start, examples[1]["callback_data"])
    answer = (await fake.wait_for_reply(user["id"], since))[-1]
    text = validate_message(answer.text).text
    assert "28 мая 2025 · Дональд Трамп · письмо" in text  # Independence Day letter
    assert not fake.errors
