"""New-source digests for subscribers, delivered after a moderator publishes a source.

A background task (started with the bot) watches the served index: every source it has not seen
becomes a *publish*, recorded durably in :class:`bot.userstate.ReaderState` (the sources the bot
started with are a baseline, not news). For each publish, every subscribed chat gets **one**
message: for each of its topics, the new source's best dated quotes — searched only in that
source's passages (``Engine.ask(..., source_ids=...)``) and only when the search would not be
declined; for "everything", the source's dated events. Chats with nothing new get nothing.

Delivery goes through the application's bot, hence through the same rate limiter as every
answer (Telegram's ~30 messages/s overall, with 429 ``retry_after`` honoured); the broadcast also
spaces its own messages evenly (25/s by default) and sends at most one message per second to any
one chat. A chat that blocked the bot (403) is unsubscribed.

Progress is recorded per publish and chat: a delivery is *claimed* (``sending``, an atomic insert)
before the request, its outcome written after. A restart resumes each unfinished publish with the
chats not yet claimed, so a digest is neither lost nor sent twice; webhook replicas sharing the
state directory each run a broadcaster, and the claim makes each digest go out once. On a
graceful stop the messages in flight are finished first; after a hard crash a chat whose message
was in flight is not sent it again (Telegram may have delivered it, and a duplicate is worse than
a miss).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from index import Event, SourceInfo

from .gateway import EngineGateway
from .markup import MESSAGE_LIMIT, esc, esc_attr, visible_len
from .render import citation, headline, render_inline_article
from .strings import t
from .timeline import parse_filter
from .userstate import BLOCKED, EMPTY, FAILED, SENT, Publish, ReaderState, Subscription

log = logging.getLogger(__name__)
QUOTES_PER_TOPIC = 3
QUOTE_CHARS = 1200  # one digest holds several topics: long quotes are cut (with […]) to fit
PER_CHAT_INTERVAL = 1.0
SKIPPED = "skipped"  # an outcome only: the delivery was already claimed
BROADCAST_RATE = 25.0  # messages/s: under Telegram's ~30/s even in any 1-second window, with room for answers


@dataclass(frozen=True, slots=True)
class Outcome:
    publish_id: int
    sent: int
    empty: int
    blocked: int
    failed: int


class Broadcaster:
    def __init__(
        self,
        bot: Bot,
        engine: EngineGateway,
        readers: ReaderState,
        *,
        poll: float = 2.0,
        workers: int = 16,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        rate: float = BROADCAST_RATE,
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.readers = readers
        self.poll = poll
        self.workers = workers
        self.per_chat_interval = per_chat_interval
        self.rate = rate  # 0: no pacing of our own (the shared limiter still applies)
        self._next_slot = 0.0
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_sent: dict[int, float] = {}
        self._handled_version: str | None = None  # every publish up to this version is delivered

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="quotebot-broadcast")

    def wake(self) -> None:
        """Check for new sources now (e.g. right after a moderator published one)."""
        self._wake.set()

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop starting new messages, let those in flight finish (then give up after ``timeout``)."""
        self._stopping.set()
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(task, timeout)
        except TimeoutError:
            log.warning("broadcast did not stop within %.0f s; cancelled", timeout)
        except Exception:
            log.exception("broadcast task failed")

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.check()
            except Exception:  # never let a broken search or store stop the bot
                log.exception("broadcast check failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)

    # -- work -----------------------------------------------------------------------------

    async def check(self) -> list[Outcome]:
        """Record the served sources; deliver every unfinished publish. Nothing to do (and nothing
        written) while the served version stays the one already handled."""
        await self.engine.reload()
        sources, status = await self.engine.sources()
        version = str(status.get("version") or "?")
        if version == self._handled_version:
            return []
        publishes = await asyncio.to_thread(self.readers.record_sources, [s.id for s in sources], version)
        by_id = {s.id: s for s in sources}
        outcomes = []
        for publish in publishes:
            if self._stopping.is_set():
                break
            outcomes.append(await self.deliver(publish, by_id.get(publish.source_id)))
        if not self._stopping.is_set():
            self._handled_version = version
        return outcomes

    async def deliver(self, publish: Publish, source: SourceInfo | None) -> Outcome:
        subs = await asyncio.to_thread(self.readers.subscriptions)
        handled = await asyncio.to_thread(self.readers.handled, publish.id)
        chats: dict[int, list[Subscription]] = {}
        for sub in subs:
            if sub.chat_id not in handled:
                chats.setdefault(sub.chat_id, []).append(sub)
        counts = {SENT: 0, EMPTY: 0, BLOCKED: 0, FAILED: 0, SKIPPED: 0}
        if source is not None and chats:
            digests = DigestMaker(self.engine, source)
            gate = asyncio.Semaphore(self.workers)

            async def one(chat_id: int, topics: list[Subscription]) -> None:
                async with gate:
                    if self._stopping.is_set():
                        return
                    try:
                        status = await self._send(publish, chat_id, topics, digests)
                    except Exception:  # one chat's failure must not stop the others
                        log.exception("digest to a chat failed")
                        status = FAILED
                    counts[status] += 1

            await asyncio.gather(*(one(c, topics) for c, topics in chats.items()))
        if not self._stopping.is_set():
            await asyncio.to_thread(self.readers.finish, publish.id)
        outcome = Outcome(publish.id, counts[SENT], counts[EMPTY], counts[BLOCKED], counts[FAILED])
        log.info("digest for source %s: %s", publish.source_id, outcome)
        return outcome

    async def _send(self, publish: Publish, chat_id: int, topics: list[Subscription], digests: DigestMaker) -> str:
        if not await asyncio.to_thread(self.readers.claim, publish.id, chat_id):
            return SKIPPED  # another process sharing the state (a webhook replica) has it
        lang = topics[0].lang
        text = await digests.message([s.topic for s in topics], lang)
        if text is None:
            await asyncio.to_thread(self.readers.mark, publish.id, chat_id, EMPTY)
            return EMPTY
        wait = self._last_sent.get(chat_id, 0.0) + self.per_chat_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await self._pace()
        try:
            await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            status = SENT
        except Forbidden:  # the user blocked the bot, or it was removed from the group
            await asyncio.to_thread(self.readers.unsubscribe, chat_id)
            status = BLOCKED
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                await asyncio.to_thread(self.readers.unsubscribe, chat_id)
            log.warning("digest to a chat refused: %s", exc.message)
            status = FAILED
        except TelegramError as exc:  # the limiter already retried what can be retried
            log.warning("digest to a chat failed: %s", type(exc).__name__)
            status = FAILED
        self._last_sent[chat_id] = time.monotonic()
        await asyncio.to_thread(self.readers.mark, publish.id, chat_id, status)
        return status

    async def _pace(self) -> None:
        """Evenly spaced sends at ``rate``. PTB's limiter (a leaky bucket of 30/s) lets a burst of 30
        through at once and then 30/s, i.e. up to ~60 in one second; spacing the broadcast keeps
        every 1-second window under the limit and leaves room for the answers to questions."""
        if self.rate <= 0:
            return
        now = time.monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.rate
        if slot > now:
            await asyncio.sleep(slot - now)


class DigestMaker:
    """The digest blocks of one new source, searched once per (topic, language)."""

    def __init__(self, engine: EngineGateway, source: SourceInfo) -> None:
        self.engine = engine
        self.source = source
        self._blocks: dict[tuple[str, str], asyncio.Task[list[str]]] = {}

    async def blocks(self, topic: str, lang: str) -> list[str]:
        key = (topic, lang)
        if key not in self._blocks:  # one search per key, shared by every chat that waits for it
            self._blocks[key] = asyncio.ensure_future(self._make(topic, lang))
        return await self._blocks[key]

    async def _make(self, topic: str, lang: str) -> list[str]:
        """Everything, or a topic that only names speakers, years or occasions ("Trump", "2025"):
        the source's dated events it selects, as ``/timeline`` would. Any other topic: a search in
        the source's passages, and nothing when the search declines."""
        events = await self.engine.timeline()
        flt = parse_filter(topic, events, self.engine)
        if not flt.words:
            return self._events([e for e in events if e.source_id == self.source.id and flt.matches(e)], lang)
        answer = await self.engine.ask(topic, top_k=QUOTES_PER_TOPIC, source_ids=(self.source.id,))
        if not answer.answered:
            return []
        return [render_inline_article(h, lang, self.engine, QUOTE_CHARS).html for h in answer.hits if h.date]

    def _events(self, events: list[Event], lang: str) -> list[str]:
        blocks = []
        for ev in sorted(events, key=lambda e: e.date or "", reverse=True)[:QUOTES_PER_TOPIC]:
            speaker = self.engine.speaker_name(ev.speaker, lang) if ev.speaker else ""
            head = headline(ev.date, speaker, ev.occasion, "event", lang, self.engine)
            cite = citation(self.source.title, self.source.url, ev.paragraphs, lang)
            blocks.append(f"<blockquote><b>{esc(head)}</b>\n{esc(ev.summary)}</blockquote>\n{cite}")
        return blocks

    async def message(self, topics: Sequence[str], lang: str) -> str | None:
        """One message for a chat following ``topics``; ``None`` when no topic has anything new."""
        title = self.source.title
        name = f'<a href="{esc_attr(self.source.url)}">{esc(title)}</a>' if self.source.url else esc(title)
        parts = [t(lang, "digest_header", title=name)]
        footer = f"<i>{esc(t(lang, 'digest_footer'))}</i>"
        room = MESSAGE_LIMIT - visible_len(parts[0]) - visible_len(footer) - 4
        found = False
        for topic in topics:
            blocks = await self.blocks(topic, lang)
            if not blocks:
                continue
            label = t(lang, "digest_topic", topic=topic) if topic else t(lang, "digest_everything")
            section = [f"<b>{esc(label)}</b>"]
            for block in blocks:
                if visible_len("\n\n".join([*section, block])) + 2 > room:
                    break
                section.append(block)
            if len(section) == 1:
                continue
            text = "\n\n".join(section)
            room -= visible_len(text) + 2
            parts.append(text)
            found = True
        if not found:
            return None
        return "\n\n".join([*parts, footer])
