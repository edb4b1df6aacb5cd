"""Fair scheduling of updates: one busy chat cannot stall everyone else.

PTB hands every update to an update processor as soon as it arrives (in webhook mode it has
already answered Telegram 200 by then), so nothing upstream bounds the work in flight. This
processor does, with four rules:

* **slots**: at most ``slots`` updates are *worked on* at once (search, rendering, state). Slots
  are granted first come, first served, and each chat waits for one with at most one update, so
  a flooded chat takes one turn in the queue like anybody else;
* **one update per chat at a time**, in order. A chat's further updates wait in its backlog of at
  most ``chat_backlog``; more are dropped (with a log line). Per-user rate limits still apply on
  top (:mod:`bot.ratelimit`);
* **stale updates are dropped**: an update whose message is older than ``max_age`` seconds when its
  turn comes (or that waited that long, for button presses and inline queries, which carry no
  date) is dropped with a log line instead of being answered late (after an outage, say);
* **sending does not hold a slot**: a handler that is about to wait for a group's send limit
  (20 messages a minute) or a flood-control pause calls :func:`leave_slot`, done by
  :class:`bot.telegram_io.ResilientLimiter`. The update goes on to its end outside the slots
  (still holding its chat's turn), so the slot serves somebody else meanwhile.

At most ``max_pending`` updates wait or run in all; more are dropped. Memory is therefore bounded
whatever the input rate.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

SLOTS = 16
CHAT_BACKLOG = 8
MAX_AGE = 300.0
MAX_PENDING = 2000
UNBOUNDED = 1 << 30  # PTB's own semaphore: admission is decided here, so it must never make a task wait

ChatKey = tuple[str, int]


class _Slot:
    """One of the processor's slots, held by the running update until it finishes or leaves it."""

    __slots__ = ("_owner", "held")

    def __init__(self, owner: FairUpdateProcessor) -> None:
        self._owner = owner
        self.held = True
        owner.working += 1

    def release(self) -> None:
        if self.held:
            self.held = False
            self._owner.working -= 1
            self._owner._slot_semaphore.release()


_current: contextvars.ContextVar[_Slot | None] = contextvars.ContextVar("quotebot_update_slot", default=None)


def leave_slot() -> bool:
    """Give up the running update's slot before a long wait on Telegram's send limits (idempotent).

    The update keeps running, outside the slots; returns whether a slot was given up."""
    slot = _current.get()
    if slot is None or not slot.held:
        return False
    slot.release()
    return True


def chat_key(update: object) -> ChatKey:
    """Whose turn an update takes: its chat; else (inline queries) its user."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other", 0)


def sent_at(update: object) -> float | None:
    """When the user sent the update's message (Unix time), if it says."""
    if not isinstance(update, Update):
        return None
    message = update.message or update.edited_message
    if message is None:
        return None
    moment = message.edit_date if update.edited_message is not None and message.edit_date else message.date
    return moment.timestamp() if moment else None


@dataclass
class _Chat:
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0  # admitted, not yet running
    running: int = 0
    dropped: dict[str, int] = field(default_factory=dict)


class FairUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        slots: int = SLOTS,
        chat_backlog: int = CHAT_BACKLOG,
        max_age: float = MAX_AGE,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if slots < 1 or chat_backlog < 0 or max_pending < 1 or max_age < 0:
            raise ValueError("slots and max_pending must be >= 1, chat_backlog and max_age >= 0")
        super().__init__(UNBOUNDED)
        self.slots = slots
        self.chat_backlog = chat_backlog
        self.max_age = max_age
        self.max_pending = max_pending
        self.clock = clock
        self._slot_semaphore = asyncio.Semaphore(slots)  # not `_semaphore`: PTB's base class uses that name
        self._chats: dict[ChatKey, _Chat] = {}
        self.pending = 0  # admitted updates, waiting or running
        self.working = 0  # updates holding a slot
        self.dropped: dict[str, int] = {"backlog": 0, "pending": 0, "stale": 0}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _drop(
        self, update: object, coroutine: Awaitable[Any], key: ChatKey, chat: _Chat, reason: str, detail: str
    ) -> None:
        close = getattr(coroutine, "close", None)
        if close is not None:
            close()  # never awaited: no "coroutine was never awaited" warning
        self.dropped[reason] += 1
        chat.dropped[reason] = chat.dropped.get(reason, 0) + 1
        if chat.dropped[reason] == 1:  # once per burst; the total follows when the chat is idle
            update_id = update.update_id if isinstance(update, Update) else None
            log.warning("dropped update %s of %s %s: %s", update_id, key[0], key[1], detail)

    def _forget_if_idle(self, key: ChatKey, chat: _Chat) -> None:
        if chat.waiting or chat.running:
            return
        if self._chats.get(key) is chat:
            del self._chats[key]
        for reason, n in chat.dropped.items():
            if n > 1:
                log.warning("%s %s: %d updates dropped in all (%s)", key[0], key[1], n, reason)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        arrived = self.clock()
        key = chat_key(update)
        chat = self._chats.setdefault(key, _Chat())
        if self.pending >= self.max_pending:
            self._drop(update, coroutine, key, chat, "pending", f"{self.pending} updates pending in all")
            self._forget_if_idle(key, chat)
            return
        if chat.waiting >= self.chat_backlog and (chat.running or chat.waiting):
            self._drop(update, coroutine, key, chat, "backlog", f"{chat.waiting} updates already wait in this chat")
            self._forget_if_idle(key, chat)
            return
        self.pending += 1
        chat.waiting += 1
        started = False
        try:
            async with chat.turn:  # FIFO: a chat's updates run in order, one at a time
                await self._slot_semaphore.acquire()
                chat.waiting -= 1
                chat.running += 1
                started = True
                slot = _Slot(self)
                try:
                    sent = sent_at(update)
                    age = self.clock() - (sent if sent is not None else arrived)
                    if self.max_age and age > self.max_age:
                        self._drop(
                            update,
                            coroutine,
                            key,
                            chat,
                            "stale",
                            f"{age:.0f} s old, over max_update_age {self.max_age:g} s",
                        )
                        return
                    token = _current.set(slot)
                    try:
                        await coroutine
                    finally:
                        _current.reset(token)
                finally:
                    slot.release()
                    chat.running -= 1
        finally:
            if not started:  # cancelled while waiting for its turn
                chat.waiting -= 1
                close = getattr(coroutine, "close", None)
                if close is not None:
                    close()
            self.pending -= 1
            self._forget_if_idle(key, chat)
