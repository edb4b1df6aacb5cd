"""Moderators add a source from Telegram: preview, confirm (also after a restart), hot reload;
questions during an update are all answered, each from one index version."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from index import Engine, Settings
from quotebot.testing.corpus import audit_lines, current_version
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import ask_to_confirm, button_data, cited, press_and_wait, upload
from quotebot.testing.running import stop

from .conftest import StartBot
from .test_e2e_moderation_kit import (
    ARTICLE,
    ARTICLE_TITLE,
    MOD_ID,
    PEACE_QUESTION,
    SEED_TITLE,
    USER_ID,
    long_article,
    moderated_bot,
    moderator_of,
    say,
)

pytestmark = pytest.mark.slow  # needs the embedding model

LONG_TITLE = "Washington summit and after: a chronicle of statements"
CAPTION = "title: Washington summit: what the leaders said\nurl: https://example.org/summit?a=1&b=2\ndate: 2025-08-10"


async def test_moderator_adds_an_article_and_users_are_answered_from_it(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    app = await moderated_bot(start_bot, corpus_engine)
    mod, user = fake.user(MOD_ID, language_code="en"), fake.user(USER_ID, language_code="en")
    before = await say(fake, user, PEACE_QUESTION)
    assert ARTICLE_TITLE not in cited(before)
    old_version = current_version(corpus)

    since = fake.mark()
    upload(fake, mod, ARTICLE.read_bytes(), "article_en.md", CAPTION)
    preview_call = await ask_to_confirm(fake, mod, since)
    preview = "\n".join(c.visible for c in fake.calls_of("sendMessage", since, chat_id=MOD_ID))
    assert f"New source: {ARTICLE_TITLE}" in preview
    assert "7 paragraphs; 7 passages; 2 dated events" in preview and "published 10 August 2025" in preview
    assert "Dates: 8 August 2025, 8 September 2025" in preview
    assert "Speakers: Ilham Aliyev, Donald Trump" in preview
    assert "8 August 2025 · Donald Trump" in preview and "bringing peace to the South Caucasus" in preview
    assert "Add it to the corpus?" in preview
    assert [b["text"] for b in preview_call.buttons()] == ["✅ Add", "✖ Cancel"]
    assert current_version(corpus) == old_version  # a preview changes nothing

    # the pending upload survives a restart of the bot
    await stop(app)
    await moderated_bot(start_bot, corpus_engine)
    result = await press_and_wait(fake, mod, preview_call)
    assert result.startswith("✅ Source added: Washington summit") and "New questions are answered" in result
    assert current_version(corpus) != old_version
    assert fake.messages[(MOD_ID, preview_call.result["message_id"])].get("reply_markup") is None

    since = fake.mark()
    fake.send_text(user, PEACE_QUESTION)
    replies = [c.visible for c in await fake.wait_for_reply(USER_ID, since)]
    answer = "\n".join(replies)
    assert ARTICLE_TITLE in cited(replies)
    assert "1. 8 August 2025 · Donald Trump" in answer and "bringing peace to the South Caucasus" in answer
    link = fake.calls_of("sendMessage", since, chat_id=USER_ID)[0].text
    assert 'href="https://example.org/summit?a=1&amp;b=2"' in link

    actions = [(a["action"], a["user"]) for a in audit_lines(corpus)]
    assert ("add_preview", str(MOD_ID)) in actions and ("add", str(MOD_ID)) in actions
    added = next(a for a in audit_lines(corpus) if a["action"] == "add")
    assert (corpus.data_dir / "sources" / f"{added['source_id']}.txt").is_file()
    # a second tap on the same confirm button finds nothing to do
    since = fake.mark()
    fake.press(mod, preview_call, button_data(preview_call, "m:y:"))
    toast = await fake.wait_for("answerCallbackQuery", since)
    assert "expired" in toast.params.get("text", "")
    assert not fake.errors


async def test_questions_during_an_update_are_all_answered_from_one_version(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    mod = await moderator_of(fake, start_bot, corpus_engine)
    users = [fake.user(6100 + i, language_code="en") for i in range(4)]
    article = long_article(20_000).encode()
    assert 19_000 < len(article) < 22_000

    since = fake.mark()
    upload(fake, mod, article, "chronicle.md")
    preview = await ask_to_confirm(fake, mod, since, timeout=30)
    published: list[float] = []
    version = current_version(corpus)

    async def watch_current() -> None:
        while not published:
            if current_version(corpus) != version:
                published.append(time.monotonic())
            await asyncio.sleep(0.005)

    asked: list[float] = []  # when each question was sent

    async def traffic(stop_at: asyncio.Event) -> None:
        i = 0
        while not stop_at.is_set():
            user = users[i % len(users)]
            fake.send_text(user, PEACE_QUESTION if i % 2 == 0 else "Когда Алиев позвонил Трампу?")
            asked.append(time.monotonic())
            i += 1
            await asyncio.sleep(0.15)

    done = asyncio.Event()
    watcher = asyncio.create_task(watch_current())
    sender = asyncio.create_task(traffic(done))
    pressed = time.monotonic()
    result = await press_and_wait(fake, mod, preview, timeout=120)
    added_at = time.monotonic()
    await asyncio.sleep(0.6)  # a few questions after the update too
    done.set()
    await sender
    watcher.cancel()
    assert result.startswith("✅ Source added"), result
    user_ids = {u["id"] for u in users}

    async def all_answered() -> list[Any]:
        while True:
            replies = [
                c
                for c in fake.calls_of("sendMessage", since)
                if c.params.get("chat_id") in user_ids and (c.keyboard or "corpus has no quotes" in c.text)
            ]
            if len(replies) >= len(asked):
                return replies
            await asyncio.sleep(0.05)

    replies = await asyncio.wait_for(all_answered(), 30)
    assert len(replies) == len(asked)  # none lost, none doubled
    during = [c for c in replies if c.at < added_at]
    assert len(during) >= 2, "questions must be answered while the update runs"
    for call in replies:
        titles = {SEED_TITLE if t.startswith(SEED_TITLE) else t for t in cited([call.visible])}
        assert titles <= {SEED_TITLE, LONG_TITLE}
        if LONG_TITLE in titles:
            assert call.at >= published[0], "the new source is cited only once it is published"
    assert LONG_TITLE in cited(await say(fake, users[0], PEACE_QUESTION))  # the next question: new version
    print(
        f"\nconfirm → published {published[0] - pressed:.2f} s, → reply edited {added_at - pressed:.2f} s; "
        f"{len(asked)} questions, {len(during)} answered during the update"
    )
    assert not fake.errors
