"""Managing the corpus from Telegram: /remove and /rollback change answers, /add with pasted
text, /cancel, expired confirmations, /feedback, /status and /reindex."""

from __future__ import annotations

import pytest

from index import Engine, Settings, add_source, prepare_source
from quotebot.testing.corpus import audit_lines, current_version, snapshot
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import ask_to_confirm, cited, press_and_wait

from .conftest import StartBot
from .test_e2e_moderation_kit import (
    ARTICLE,
    ARTICLE_TITLE,
    MOD_ID,
    PEACE_QUESTION,
    USER_ID,
    moderated_bot,
    moderator_of,
    say,
)

pytestmark = pytest.mark.slow  # needs the embedding model

QUESTIONS = [
    PEACE_QUESTION,
    "What did Aliyev write to Trump in September 2025?",
    "What did Aliyev say at the White House about the peace process?",
]


@pytest.fixture
def with_article(corpus: Settings, engine: Engine) -> tuple[Settings, Engine, str]:
    """The corpus with the test article already added (through the index API), and its engine."""
    preview = prepare_source(corpus, ARTICLE.read_bytes(), "article_en.md", None, added_by="tests")
    add_source(corpus, preview, user="tests")
    return corpus, Engine.open(corpus, embedder=engine.embedder), preview.source.id


async def answers(fake: FakeTelegram, user: dict) -> list[set[str]]:
    return [cited(await say(fake, user, q)) for q in QUESTIONS]


async def test_remove_and_rollback_change_the_answers(
    fake: FakeTelegram, start_bot: StartBot, with_article: tuple[Settings, Engine, str]
) -> None:
    corpus, engine, source_id = with_article
    await moderated_bot(start_bot, engine)
    mod, user = fake.user(MOD_ID, language_code="en"), fake.user(USER_ID, language_code="en")
    assert ARTICLE_TITLE in cited(await say(fake, user, PEACE_QUESTION))
    [listing] = await say(fake, mod, "/sources")
    assert f"{source_id} — {ARTICLE_TITLE}\n7 passages, 7 paragraphs; added" in listing and "by tests" in listing

    [usage] = await say(fake, mod, "/remove")
    assert usage.startswith("Give the source id")
    [unknown] = await say(fake, mod, "/remove no_such_source")
    assert unknown.startswith("There is no source no_such_source")
    since = fake.mark()
    fake.send_text(mod, f"/remove {source_id}")
    ask = await ask_to_confirm(fake, mod, since)
    assert ask.visible.startswith(f"Remove the source {ARTICLE_TITLE} ({source_id}, 7 passages)?")
    removed = await press_and_wait(fake, mod, ask)
    assert removed.startswith(f"🗑 Source {source_id} removed.")
    for titles in await answers(fake, user):
        assert ARTICLE_TITLE not in titles
    [listing] = await say(fake, mod, "/sources")
    assert source_id not in listing

    since = fake.mark()
    fake.send_text(mod, "/rollback")
    ask = await ask_to_confirm(fake, mod, since)
    assert ask.visible.startswith("Roll the index back from version")
    back = await press_and_wait(fake, mod, ask)
    assert back.startswith("↩ The index is back at version") and "2 sources" in back
    assert ARTICLE_TITLE in cited(await say(fake, user, PEACE_QUESTION))

    actions = [(a["action"], a["source_id"], a["user"]) for a in audit_lines(corpus)]
    assert ("remove", source_id, str(MOD_ID)) in actions and ("rollback", None, str(MOD_ID)) in actions
    assert ("remove_refused", "no_such_source", str(MOD_ID)) in actions
    assert not fake.errors


