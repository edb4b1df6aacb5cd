"""Shared pieces of the moderation end-to-end tests (no tests here): a bot with moderators and a
~20 kB English article made by varying ``tests/data/article_en.md``. A private, mutable copy of the
built seed corpus per test is the ``corpus`` fixture of ``conftest.py``; uploads and button presses
as Telegram sends them are in :mod:`quotebot.testing.moderator`, what a test reads back from a
corpus in :mod:`quotebot.testing.corpus` (both shared with ``bench/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.ext import Application

from index import Engine
from quotebot.testing import moderator
from quotebot.testing.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "tests" / "data" / "article_en.md"
ARTICLE_TITLE = "Washington summit: what the leaders said"
SEED_TITLE = "Азербайджано-американский диалог"
PEACE_QUESTION = "What did Trump say about bringing peace to the South Caucasus?"
MOD_ID, USER_ID = 5001, 5002


async def say(fake: FakeTelegram, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> list[str]:
    """``user`` sends ``text``; the bot's reply messages (visible text)."""
    return [c.visible for c in await fake.say(user, text, chat)]


def long_article(target_bytes: int = 20_000, variant: int = 0) -> str:
    """:func:`quotebot.testing.moderator.long_article` of ``tests/data/article_en.md``."""
    return moderator.long_article(ARTICLE.read_text(encoding="utf-8"), target_bytes, variant)


async def moderated_bot(start_bot: Any, engine: Engine, **overrides: Any) -> Application:  # type: ignore[type-arg]
    return await start_bot(engine, moderators=(MOD_ID,), **overrides)


async def moderator_of(fake: FakeTelegram, start_bot: Any, engine: Engine) -> dict[str, Any]:
    """Start the bot with :data:`MOD_ID` as its moderator and return that user (English)."""
    await moderated_bot(start_bot, engine)
    return fake.user(MOD_ID, language_code="en")
