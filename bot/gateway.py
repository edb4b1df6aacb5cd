"""Async access to the synchronous engine: CPU-bound calls run in a worker thread.

Also checks (at most every ``reload_every`` seconds) whether a new index version was
published and swaps to it, so a rebuilt corpus is served without restarting the bot.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from index import Answer, Event, Passage, SourceInfo

from .strings import table

log = logging.getLogger(__name__)


class EngineLike(Protocol):
    def ask(self, question: str, *, top_k: int | None = None, offset: int = 0) -> Answer: ...

    def paragraph(self, source_id: str, number: int) -> str | None: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def timeline(self) -> list[Event]: ...

    def sources(self) -> list[SourceInfo]: ...

    def status(self) -> dict[str, Any]: ...

    def speaker_name(self, speaker_id: str | None, lang: str) -> str: ...

    def occasion_name(self, occasion: str, lang: str) -> str: ...

    def reload_if_changed(self) -> bool: ...


class EngineGateway:
    """Wraps an engine; ``speaker_name``/``occasion_name`` make it a :class:`bot.render.Names`."""

    def __init__(self, engine: EngineLike, reload_every: float = 10.0) -> None:
        self.engine = engine
        self.reload_every = reload_every
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._reloader: threading.Thread | None = None
        self.listeners: list[Callable[[], None]] = []  # told (in the event loop) when reload() swaps versions

    def _maybe_reload(self) -> None:
        """Every ``reload_every`` seconds, check for a new version in a background thread: loading
        it (seconds at 100k passages) never holds up the question that noticed it is due."""
        now = time.monotonic()
        if now - self._checked < self.reload_every:
            return
        self._checked = now
        if self._reloader is not None and self._reloader.is_alive():
            return
        self._reloader = threading.Thread(target=self._reload_quietly, name="index-reload", daemon=True)
        self._reloader.start()

    def _reload_quietly(self) -> None:
        try:
            if self.engine.reload_if_changed():
                log.info("serving a new index version")
        except Exception:  # keep serving the loaded version
            log.exception("index reload failed; still serving the loaded version")

    def _reload_now(self) -> bool:
        # not under self._lock: the engine swaps versions atomically (a question keeps the version it
        # started with), so questions go on being answered while the new version loads
        self._checked = time.monotonic()
        return self.engine.reload_if_changed()

    async def reload(self) -> bool:
        """Swap to the published version now (after a moderator's change); questions in flight finish
        on the version they started with, the next ones use the new one."""
        changed = await asyncio.to_thread(self._reload_now)
        if changed:
            log.info("serving a new index version")
            for listener in self.listeners:
                listener()
        return changed

    def _ask(self, question: str, offset: int, top_k: int, source_ids: tuple[str, ...] | None) -> Answer:
        with self._lock:
            self._maybe_reload()
            if source_ids is None:
                return self.engine.ask(question, top_k=top_k, offset=offset)
            return self.engine.ask(question, top_k=top_k, offset=offset, source_ids=source_ids)  # type: ignore[call-arg]

    async def ask(
        self, question: str, offset: int = 0, top_k: int = 3, source_ids: tuple[str, ...] | None = None
    ) -> Answer:
        """Search the served version; ``source_ids`` restricts the search to those sources' passages."""
        return await asyncio.to_thread(self._ask, question, offset, top_k, source_ids)

    async def paragraphs(self, source_id: str, numbers: tuple[int, ...]) -> list[str]:
        def read() -> list[str]:
            texts = [self.engine.paragraph(source_id, n) for n in numbers]
            return [x for x in texts if x is not None]

        return await asyncio.to_thread(read)

    async def timeline(self) -> list[Event]:
        return await asyncio.to_thread(self.engine.timeline)

    async def sources(self) -> tuple[list[SourceInfo], dict[str, Any]]:
        return await asyncio.to_thread(lambda: (self.engine.sources(), self.engine.status()))

    async def status(self) -> dict[str, Any]:
        return await asyncio.to_thread(self.engine.status)

    async def passage(self, passage_id: str) -> Passage | None:
        """The passage with ``passage_id`` in the served version."""
        return await asyncio.to_thread(self.engine.passage, passage_id)

    def version(self) -> str | None:
        try:
            return str(self.engine.status().get("version"))
        except Exception:
            return None

    def speaker_name(self, speaker_id: str, lang: str) -> str:
        return self.engine.speaker_name(speaker_id, lang)

    def occasion_name(self, occasion: str, lang: str) -> str:
        """The bot's own name for an occasion (every interface language has one), else the engine's."""
        own: str | None = table(lang).texts.get(f"occasion_{occasion}")
        return own or self.engine.occasion_name(occasion, lang)