async def test_pasted_text_cancel_and_expired_buttons(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    mod = await moderator_of(fake, start_bot, corpus_engine)
    before = snapshot(corpus)
    [prompt] = await say(fake, mod, "/add title: Pasted summit notes\nlanguage: en")
    assert prompt.startswith("Send the article's text as your next message")
    since = fake.mark()
    fake.send_text(mod, ARTICLE.read_text(encoding="utf-8"))
    ask = await ask_to_confirm(fake, mod, since)
    preview = "\n".join(c.visible for c in fake.calls_of("sendMessage", since, chat_id=MOD_ID))
    assert "New source: Pasted summit notes" in preview and "7 passages" in preview
    assert "Results" not in preview  # the pasted article is not answered as a question

    since = fake.mark()
    decline = next(b["callback_data"] for b in ask.buttons() if b["callback_data"].startswith("m:n:"))
    fake.press(mod, ask, decline)
    [cancelled] = [c.visible for c in await fake.wait_for_reply(MOD_ID, since)]
    assert cancelled == "Cancelled; nothing was changed."
    since = fake.mark()
    fake.press(mod, ask, ask.buttons()[0]["callback_data"])  # confirm after cancel: expired
    toast = await fake.wait_for("answerCallbackQuery", since)
    assert toast.params["text"] == "This confirmation has expired: please start again."
    since = fake.mark()
    fake.press(mod, ask, "m:y:zzzzzzzzzzzz")  # never existed (or expired and purged)
    assert (await fake.wait_for("answerCallbackQuery", since)).params["text"].startswith("This confirmation")

    await say(fake, mod, "/add")
    [cancel] = await say(fake, mod, "/cancel")
    assert cancel == "Cancelled; nothing was changed."
    assert (await say(fake, mod, PEACE_QUESTION))[0].startswith(("Results", "The corpus has no quotes"))
    [nothing] = await say(fake, mod, "/cancel")
    assert nothing == "There is nothing to cancel."
    [bad] = await say(fake, mod, "/add colour: blue")
    assert bad.startswith("Could not read the caption: unknown key 'colour'")

    assert snapshot(corpus) == before
    actions = [a["action"] for a in audit_lines(corpus)]
    assert actions.count("add_cancelled") == 2 and "add_preview" in actions and "add_refused" in actions
    assert not fake.errors


async def test_feedback_status_and_reindex(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    await moderated_bot(start_bot, corpus_engine)
    mod, user = fake.user(MOD_ID, language_code="en"), fake.user(USER_ID, language_code="ru")
    [empty] = await say(fake, mod, "/feedback")
    assert empty == "There are no 👎 votes yet."

    question = "Когда Алиев позвонил Трампу?"
    since = fake.mark()
    fake.send_text(user, question)
    answer = (await fake.wait_for_reply(USER_ID, since))[-1]
    down = next(b["callback_data"] for b in answer.buttons() if b["text"] == "👎")
    fake.press(user, answer, down)
    await fake.wait_for("answerCallbackQuery", since)
    await say(fake, user, "Как приготовить плов?")  # declined

    [votes] = await say(fake, mod, "/feedback")
    assert votes.startswith("Recent 👎: 1 of 1, newest first")
    assert f"Question: «{question}»" in votes and f"user {USER_ID}" in votes
    assert "25 November 2024 · Ilham Aliyev · Азербайджано-американский диалог" in votes
    assert "paragraph" in votes and ": «" in votes.split("Question", 1)[1]  # the passage shown

    version = current_version(corpus)
    [status] = await say(fake, mod, "/status")
    assert f"Index version: {version}" in status and "Model: intfloat/multilingual-e5-small" in status
    assert "1 sources" in status and "Bot up for" in status
    assert "Since start: 1 questions answered, 1 declined; median reply time" in status

    [rebuilt] = await say(fake, mod, "/reindex")
    since = fake.mark()
    done = await fake.wait_for("editMessageText", 0, 60, chat_id=MOD_ID, predicate=lambda c: "Index rebuilt" in c.text)
    assert since >= 0 and rebuilt.startswith("⏳ Rebuilding")
    new_version = current_version(corpus)
    assert new_version != version and new_version in done.text
    [status] = await say(fake, mod, "/status")
    assert f"Index version: {new_version}" in status and "reindex · by 5001" in status
    actions = [a["action"] for a in audit_lines(corpus)]
    assert {"feedback", "status", "reindex"} <= set(actions)
    assert not fake.errors
