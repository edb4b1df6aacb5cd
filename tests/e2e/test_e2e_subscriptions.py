"""Subscriptions: /subscribe, /subscriptions, /unsubscribe; after a moderator publishes a source,
each subscriber gets one digest of its dated quotes for their topic; a user who blocked the bot is
unsubscribed; a restart in the middle of a broadcast neither loses nor duplicates a digest."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest

from bot.services import KEY, Services
from index import Engine, Settings
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import add_article, ask_to_confirm, press_and_wait, upload
from quotebot.testing.running import stop

from .conftest import StartBot
from .test_e2e_moderation_kit import ARTICLE, ARTICLE_TITLE, MOD_ID, moderated_bot, say

pytestmark = pytest.mark.slow  # needs the embedding model

HEADER = "New source in the corpus"


def digests(fake: FakeTelegram, chat_id: int, since: int = 0) -> list[str]:
    return [
        c.visible
        for c in fake.calls_of("sendMessage", since, chat_id=chat_id)
        if c.ok and (HEADER in c.visible or "Korpusda yeni mənbə" in c.visible)
    ]


async def wait_until(check: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_subscription_commands(fake: FakeTelegram, start_bot: StartBot) -> None:
    await start_bot()
    user = fake.user(701, language_code="en")
    [none] = await say(fake, user, "/subscriptions")
    assert "No subscriptions" in none
    [done] = await say(fake, user, "/subscribe")
    assert "Subscribed: all new quotes" in done
    [done] = await say(fake, user, "/subscribe  Trump   907 ")
    assert "Subscribed: «Trump 907»" in done
    [again] = await say(fake, user, "/subscribe trump 907")
    assert "already subscribed" in again
    [listing] = await say(fake, user, "/subscriptions")
    assert listing.splitlines() == ["Your subscriptions:", "• all new quotes", "• «Trump 907»"]
    [missing] = await say(fake, user, "/unsubscribe Biden")
    assert "No such subscription" in missing
    [one] = await say(fake, user, "/unsubscribe TRUMP 907")
    assert "Unsubscribed: «Trump 907»" in one
    [long] = await say(fake, user, "/subscribe " + "x" * 101)
    assert "too long" in long
    [every] = await say(fake, user, "/unsubscribe")
    assert "All subscriptions cancelled (1)" in every
    assert not fake.errors


async def test_digest_after_an_upload_and_blocked_users(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    app = await moderated_bot(start_bot, corpus_engine)
    svc: Services = app.bot_data[KEY]
    everything, peace, off_topic, blocked = (fake.user(i, language_code="en") for i in (711, 712, 713, 714))
    az, trump = fake.user(715, language_code="az"), fake.user(716, language_code="en")
    mod = fake.user(MOD_ID, language_code="en")
    await say(fake, everything, "/subscribe")
    await say(fake, peace, "/subscribe peace in the South Caucasus")
    await say(fake, peace, "/subscribe Novruz holiday greetings")  # nothing about it in the new source
    await say(fake, off_topic, "/subscribe pilaf recipe")
    await say(fake, blocked, "/subscribe")
    await say(fake, az, "/subscribe Tramp")
    await say(fake, trump, "/subscribe 2025 Trump")
    fake.blocked.add(blocked["id"])

    since = fake.mark()
    result = await add_article(fake, mod, ARTICLE.read_bytes(), "article_en.md", "title: " + ARTICLE_TITLE)
    assert "Source added" in result
    await wait_until(
        lambda: (
            len(digests(fake, everything["id"], since)) == 1
            and digests(fake, peace["id"], since)
            and digests(fake, az["id"], since)
            and not svc.readers.subscriptions(blocked["id"])
        )
    )
    await fake.settle(0.5)

    [all_new] = digests(fake, everything["id"], since)
    assert f"{HEADER}: {ARTICLE_TITLE}" in all_new and "New dated events:" in all_new
    assert "8 September 2025 · Ilham Aliyev · letter" in all_new and "8 August 2025 · Donald Trump" in all_new
    [on_topic] = digests(fake, peace["id"], since)
    assert "For your subscription “peace in the South Caucasus”:" in on_topic
    assert "bringing peace to the South Caucasus" in on_topic and "Source: " + ARTICLE_TITLE in on_topic
    assert "Novruz" not in on_topic  # that topic had nothing new: searched only in the new passages
    [az_digest] = digests(fake, az["id"], since)
    assert "«Tramp» abunəliyiniz üzrə:" in az_digest and "8 avqust 2025 · Donald Tramp" in az_digest
    assert "Mənbə: " in az_digest and "abzas" in az_digest and "İlham Əliyev" not in az_digest
    [by_name] = digests(fake, trump["id"], since)
    assert "For your subscription “2025 Trump”:" in by_name and "8 August 2025 · Donald Trump" in by_name
    assert digests(fake, off_topic["id"], since) == []  # the search would decline: nothing sent
    refused = [c for c in fake.calls_of("sendMessage", since, chat_id=blocked["id"]) if c.status == 403]
    assert len(refused) == 1 and svc.readers.subscriptions(blocked["id"]) == []
    assert [c for c in fake.errors if c.status != 403] == []


async def test_restart_in_the_middle_of_a_broadcast(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    app = await moderated_bot(start_bot, corpus_engine)
    subscribers = [fake.user(800 + i, language_code="en") for i in range(40)]
    svc: Services = app.bot_data[KEY]
    for user in subscribers:
        svc.readers.subscribe(user["id"], "", "en")  # as /subscribe does, without 40 round trips
    mod = fake.user(MOD_ID, language_code="en")

    since = fake.mark()
    upload(fake, mod, ARTICLE.read_bytes(), "article_en.md", "title: " + ARTICLE_TITLE)
    preview = await ask_to_confirm(fake, mod, since)
    fake.delay("sendMessage", 0.3, times=1000)  # slow delivery, so the restart lands mid-broadcast
    result = await press_and_wait(fake, mod, preview)
    assert "Source added" in result

    def delivered() -> Counter[int]:
        return Counter(c.params["chat_id"] for c in fake.calls_of("sendMessage", since) if c.ok and HEADER in c.visible)

    await wait_until(lambda: sum(delivered().values()) >= 5)
    await stop(app)  # graceful: the messages in flight finish, no new ones start
    before = delivered()
    assert 5 <= sum(before.values()) < len(subscribers)

    fake.faults.clear()
    await start_bot(corpus_engine, moderators=(MOD_ID,))
    await wait_until(lambda: len(delivered()) == len(subscribers))
    await fake.settle(0.5)
    counts = delivered()
    assert set(counts) == {u["id"] for u in subscribers}
    assert set(counts.values()) == {1}  # nobody lost, nobody twice
    assert not fake.errors
