"""/fix from Telegram: a moderator corrects a paragraph's date and speaker and the answers change;
bad input gets a clear message, anyone else is refused; refusals change nothing and are audited."""

from __future__ import annotations

import pytest

from index import Engine, Settings
from quotebot.testing.corpus import audit_lines, current_version, snapshot
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import finished

from .conftest import StartBot
from .test_e2e_moderation_kit import MOD_ID, USER_ID, moderated_bot, say

pytestmark = pytest.mark.slow  # needs the embedding model

SEED = "000_077138273beb30d3"
CALL_QUESTION = "Когда Алиев позвонил Трампу?"


async def fix(fake: FakeTelegram, user: dict, text: str) -> str:
    """``/fix …`` by a moderator: the "⏳ working" message edited into the result."""
    since = fake.mark()
    fake.send_text(user, text)
    working = await fake.wait_for("sendMessage", since, 60, chat_id=user["id"])
    assert working.visible.startswith("⏳ Correcting paragraph")
    return (await finished(fake, user, since)).visible


async def test_fix_changes_the_answer_and_bad_input_changes_nothing(
    fake: FakeTelegram, start_bot: StartBot, corpus: Settings, corpus_engine: Engine
) -> None:
    await moderated_bot(start_bot, corpus_engine)
    mod, user = fake.user(MOD_ID, language_code="en"), fake.user(USER_ID, language_code="ru")
    before = snapshot(corpus)

    [denied] = await say(fake, user, f"/fix {SEED} 19 date=2024-11-26")
    assert denied.startswith("Эта команда доступна только модераторам корпуса")
    refusals = {
        "/fix": "Correct a paragraph: /fix ID PARAGRAPH",
        f"/fix {SEED} 19": "Correct a paragraph: /fix ID PARAGRAPH",
        "/fix no_such 3 date=2025-01-01": "There is no source no_such in the corpus.",
        f"/fix {SEED} 99 kind=quote": "There is no paragraph 99: the source has paragraphs 1–54.",
        f"/fix {SEED} 3 date=2025-02-30": "Cannot read the date “2025-02-30”: write YYYY-MM-DD or none.",
        f"/fix {SEED} 3 kind=speech": "Unknown kind “speech”: use quote, reported or commentary.",
        f"/fix {SEED} 3 mood=happy": "Unknown field “mood”",
    }
    for command, expected in refusals.items():
        [reply] = await say(fake, mod, command)
        assert reply.startswith(expected), (command, reply)
    assert snapshot(corpus) == before

    [answer] = await say(fake, user, CALL_QUESTION)
    assert "25 ноября 2024 · Ильхам Алиев" in answer and "абзац 19" in answer
    done = await fix(fake, mod, f"/fix {SEED} 19 date=2024-11-26 kind=reported")
    assert done.startswith(f"✅ Paragraph 19 of {SEED} corrected. Index version {current_version(corpus)}")
    assert "• date: 2024-11-25 → 2024-11-26" in done and "• speaker: Ilham Aliyev (unchanged)" in done
    assert "25 ноября 2024 года Ильхам Алиев позвонил" in done  # the paragraph itself
    [answer] = await say(fake, user, CALL_QUESTION)
    assert "26 ноября 2024 · Ильхам Алиев" in answer and "абзац 19" in answer

    done = await fix(fake, mod, f'/fix {SEED} 19 speaker="Steve Daines"')
    assert "• speaker: Ilham Aliyev → Steve Daines" in done and "• date: 2024-11-26 (unchanged)" in done
    registry = (corpus.data_dir / "sources.yaml").read_text(encoding="utf-8")
    assert "corrections:" in registry and "Steve Daines" in registry and "2024-11-26" in registry

    log = audit_lines(corpus)
    assert [a["result"] for a in log if a["action"] == "fix" and a["user"] == str(USER_ID)] == ["denied"]
    assert len([a for a in log if a["action"] == "fix_refused" and a["user"] == str(MOD_ID)]) == len(refusals)
    fixes = [a for a in log if a["action"] == "fix" and a["user"] == str(MOD_ID)]
    assert [a["result"].split(";")[0] for a in fixes] == [
        "ok: paragraph 19 date=2024-11-26 kind=reported",
        "ok: paragraph 19 speaker=Steve Daines",
    ]
    assert all(a["source_id"] == SEED for a in fixes)
    assert not fake.errors
