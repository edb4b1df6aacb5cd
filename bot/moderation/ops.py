"""Corpus changes on behalf of moderators: the index's write API, run off the event loop.

Every write (add, remove, rollback, rebuild) is CPU-heavy and takes the index's file lock, so
it runs in a worker thread: the bot keeps answering, from the version it serves, while a
change is built. Writes from this process are queued one at a time; right after a write
succeeds the engine swaps to the new version, so the next question is answered from it.
Refusals and other moderator actions are appended to the index's audit log here (the index
audits its own successful writes).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from index import (
    BuildReport,
    FixPlan,
    FixReport,
    Preview,
    Settings,
    SourceInfo,
    add_source,
    audit,
    check_fix,
    fix_paragraph,
    list_sources,
    prepare_source,
    rebuild,
    remove_source,
    rollback,
)
from index.store.auditlog import tail as audit_tail

from ..gateway import EngineGateway
from .pending import Pending, PendingStore

log = logging.getLogger(__name__)
WRITES = ("add", "remove", "rollback", "reindex", "fix")
AWAIT_SECONDS = 15 * 60  # how long "/add" waits for the pasted article
PASTED_NAME = "pasted.txt"
AUDIT_TAIL_BYTES = 256 * 1024


_SENTENCE_END = re.compile(r"""[.!?…:;»"”'“)\]]\s*$""")


def join_parts(parts: list[str]) -> str:
    """One article from the messages a long paste arrived in. Telegram cuts a long text into
    messages and trims the whitespace at each cut, so whether a cut fell between paragraphs is
    lost: a part ending a sentence is taken to end a paragraph, any other cut falls inside one."""
    text = ""
    for part in parts:
        if text:
            text += "\n\n" if _SENTENCE_END.search(text) else " "
        text += part
    return text


@dataclass(slots=True)
class Awaiting:
    """A moderator who sent /add: their text messages are the article, collected part by part until
    /done, Confirm, Cancel or /cancel. ``key`` is the pending upload the collected text is stored as."""

    meta: dict[str, str]
    until: float
    parts: list[str] = field(default_factory=list)
    key: str | None = None

    @property
    def text(self) -> str:
        return join_parts(self.parts)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A registered source with its counts in the served version (``None``: not served)."""

    info: SourceInfo
    served: SourceInfo | None


class Moderation:
    def __init__(
        self, settings: Settings, engine: EngineGateway, pending: PendingStore, moderators: tuple[int, ...]
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.pending = pending
        self.moderators = frozenset(moderators)  # who may act: checked by bot.moderation.gate
        self.awaiting: dict[int, Awaiting] = {}
        self.running: set[str] = set()  # pending actions being carried out right now
        self._writes = asyncio.Lock()

    # -- /add waiting for a pasted article ------------------------------------------------

    def await_paste(self, user_id: int, meta: dict[str, str]) -> None:
        self.awaiting[user_id] = Awaiting(meta, time.monotonic() + AWAIT_SECONDS)

    def take_paste(self, user_id: int) -> Awaiting | None:
        """The pending /add of ``user_id`` (cleared), if it has not expired."""
        waiting = self.awaiting.pop(user_id, None)
        return waiting if waiting and waiting.until >= time.monotonic() else None

    def paste_of(self, user_id: int) -> Awaiting | None:
        """The /add of ``user_id`` still collecting text (left in place), if it has not expired."""
        waiting = self.awaiting.get(user_id)
        if waiting is not None and waiting.until < time.monotonic():
            del self.awaiting[user_id]
            return None
        return waiting

    def end_paste(self, user_id: int, key: str) -> None:
        """Stop collecting text for ``user_id`` if the collected text is the pending action ``key``."""
        waiting = self.awaiting.get(user_id)
        if waiting is not None and waiting.key == key:
            del self.awaiting[user_id]

    # -- audit ----------------------------------------------------------------------------

    async def audit(self, user_id: int | None, action: str, source_id: str | None, result: str) -> None:
        try:
            await asyncio.to_thread(audit, self.settings, user_id, action, source_id, result)
        except OSError:
            log.exception("could not write the audit log")

    # -- reading --------------------------------------------------------------------------

    async def preview(self, data: bytes, filename: str, meta: dict[str, str], user_id: int) -> Preview:
        """Validate an upload (raises ``SourceRejected``); changes nothing."""
        return await asyncio.to_thread(prepare_source, self.settings, data, filename, meta, added_by=str(user_id))

    async def sources(self) -> list[SourceRow]:
        await self.reload()
        infos = await asyncio.to_thread(list_sources, self.settings)
        served, _ = await self.engine.sources()
        by_id = {s.id: s for s in served}
        return [SourceRow(info, by_id.get(info.id)) for info in infos]

    async def last_change(self) -> dict[str, Any] | None:
        """The latest successful write in the audit log (by the bot or the command line)."""

        def read() -> dict[str, Any] | None:
            # the tail is enough (the log only grows), and it reaches into the rotated file
            for entry in reversed(audit_tail(self.settings.audit_log, AUDIT_TAIL_BYTES)):
                if entry.get("action") in WRITES and str(entry.get("result", "")).startswith("ok"):
                    found: dict[str, Any] = entry
                    return found
            return None

        return await asyncio.to_thread(read)

    async def reload(self) -> None:
        try:
            await self.engine.reload()
        except Exception:  # keep serving the loaded version; the periodic check retries
            log.exception("index reload failed; still serving the loaded version")

    # -- writing --------------------------------------------------------------------------

    async def add(self, pending: Pending) -> tuple[Preview, BuildReport]:
        """Validate the stored upload again (the corpus may have changed), then add and publish it."""
        filename = str(pending.args.get("filename") or PASTED_NAME)
        meta = {str(k): str(v) for k, v in dict(pending.args.get("meta") or {}).items()}
        user = str(pending.user_id)
        async with self._writes:
            preview = await self.preview(pending.data, filename, meta, pending.user_id)
            report = await asyncio.to_thread(add_source, self.settings, preview, user=user)
            await self.reload()
        return preview, report

    async def remove(self, source_id: str, user_id: int) -> BuildReport:
        async with self._writes:
            report = await asyncio.to_thread(remove_source, self.settings, source_id, user=str(user_id))
            await self.reload()
        return report

    async def rollback(self, user_id: int) -> str:
        async with self._writes:
            version = await asyncio.to_thread(rollback, self.settings, user=str(user_id))
            await self.reload()
        return version

    async def reindex(self, user_id: int) -> BuildReport:
        async with self._writes:
            report = await asyncio.to_thread(rebuild, self.settings, user=str(user_id))
            await self.reload()
        return report

    async def check_fix(self, source_id: str, paragraph: str, changes: str, user_id: int) -> FixPlan:
        """Validate a correction (raises ``CorrectionError``); changes nothing."""
        return await asyncio.to_thread(check_fix, self.settings, source_id, paragraph, changes, user=str(user_id))

    async def fix(self, source_id: str, paragraph: str, changes: str, user_id: int) -> FixReport:
        async with self._writes:
            report = await asyncio.to_thread(
                fix_paragraph, self.settings, source_id, paragraph, changes, user=str(user_id)
            )
            await self.reload()
        return report

    async def current(self) -> dict[str, Any]:
        """The served version's status, after catching up with the published one."""
        await self.reload()
        return await self.engine.status()
