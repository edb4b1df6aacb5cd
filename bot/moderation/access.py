"""Who may moderate: the configured allow-list, in private chats. Everyone else is refused
politely, the refusal is audited, and nothing changes."""

from __future__ import annotations

import functools
from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from .. import services
from ..handlers.common import Handler, user_lang
from .ops import Moderation
from .texts import mt


async def tell(update: Update, html: str) -> None:
    """A short notice: a toast for a button, else a message in the same chat."""
    if update.callback_query:
        await update.callback_query.answer(html[:200])
    elif update.effective_message:
        await update.effective_message.reply_text(html)


def moderation(context: ContextTypes.DEFAULT_TYPE) -> Moderation:
    """The moderation service; only call it from handlers wrapped by :func:`moderator_only`."""
    mod = services.get(context).moderation
    assert mod is not None
    return mod


def moderator_only(action: str, refusal: str = "denied") -> Callable[[Handler], Handler]:
    """Run the handler for moderators in a private chat; anyone else gets ``refusal`` (audited as
    ``action``/``denied``) and nothing changes."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
            svc, lang = services.get(context), user_lang(update)
            user = update.effective_user
            user_id = user.id if user else None
            if user_id is None or user_id not in svc.config.moderators:
                if svc.moderation is not None:
                    await svc.moderation.audit(user_id, action, None, "denied")
                await tell(update, mt(lang, refusal))
                return None
            if svc.moderation is None:
                await tell(update, mt(lang, "unavailable"))
                return None
            chat = update.effective_chat
            if chat is None or chat.type != "private":
                await tell(update, mt(lang, "private_only"))
                return None
            return await handler(update, context)

        return wrapper

    return decorate
