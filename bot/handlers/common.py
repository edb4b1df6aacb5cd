"""Helpers shared by handlers: the user's language and the per-user rate limit."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from .. import services
from ..lang import chosen
from ..markup import esc
from ..texts import lang_of, t

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


def user_lang(update: Update) -> str:
    """The language chosen with /lang, else the one of the user's Telegram app."""
    user = update.effective_user
    return chosen(user.id if user else None) or lang_of(user.language_code if user else None)


def rate_limited(handler: Handler) -> Handler:
    """Run ``handler`` only within the user's rate limit; otherwise tell them once, politely."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        user = update.effective_user
        if user is None:
            return await handler(update, context)
        decision = services.get(context).limiter.check(user.id)
        if decision.allowed:
            return await handler(update, context)
        notice = t(user_lang(update), "rate_limited")
        if update.callback_query:
            await update.callback_query.answer(notice if decision.notify else None)
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
        elif update.effective_message and decision.notify:
            await update.effective_message.reply_text(esc(notice))
        return None

    return wrapper
