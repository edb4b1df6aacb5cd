"""The per-user rate limit, applied once for every update the bot answers.

:func:`handlers` are registered in their own handler group, ahead of every other handler (see
:func:`bot.handlers.register`): within the limit they let the update through; over it they tell
the user once per burst, politely, and stop the update (``ApplicationHandlerStop``), so no
handler further down runs. Updates the bot would not answer (group chatter not addressed to it)
do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from ..context import QuotebotContext
from ..filters import ADDRESSED_TO_BOT, COMMAND_FOR_BOT
from ..markup import esc
from ..strings import t


def answered(commands: Iterable[str]) -> filters.BaseFilter:
    """The messages some handler answers: anything in a private chat (but service messages), and in
    groups a question addressed to the bot or one of ``commands`` (bare or ``@ThisBot``)."""
    bare = filters.Regex(re.compile(rf"^/(?:{'|'.join(map(re.escape, commands))})(?:\s|$)", re.IGNORECASE))
    private = filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL
    group = (
        filters.UpdateType.MESSAGE
        & filters.ChatType.GROUPS
        & ((filters.TEXT & ~filters.COMMAND & ADDRESSED_TO_BOT) | (filters.COMMAND & (COMMAND_FOR_BOT | bare)))
    )
    return private | group


async def enforce(update: Update, context: QuotebotContext) -> None:
    """Let the update through within the user's rate limit; otherwise tell them once and stop it."""
    user = update.effective_user
    if user is None:
        return
    decision = context.services.limiter.check(user.id)
    if decision.allowed:
        return
    notice = t(context.lang, "rate_limited")
    if update.callback_query:
        await update.callback_query.answer(notice if decision.notify else None)
    elif update.inline_query:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif update.effective_message and decision.notify:
        await update.effective_message.reply_text(esc(notice))
    raise ApplicationHandlerStop


def handlers(commands: Iterable[str]) -> list[BaseHandler[Update, QuotebotContext, Any]]:
    """The rate limit for messages (of :func:`answered`), buttons and inline queries."""
    return [MessageHandler(answered(commands), enforce), CallbackQueryHandler(enforce), InlineQueryHandler(enforce)]
