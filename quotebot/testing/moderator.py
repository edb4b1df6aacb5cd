"""A moderator scripted through the fake Bot API server: uploads as Telegram sends them, the
preview's confirm button, the "⏳ working" message edited into the result, the sources an answer
cites, and a long article made from a short one.

Shared by the moderation end-to-end tests and ``bench/bench_add_source.py``; the callback data
prefixes (``m:y:`` confirm) are the bot's, read here as a user's client would see them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .fake_telegram import Call, FakeTelegram

TOPICS = ("energy", "transport", "trade", "security", "education", "culture", "investment", "climate",
          "technology", "agriculture", "tourism", "health", "finance", "logistics", "water", "science",
          "sport", "media", "youth", "digital", "aviation", "shipping", "mining", "banking", "research",
          "housing", "fisheries", "railways", "telecoms", "archives", "museums", "customs")


def upload(fake: FakeTelegram, user: dict[str, Any], content: bytes | None, name: str, caption: str | None = None,
           file_size: int | None = None) -> dict[str, Any]:
    """``user`` sends a document; ``content=None`` makes a file the bot cannot download."""
    file_id = fake.add_file(content) if content is not None else "F-not-downloadable"  # Telegram names it
    document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name, "mime_type": "text/plain",
                "file_size": len(content or b"") if file_size is None else file_size}
    extra: dict[str, Any] = {"caption": caption} if caption else {}
    return fake.send_content(user, document=document, **extra)


def has_confirm(call: Call) -> bool:
    return any(str(b.get("callback_data", "")).startswith("m:y:") for b in call.buttons())


async def ask_to_confirm(fake: FakeTelegram, user: dict[str, Any], since: int, timeout: float = 15.0) -> Call:
    """The bot's message carrying the confirm / cancel buttons."""
    return await fake.wait_for("sendMessage", since, timeout, chat_id=user["id"], predicate=has_confirm)


def button_data(call: Call, prefix: str) -> str:
    return next(str(b["callback_data"]) for b in call.buttons() if str(b.get("callback_data", "")).startswith(prefix))


async def finished(fake: FakeTelegram, user: dict[str, Any], since: int, timeout: float = 60.0) -> Call:
    """The bot's "⏳ working" message to ``user`` after ``since``, once edited into the result."""
    working = await fake.wait_for("sendMessage", since, timeout, chat_id=user["id"])
    return await fake.wait_for("editMessageText", since, timeout, chat_id=user["id"],
                               message_id=working.result["message_id"])


async def press_and_wait(fake: FakeTelegram, user: dict[str, Any], message: Call, prefix: str = "m:y:",
                         timeout: float = 60.0) -> str:
    """Press the confirm button; the "⏳ working" message edited into the result (visible text)."""
    since = fake.mark()
    fake.press(user, message, button_data(message, prefix))
    return (await finished(fake, user, since, timeout)).visible


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


def long_article(article: str, target_bytes: int = 20_000, variant: int = 0) -> str:
    """About ``target_bytes`` of English text: the events of ``article`` (the text of
    ``tests/data/article_en.md``) repeated week by week with
    other dates and topics (so every passage is new), the first round verbatim; another ``variant``
    gives another text (other topics in each round)."""
    paragraphs = article.strip().split("\n\n")[2:]
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
