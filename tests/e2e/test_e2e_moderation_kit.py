"""Shared pieces of the moderation end-to-end tests (no tests here): a private, mutable copy of
the built seed corpus per test, a bot with moderators, uploads and button presses as Telegram
sends them, and a ~20 kB English article made by varying ``tests/data/article_en.md``."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from index import Engine, Settings

from .fake_telegram import Call, FakeTelegram
from .telegram_html import validate_message

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "tests" / "data" / "article_en.md"
ARTICLE_TITLE = "Washington summit: what the leaders said"
SEED_TITLE = "Азербайджано-американский диалог"
PEACE_QUESTION = "What did Trump say about bringing peace to the South Caucasus?"
MOD_ID, USER_ID = 5001, 5002
TOPICS = ("energy", "transport", "trade", "security", "education", "culture", "investment", "climate",
          "technology", "agriculture", "tourism", "health", "finance", "logistics", "water", "science",
          "sport", "media", "youth", "digital", "aviation", "shipping", "mining", "banking", "research",
          "housing", "fisheries", "railways", "telecoms", "archives", "museums", "customs")


@pytest.fixture(name="corpus")
def corpus_fixture(seed_settings: Settings, tmp_path: Path) -> Settings:
    """A copy of the built seed data dir (sources, registry, published index) that a test may change."""
    data = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data, ignore=shutil.ignore_patterns(".lock", "state"))
    return seed_settings.replace(data_dir=data, state_dir=tmp_path / "state")  # the bot's state_dir


@pytest.fixture(name="corpus_engine")
def corpus_engine_fixture(corpus: Settings, engine: Engine) -> Engine:
    """The real engine on :func:`corpus`, sharing the session's loaded model."""
    return Engine.open(corpus, embedder=engine.embedder)


def visible(call: Call) -> str:
    return validate_message(call.text).text if call.params.get("parse_mode") == "HTML" else call.text


async def say(fake: FakeTelegram, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> list[str]:
    """``user`` sends ``text``; the bot's reply messages (visible text)."""
    since = fake.mark()
    fake.send_text(user, text, chat)
    return [visible(c) for c in await fake.wait_for_reply((chat or user)["id"], since)]


def upload(fake: FakeTelegram, user: dict[str, Any], content: bytes | None, name: str, caption: str | None = None,
           file_size: int | None = None) -> dict[str, Any]:
    """``user`` sends a document; ``content=None`` makes a file the bot cannot download."""
    file_id = fake.add_file(content) if content is not None else "F-not-downloadable"  # Telegram names it
    document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name, "mime_type": "text/plain",
                "file_size": len(content or b"") if file_size is None else file_size}
    extra = {"caption": caption} if caption else {}
    return fake.send_content(user, document=document, **extra)


def has_confirm(call: Call) -> bool:
    return any(str(b.get("callback_data", "")).startswith("m:y:") for b in call.buttons())


async def ask_to_confirm(fake: FakeTelegram, user: dict[str, Any], since: int, timeout: float = 15.0) -> Call:
    """The bot's message carrying the confirm / cancel buttons."""
    return await fake.wait_for("sendMessage", since, timeout, chat_id=user["id"], predicate=has_confirm)


def button_data(call: Call, prefix: str) -> str:
    return next(str(b["callback_data"]) for b in call.buttons() if str(b.get("callback_data", "")).startswith(prefix))


async def press_and_wait(fake: FakeTelegram, user: dict[str, Any], message: Call, prefix: str = "m:y:",
                         timeout: float = 60.0) -> str:
    """Press the confirm button; the "⏳ working" message edited into the result (visible text)."""
    since = fake.mark()
    fake.press(user, message, button_data(message, prefix))
    working = await fake.wait_for("sendMessage", since, timeout, chat_id=user["id"])
    done = await fake.wait_for("editMessageText", since, timeout, chat_id=user["id"],
                               message_id=working.result["message_id"])
    return visible(done)


async def add_article(fake: FakeTelegram, moderator: dict[str, Any], content: bytes, name: str,
                      caption: str | None = None) -> str:
    since = fake.mark()
    upload(fake, moderator, content, name, caption)
    preview = await ask_to_confirm(fake, moderator, since)
    return await press_and_wait(fake, moderator, preview)


def cited(replies: list[str]) -> set[str]:
    """Titles of the sources cited by an answer ("Source: TITLE, paragraph N")."""
    titles = set()
    for text in replies:
        for line in text.splitlines():
            for label in ("Source: ", "Источник: "):
                if line.startswith(label):
                    titles.add(line[len(label):].rsplit(", ", 1)[0])
    return titles


def audit_lines(settings: Settings) -> list[dict[str, Any]]:
    path = settings.audit_log
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def current_version(settings: Settings) -> str:
    return (settings.index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def snapshot(settings: Settings) -> tuple[str, str, list[str]]:
    """What a refused action must leave alone: the published version, the registry, the source files."""
    registry = (settings.data_dir / "sources.yaml").read_text(encoding="utf-8")
    files = sorted(p.name for p in (settings.data_dir / "sources").iterdir())
    return current_version(settings), registry, files


def long_article(target_bytes: int = 20_000, variant: int = 0) -> str:
    """About ``target_bytes`` of English text: the test article's events repeated week by week with
    other dates and topics (so every passage is new), the first round verbatim; another ``variant``
    gives another text (other topics in each round)."""
    paragraphs = ARTICLE.read_text(encoding="utf-8").strip().split("\n\n")[2:]
    out = ["# Washington summit and after: a chronicle of statements"]
    start = date(2025, 8, 8)
    for i in range(400):
        if len("\n\n".join(out).encode()) >= target_bytes:
            break
        day = start + timedelta(days=7 * i)
        letter = day + timedelta(days=31)
        topic = TOPICS[(i + variant * 7) % len(TOPICS)] + (f" {variant}" if variant else "")
        for text in paragraphs:
            if i:
                text = (text.replace("August 8, 2025", f"{day:%B} {day.day}, {day.year}")
                        .replace("08.09.2025", f"{letter:%d.%m.%Y}")
                        .replace("bringing peace to the South Caucasus", f"opening {topic} links in the region")
                        .replace("the peace process", f"the {topic} talks (round {i})")
                        .replace("remains long", f"remains long in {topic} (review {i})")
                        .replace("new trade corridors", f"new {topic} corridors")
                        .replace("a new chapter", f"a new {topic} chapter (No. {i})"))
            out.append(text)
    return "\n\n".join(out) + "\n"


async def moderated_bot(start_bot: Any, engine: Engine, **overrides: Any) -> Application:  # type: ignore[type-arg]
    return await start_bot(engine, moderators=(MOD_ID,), **overrides)
