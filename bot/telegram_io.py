"""How the bot talks to the Bot API when Telegram misbehaves.

:class:`ResilientLimiter` is PTB's rate-limiter hook around every request but ``getUpdates``:

* throttles to Telegram's flood limits with PTB's :class:`~telegram.ext.AIORateLimiter`
  (chat actions and callback/inline answers are not throttled: they are not messages);
* **429** (``RetryAfter``): pauses requests for ``retry_after`` seconds and retries, up to
  ``max_retries`` times, unless the wait is longer than ``max_wait`` (then the update is skipped).
  A 429 on a group or channel pauses only that chat (its limit of 20 messages a minute); any
  other pauses all requests;
* **waiting does not hold an update slot**: before a send to a group (which may wait for the
  group's limit) and before sitting out a 429 pause, the update gives up its processing slot
  (:func:`bot.fairness.leave_slot`), so one flooded group cannot occupy the slots others need;
* **5xx / connection errors** (``NetworkError``): retried with exponential backoff;
* chat actions ("typing…") are never retried: they must not delay the answer;
* **timeouts**: retried only for requests that are safe to repeat (a timed-out ``sendMessage``
  may have been delivered, and a duplicate answer is worse than a missing one).

What still fails reaches the global error handler, which logs it and skips the update.
``getUpdates`` failures are handled by PTB's polling loop, which retries with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, BaseRateLimiter

from .fairness import leave_slot

log = logging.getLogger(__name__)

UNTHROTTLED = frozenset(
    {
        "sendChatAction",
        "answerCallbackQuery",
        "answerInlineQuery",
        "getMe",
        "setMyCommands",
        "deleteWebhook",
        "setWebhook",
        "getFile",
    }
)
NOT_RETRIED = frozenset({"sendChatAction"})  # cosmetic: never delay an answer for it
REPEATABLE = frozenset(
    {
        "answerCallbackQuery",
        "answerInlineQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "getMe",
        "setMyCommands",
        "deleteWebhook",
        "setWebhook",
        "getFile",
        "getWebhookInfo",
    }
)

Json = bool | dict[str, Any] | list[dict[str, Any]]
Request = Callable[..., Coroutine[Any, Any, Json]]  # one Bot API call, as PTB hands it to a rate limiter
MAX_PAUSED_CHATS = 1024


def group_of(data: dict[str, Any]) -> int | str | None:
    """The group or channel a request goes to (AIORateLimiter's rule: a negative or @name chat id)."""
    chat_id = data.get("chat_id")
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) and chat_id < 0 else None


class ResilientLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        flood_limits: bool = True,
        max_retries: int = 3,
        max_wait: float = 60.0,
        network_retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self._flood = AIORateLimiter(max_retries=0) if flood_limits else None
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.network_retries = network_retries
        self.backoff = backoff
        self._resume_at = 0.0  # monotonic time before which no request is sent (after a 429)
        self._chat_resume_at: dict[int | str, float] = {}  # the same for one group (its own 429s)

    async def initialize(self) -> None:
        if self._flood:
            await self._flood.initialize()

    async def shutdown(self) -> None:
        if self._flood:
            await self._flood.shutdown()

    async def _send(
        self, callback: Request, args: Any, kwargs: dict[str, Any], endpoint: str, data: dict[str, Any]
    ) -> Json:
        group = group_of(data)
        resume = max(self._resume_at, self._chat_resume_at.get(group, 0.0) if group is not None else 0.0)
        delay = resume - time.monotonic()
        throttled = self._flood is not None and endpoint not in UNTHROTTLED
        if delay > 0 or (throttled and group is not None):
            leave_slot()  # about to wait on Telegram's limits: let another update work meanwhile
        if delay > 0:
            await asyncio.sleep(delay)
        if self._flood and throttled:
            return await self._flood.process_request(callback, args, kwargs, endpoint, data, None)
        return await callback(*args, **kwargs)

    def _pause(self, group: int | str | None, wait: float) -> None:
        until = time.monotonic() + wait + 0.05
        if group is None:
            self._resume_at = max(self._resume_at, until)
            return
        now = time.monotonic()
        if len(self._chat_resume_at) >= MAX_PAUSED_CHATS:
            self._chat_resume_at = {k: v for k, v in self._chat_resume_at.items() if v > now}
        self._chat_resume_at[group] = max(self._chat_resume_at.get(group, 0.0), until)

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Json:
        flood_retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        floods = failures = 0
        while True:
            try:
                return await self._send(callback, args, kwargs, endpoint, data)
            except RetryAfter as exc:
                wait = exc._retry_after.total_seconds()  # the int/timedelta property warns in PTB 22
                if floods >= flood_retries or wait > self.max_wait:
                    log.warning("%s: flood limit, retry_after=%.0fs; giving up", endpoint, wait)
                    raise
                floods += 1
                self._pause(group_of(data), wait)
                log.info("%s: flood limit, pausing requests for %.1fs (retry %d)", endpoint, wait, floods)
            except BadRequest:
                raise
            except NetworkError as exc:
                repeatable = endpoint in REPEATABLE or not isinstance(exc, TimedOut)
                if not repeatable or endpoint in NOT_RETRIED or failures >= self.network_retries:
                    raise
                failures += 1
                pause = self.backoff * 2 ** (failures - 1)
                log.info("%s: %s (%s), retrying in %.1fs", endpoint, type(exc).__name__, exc, pause)
                await asyncio.sleep(pause)
