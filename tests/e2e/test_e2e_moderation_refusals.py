"""Who may moderate, and bad uploads: every refusal is clear, audited, and changes nothing."""

from __future__ import annotations

import pytest

from index import Engine, Settings
from quotebot.testing.corpus import audit_lines, snapshot
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import upload

from .conftest import StartBot
from .test_e2e_moderation_kit import ARTICLE, MOD_ID, USER_ID, moderated_bot, moderator_of, say

pytestmark = pytest.mark.slow  # needs the embedding model

MOD_COMMANDS = ["add", "cancel", "remove", "reindex", "status", "rollback", "feedback"]
SEED_TEXT = (ARTICLE.parents[2] / "data" / "sources" / "000_077138273beb30d3.txt").read_bytes()
CP1251 = "Президент Ильхам Алиев заявил, что отношения развиваются.\n\nВторой абзац.\n".encode("cp1251")


async def test_non_moderators_are_refused_and_moderators_get_their_menu(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    await moderated_bot(start_bot, corpus_engine)
    before = snapshot(corpus)
    user, mod = fake.user(USER_ID, language_code="en"), fake.user(MOD_ID, language_code="ru")

    for command in MOD_COMMANDS:
        [reply] = await say(fake, user, f"/{command} 000_077138273beb30d3")
        assert reply.startswith("This command is for the corpus moderators only"), (command, reply)
    since = fake.mark()
    upload(fake, user, ARTICLE.read_bytes(), "article_en.md")
    [reply] = [c.visible for c in await fake.wait_for_reply(USER_ID, since)]
    assert reply.startswith("Only moderators can add sources")
    assert not fake.calls_of("getFile", since)  # not even downloaded
    # a forged confirm button does nothing either
    since = fake.mark()
    fake.press(user, fake.calls_of("sendMessage", chat_id=USER_ID)[-1], "m:y:AAAAAAAAAAAA")
    toast = await fake.wait_for("answerCallbackQuery", since)
    assert toast.params["text"].startswith("This command is for the corpus moderators only")
    # regular users keep the public /sources view; the moderator sees ids and who added what
    [public] = await say(fake, user, "/sources")
    assert "000_077138273beb30d3" not in public and "Corpus: 1 sources" in public
    [private] = await say(fake, mod, "/sources")
    assert "000_077138273beb30d3" in private and "кем: seed" in private
    # moderator commands in a group: private chats only
    group = fake.group()
    [in_group] = await say(fake, mod, "/status@QuoteTestBot", chat=group)
    assert "только в личном чате" in in_group

    assert snapshot(corpus) == before
    denied = [a for a in audit_lines(corpus) if a["result"] == "denied"]
    assert {a["action"] for a in denied} >= {*MOD_COMMANDS, "add", "confirm"}
    assert all(a["user"] == str(USER_ID) for a in denied)

    menus = fake.calls_of("setMyCommands")
    scoped = [c for c in menus if c.params.get("scope")]
    assert {
        (c.params["scope"]["type"], c.params["scope"]["chat_id"], c.params.get("language_code")) for c in scoped
    } == {("chat", MOD_ID, None), ("chat", MOD_ID, "ru"), ("chat", MOD_ID, "az")}
    for call in scoped:
        names = [c["command"] for c in call.params["commands"]]
        assert set(MOD_COMMANDS) <= set(names) and "sources" in names and "start" in names
    for call in menus:
        if not call.params.get("scope"):
            assert not {c["command"] for c in call.params["commands"]} & set(MOD_COMMANDS)
    ru = next(c for c in scoped if c.params.get("language_code") == "ru")
    assert {"command": "add", "description": "Добавить источник"} in ru.params["commands"]
    assert not fake.errors


BAD_UPLOADS = [
    # (content, file name, caption, what the moderator is told)
    (b"", "empty.txt", None, "Source not accepted: the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "picture.txt", None, "the file is binary, not text"),
    (CP1251, "cp1251.txt", None, "the file is not UTF-8 (it looks like cp1251)"),
    (
        b"<html><body><script>var a = 1;</script></body></html>",
        "blank.html",
        None,
        "the file has no paragraphs of text",
    ),
    (SEED_TEXT, "seed_again.txt", None, "this text is already in the corpus as '000_077138273beb30d3'"),
    (b"root:x:0:0:root:/root:/bin/bash\n", "../../etc/passwd", None, "unsupported file type '(none)'"),
    (b"%PDF-1.4 not really", "paper.pdf", None, "unsupported file type '.pdf'"),
    (ARTICLE.read_bytes(), "article_en.md", "author: Someone", "Could not read the caption: unknown key 'author'"),
    (ARTICLE.read_bytes(), "article_en.md", "date: 2025-13-45", "Could not read the caption: bad date '2025-13-45'"),
]


async def test_bad_uploads_get_clear_messages_and_change_nothing(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    mod = await moderator_of(fake, start_bot, corpus_engine)
    before = snapshot(corpus)
    for content, name, caption, expected in BAD_UPLOADS:
        since = fake.mark()
        upload(fake, mod, content, name, caption)
        replies = [c.visible for c in await fake.wait_for_reply(MOD_ID, since)]
        assert len(replies) == 1 and expected in replies[0], (name, replies)
        assert replies[0].endswith("Nothing was changed."), replies
        assert not any(c.buttons() for c in fake.calls_of("sendMessage", since))
        if caption:  # refused before downloading
            assert not fake.calls_of("getFile", since)

    since = fake.mark()  # 50 MB: refused from the update's file_size, never downloaded
    upload(fake, mod, None, "huge.txt", file_size=50 * 1024 * 1024)
    [huge] = [c.visible for c in await fake.wait_for_reply(MOD_ID, since)]
    assert huge == "File not accepted: it is 52.4 MB and the limit is 5.2 MB. Nothing was changed."
    assert not fake.calls_of("getFile", since)

    # a file that cannot be downloaded (but claims to be small)
    since = fake.mark()
    upload(fake, mod, None, "gone.txt", file_size=100)
    [gone] = [c.visible for c in await fake.wait_for_reply(MOD_ID, since)]
    assert gone.startswith("Could not download the file")

    assert snapshot(corpus) == before
    assert not list((corpus.data_dir.parent).glob("**/passwd*"))
    refused = [a for a in audit_lines(corpus) if a["action"] == "add_refused"]
    assert len(refused) == len(BAD_UPLOADS) + 2
    assert all(a["user"] == str(MOD_ID) and a["result"].startswith("refused: ") for a in refused)
    assert [e for e in fake.errors if e.method != "getFile"] == []
