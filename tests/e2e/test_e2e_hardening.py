"""Hardening, end to end through the fake Bot API: long pastes, who may confirm, a confirm that
meets a locked index, downloads of unknown size, a bot whose state cannot be written, stale and
flooding updates, and fuzzed button data, captions and file names."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import pytest
from telegram.ext import Application

from bot import services
from index import Engine, Settings
from index.corpus.documents import document_text
from index.store.versions import IndexStore
from quotebot.testing.corpus import audit_lines, snapshot
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import ask_to_confirm, has_confirm, press_and_wait, upload

from .conftest import StartBot
from .test_e2e_moderation_kit import MOD_ID, USER_ID, long_article, moderated_bot, moderator_of, say

pytestmark = pytest.mark.slow  # needs the embedding model
QUESTION = "Когда Алиев позвонил Трампу?"
OTHER_MOD = 5003


def limit_uploads(app: Application, corpus: Settings, max_bytes: int) -> None:  # type: ignore[type-arg]
    mod = app.bot_data[services.KEY].moderation
    assert mod is not None
    mod.settings = corpus.replace(max_source_bytes=max_bytes)


def telegram_parts(text: str) -> list[str]:
    """``text`` cut into messages as a client does with a long paste: under 4096 characters, whitespace
    at the cuts trimmed; the first cut falls between paragraphs, the second inside a sentence."""
    first = text.rindex("\n\n", 0, 4000)
    second = text.rindex(" ", first + 1000, first + 4000)
    return [text[:first].strip(), text[first:second].strip(), text[second:].strip()]


async def test_a_long_paste_is_collected_until_done_then_added_whole(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    app = await moderated_bot(start_bot, corpus_engine)
    mod = fake.user(MOD_ID, language_code="en")
    article = long_article(9_000)
    parts = telegram_parts(article)
    assert len(parts) == 3 and all(len(p) < 4096 for p in parts)
    await say(fake, mod, "/add title: Chronicle in parts\nlanguage: en")
    for n, part in enumerate(parts, start=1):
        since = fake.mark()
        fake.send_text(mod, part)
        ask = await ask_to_confirm(fake, mod, since)
        assert f"Parts received: {n}" in ask.visible
        replies = "\n".join(c.visible for c in fake.calls_of("sendMessage", since, chat_id=MOD_ID))
        assert "Results" not in replies and "no quotes" not in replies  # no part is answered as a question

    limit_uploads(app, corpus, len(article.encode()) + 100)
    [refused] = await say(fake, mod, "x" * 200)  # would take the text over the limit: refused, the rest kept
    assert refused.startswith("This part was not accepted")

    since = fake.mark()
    fake.send_text(mod, "/done")
    preview = await ask_to_confirm(fake, mod, since)
    shown = "\n".join(c.visible for c in fake.calls_of("sendMessage", since, chat_id=MOD_ID))
    assert "New source: Chronicle in parts" in shown and "The text is complete (3 parts" in shown
    result = await press_and_wait(fake, mod, preview)
    assert result.startswith("✅ Source added")
    [added] = [a for a in audit_lines(corpus) if a["action"] == "add"]
    stored = (corpus.data_dir / "sources" / f"{added['source_id']}.txt").read_text(encoding="utf-8")
    assert stored == document_text(article.encode(), "pasted.txt")  # all three parts, paragraphs intact
    assert (await say(fake, mod, "Thanks"))[0] != "Parts received"  # collecting ended with the confirm
    assert not fake.errors


async def test_only_the_moderator_who_asked_may_confirm_or_cancel(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    await start_bot(corpus_engine, moderators=(MOD_ID, OTHER_MOD))
    mod, other = fake.user(MOD_ID, language_code="en"), fake.user(OTHER_MOD, language_code="en")
    before = snapshot(corpus)
    since = fake.mark()
    upload(fake, mod, long_article(3_000).encode(), "summit.md", "title: Summit notes")
    preview = await ask_to_confirm(fake, mod, since)
    for prefix in ("m:y:", "m:n:"):
        since = fake.mark()
        data = next(b["callback_data"] for b in preview.buttons() if b["callback_data"].startswith(prefix))
        fake.press(other, preview, data)
        toast = await fake.wait_for("answerCallbackQuery", since)
        assert toast.params["text"] == "Only the moderator who started this can confirm or cancel it."
    assert snapshot(corpus) == before
    assert (await press_and_wait(fake, mod, preview)).startswith("✅ Source added")
    refused = [a for a in audit_lines(corpus) if a["action"] in ("confirm_refused", "cancel_refused")]
    assert [a["user"] for a in refused] == [str(OTHER_MOD)] * 2
    assert not fake.errors


async def test_a_confirm_that_meets_a_locked_index_can_be_pressed_again(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = IndexStore.lock

    def impatient(self: IndexStore, *, wait: float = 30.0) -> Any:
        return original(self, wait=0.3)

    monkeypatch.setattr(IndexStore, "lock", impatient)
    mod = await moderator_of(fake, start_bot, corpus_engine)
    since = fake.mark()
    upload(fake, mod, long_article(3_000).encode(), "summit.md", "title: Summit notes")
    preview = await ask_to_confirm(fake, mod, since)
    before = snapshot(corpus)
    with original(IndexStore(corpus.index_dir), wait=5):  # another writer is publishing
        since = fake.mark()
        busy = await press_and_wait(fake, mod, preview)
    assert busy.startswith("Another process is updating the index")
    assert snapshot(corpus) == before
    again = await fake.wait_for("editMessageText", since, predicate=has_confirm)  # the buttons are back
    assert (await press_and_wait(fake, mod, again)).startswith("✅ Source added")
    assert not fake.errors


async def test_a_document_of_unknown_size_is_refused_while_streaming(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    app = await moderated_bot(start_bot, corpus_engine)
    limit_uploads(app, corpus, 1_000_000)
    mod = fake.user(MOD_ID, language_code="en")
    size = 64_000_000
    file_id = fake.add_streamed_file(size, "huge.txt")
    path = fake.files[file_id][0]
    before = snapshot(corpus)
    since = fake.mark()
    fake.send_content(
        mod,
        document={
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": "huge.txt",
            "mime_type": "text/plain",
        },
    )  # no file_size: Telegram did not say
    [reply] = [c.visible for c in await fake.wait_for_reply(MOD_ID, since, timeout=30)]
    assert reply.startswith("File not accepted: it is >1.0 MB and the limit is 1.0 MB")
    assert fake.streamed[path] < size // 4  # the download stopped soon after the limit (socket buffers aside)
    assert snapshot(corpus) == before
    assert "add_refused" in [a["action"] for a in audit_lines(corpus)]


async def test_a_bot_whose_state_cannot_be_written_still_answers(
    fake: FakeTelegram, start_bot: StartBot, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the state directory should be: every write under it fails")
    with caplog.at_level(logging.WARNING):
        await start_bot(state_dir=blocked / "state", feedback_path=blocked / "state" / "feedback.jsonl")
        user = fake.user(USER_ID)
        since = fake.mark()
        fake.send_text(user, QUESTION)
        replies = await fake.wait_for_reply(USER_ID, since)
    text = "\n".join(c.visible for c in replies)
    assert "25 ноября 2024" in text and not any(c.keyboard for c in replies)  # the quotes, without buttons
    assert "answers go without buttons" in caplog.text
    since = fake.mark()
    fake.press(user, replies[-1], "v:AbC-_0123456:u")  # a button from before: expired, not an error
    toast = await fake.wait_for("answerCallbackQuery", since)
    assert toast.params.get("text")  # "expired"
    [help_text] = await say(fake, user, "/help")
    assert help_text
    assert not fake.errors


async def test_stale_updates_are_dropped_and_a_flooded_group_is_cut_to_its_backlog(
    fake: FakeTelegram, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.fairness"):
        await start_bot(max_update_age=60, chat_backlog=3)
        user = fake.user(USER_ID)
        since = fake.mark()
        fake.send_text(user, "Что Трамп писал о Новрузе?", date=int(time.time()) - 3600)  # sent an hour ago
        fake.send_text(user, QUESTION)
        replies = await fake.wait_for_reply(USER_ID, since)
        assert len([c for c in replies if c.keyboard]) == 1 and "25 ноября 2024" in replies[0].visible

        group = fake.group()
        members = [fake.user(7000 + i) for i in range(20)]
        since = fake.mark()
        for member in members:
            fake.send_text(member, f"@{fake.bot_user['username']} {QUESTION}", chat=group)
        fake.send_text(user, "Что Трамп писал о Новрузе?")  # a private user in the middle of the flood
        private = await fake.wait_for("sendMessage", since, 30, chat_id=USER_ID)
        assert "Новруз" in private.visible
        await fake.settle(quiet=1.0, timeout=30)
    answered = {
        c.params.get("reply_parameters", {}).get("message_id")
        for c in fake.calls_of("sendMessage", since, chat_id=group["id"])
    }
    assert len(answered) == 4  # one answered at a time plus a backlog of 3; the other 16 dropped
    assert "s old, over max_update_age 60 s" in caplog.text
    assert "dropped update" in caplog.text and "16 updates dropped in all (backlog)" in caplog.text
    assert not fake.errors


async def test_fuzzed_buttons_captions_and_file_names_change_nothing(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    await moderated_bot(start_bot, corpus_engine, chat_backlog=500)
    rng = random.Random(20261201)
    alphabet = "nfbvxmyu:0123456789AbC-_ ./\\<>&\"'🇦🇿\u200b\x00ёж"
    mod, user = fake.user(MOD_ID, language_code="en"), fake.user(USER_ID)
    since = fake.mark()
    fake.send_text(user, QUESTION)
    answer = (await fake.wait_for_reply(USER_ID, since))[-1]
    real = [b["callback_data"] for b in answer.buttons() if "callback_data" in b]  # not the share button
    before = snapshot(corpus)
    pressed = []
    for _ in range(40):
        base = rng.choice([*real, ""])
        cut = rng.randrange(len(base) + 1)
        noise = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        data = (base[:cut] + noise + base[cut + rng.randrange(3) :])[:64] or "x"
        pressed.append(fake.press(user, answer, data)["callback_query"]["id"])
        pressed.append(fake.press(mod, answer, rng.choice(["m:y:", "m:n:"]) + data[:12])["callback_query"]["id"])
    for i in range(15):
        name = "".join(rng.choice(alphabet + "txtmdhl") for _ in range(rng.randrange(0, 30))) + rng.choice(
            ["", ".txt", ".md", ".html", ".exe"]
        )
        caption = rng.choice(
            [
                None,
                "title: x",
                "date: 2025-13-45",
                "url: javascript:alert(1)",
                "colour: blue",
                "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80))),
            ]
        )
        upload(
            fake,
            mod,
            rng.choice([b"", b"\x00\x01", "короткий".encode(), long_article(1500).encode()]),
            name or ".",
            caption,
        )
        fake.send_text(mod, f"/remove {name[:40]}" if i % 3 == 0 else f"/add {caption or ''}")
        fake.send_text(mod, "/cancel")
    await fake.settle(quiet=1.0, timeout=60)
    assert set(pressed) <= fake.answered_callbacks  # every button press was answered
    assert snapshot(corpus) == before  # no confirm went through: the forged keys name no pending action
    assert not fake.errors


async def test_a_vote_that_cannot_be_stored_is_still_thanked(
    fake: FakeTelegram, start_bot: StartBot, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("votes cannot be written under a file")
    await start_bot(feedback_path=blocked / "feedback.jsonl")
    user = fake.user(USER_ID, language_code="en")
    since = fake.mark()
    fake.send_text(user, QUESTION)
    answer = (await fake.wait_for_reply(USER_ID, since))[-1]
    since = fake.mark()
    with caplog.at_level(logging.WARNING, logger="bot.handlers.callbacks"):
        fake.press(user, answer, answer.button("👎")["callback_data"])
        toast = await fake.wait_for("answerCallbackQuery", since)
    assert toast.params["text"].startswith("Thanks") and "could not store a vote" in caplog.text
    assert not fake.calls_of("sendMessage", since)  # no "something went wrong"


async def test_debug_logs_of_a_webhook_bot_carry_no_secret(
    fake: FakeTelegram, tmp_path: Any, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    import aiohttp

    from bot.app import build_application
    from bot.config import WebhookConfig
    from quotebot.testing.running import bot_config, running

    from .test_e2e_transport import free_port

    port = free_port()
    hook = WebhookConfig(
        listen="127.0.0.1",
        port=port,
        path_secret="debug-path-secret-0123456789",
        public_url="https://bot.example.org/tg",
    )  # no secret_token: the header token is derived
    config = bot_config(fake, tmp_path / "state", mode="webhook", webhook=hook, log_level="DEBUG")
    with caplog.at_level(logging.DEBUG):
        async with running(build_application(config, engine), config):
            user = fake.user(602)
            since = fake.mark()
            update = {"update_id": 1, "message": fake.message(user, QUESTION)}
            headers = {"X-Telegram-Bot-Api-Secret-Token": hook.header_token}
            async with (
                aiohttp.ClientSession() as http,
                http.post(f"http://127.0.0.1:{port}/{hook.path_secret}", json=update, headers=headers) as r,
            ):
                assert r.status == 200
            await fake.wait_for("sendMessage", since, chat_id=user["id"])
    assert fake.webhook["secret_token"] == hook.header_token
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "setWebhook" in logged and "<redacted>" in logged  # PTB logged the call, with its parameters
    for secret in (fake.token, hook.path_secret, hook.header_token):
        assert secret not in logged
