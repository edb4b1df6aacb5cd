"""The global error handler: log the failure, tell the user something went wrong, leak nothing.

Telegram-side failures that survived the retrying rate limiter (see :mod:`bot.telegram_io`)
end up here too; they are logged and the update is skipped — the bot keeps running.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from ..context import QuotebotContext
from ..markup import esc
from ..strings import t

log = logging.getLogger(__name__)


def _describe(update: object) -> str:
    if not isinstance(update, Update):
        return repr(type(update).__name__)
    kind = next(
        (k for k in ("message", "edited_message", "callback_query", "inline_query") if getattr(update, k)), "other"
    )
    chat = update.effective_chat.id if update.effective_chat else None
    return f"update {update.update_id} ({kind}, chat {chat})"


async def on_error(update: object, context: QuotebotContext) -> None:
    error = context.error
    unreachable = isinstance(error, (RetryAfter, NetworkError, Forbidden)) and not isinstance(error, BadRequest)
    if unreachable:
        log.warning("Telegram request failed for %s: %s: %s", _describe(update), type(error).__name__, error)
        return  # the user could not be reached anyway (or we must back off): skip the update
    log.error("error while handling %s", _describe(update), exc_info=error)
    if not isinstance(update, Update):
        return
    text = t(context.lang, "error")
    try:
        if update.callback_query:
            await update.callback_query.answer(text)
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=0)
        elif update.effective_message and update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, esc(text))
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", type(exc).__name__)
