"""What to show for a question, a page, a paragraph, the timeline or the sources.

Shared by the Telegram handlers and the local terminal chat: engine call → view stored for the
buttons → HTML chunks (+ keyboard). No Telegram network calls here.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup

from index import Answer

from .gateway import EngineGateway
from .keyboards import answer_keyboard, paragraph_keyboard
from .markup import esc
from .render import render_answer, render_paragraphs, render_sources, render_timeline, render_unanswered
from .strings import t
from .types import HitRef
from .view_store import View, Views

log = logging.getLogger(__name__)


class _StoreHealth:
    """Logs a failing view store once when it starts failing and once when it works again, not once
    per answer."""

    def __init__(self) -> None:
        self._failing = False
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first, self._failing = not self._failing, True
        if first:
            log.warning(
                "cannot store button views (%s: %s); answers go without buttons until it works again",
                type(exc).__name__,
                exc,
            )

    def ok(self) -> None:
        with self._lock:
            recovered, self._failing = self._failing, False
        if recovered:
            log.warning("button views are stored again")


store_health = _StoreHealth()


async def store_view(views: Views, view: View) -> str | None:
    """Store ``view`` for its buttons; ``None`` if that failed (the answer is sent without buttons)."""
    try:
        key = await asyncio.to_thread(views.put, view)
    except (OSError, sqlite3.Error) as exc:
        store_health.failed(exc)
        return None
    store_health.ok()
    return key


@dataclass(frozen=True)
class Screen:
    """One screen of bot output: HTML messages, the keyboard for the last one."""

    chunks: list[str]
    keyboard: InlineKeyboardMarkup | None = None
    answer: Answer | None = None
    view: View | None = None
    key: str | None = None
    hits: list[HitRef] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.answered and bool(self.answer.hits)


async def question_screen(
    engine: EngineGateway, views: Views, question: str, offset: int, lang: str, top_k: int
) -> Screen:
    """The answer to ``question`` from ``offset``; the view is stored so its buttons survive restarts."""
    answer = await engine.ask(question, offset=offset, top_k=top_k)
    if not answer.answered or not answer.hits:
        return Screen([render_unanswered(answer, lang)], answer=answer)
    refs = [HitRef.of(h) for h in answer.hits]
    view = View(query=question, offset=offset, lang=lang, hits=tuple(refs))
    key = await store_view(views, view)
    chunks = render_answer(answer, offset, lang, engine)
    if key is None:  # the quotes matter more than their buttons
        return Screen(chunks, None, answer, view, None, refs)
    keyboard = answer_keyboard(key, offset, len(answer.hits), answer.total, top_k, lang, share=answer.query)
    return Screen(chunks, keyboard, answer, view, key, refs)


async def paragraph_screen(engine: EngineGateway, view: View, key: str, index: int, lang: str) -> Screen | None:
    """The full paragraph(s) of hit ``index`` of ``view``; ``None`` if it no longer exists."""
    if not 0 <= index < len(view.hits):
        return None
    ref = view.hits[index]
    texts = await engine.paragraphs(ref.source_id, ref.paragraphs)
    if not texts:
        return None
    return Screen(render_paragraphs(ref, texts, lang, engine), paragraph_keyboard(key, lang), view=view, key=key)


async def timeline_screen(engine: EngineGateway, lang: str) -> Screen:
    return Screen(render_timeline(await engine.timeline(), lang, engine))


async def sources_screen(engine: EngineGateway, lang: str) -> Screen:
    sources, status = await engine.sources()
    return Screen(render_sources(sources, status, lang))


def text_screen(lang: str, key: str, keyboard: InlineKeyboardMarkup | None = None, **values: object) -> Screen:
    """A fixed bot text (already HTML in texts.py)."""
    return Screen([t(lang, key, **values)], keyboard)


def plain_screen(lang: str, key: str) -> Screen:
    """A fixed bot text that is plain text (escaped)."""
    return Screen([esc(t(lang, key))])
