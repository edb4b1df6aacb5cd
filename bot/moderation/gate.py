"""Who may moderate, checked once: the configured allow-list, in private chats, with corpus
management available. Everyone else is refused politely, the refusal is audited, and nothing
changes.

:class:`ModeratorGate` gives the handlers of its own handler group (see
:func:`bot.handlers.register`): every moderator-only update (a moderator command, a document in
a private chat, a confirm / cancel button) passes through them. A permitted one goes on to the
moderators' handlers (which then need no check of their own); any other is answered with the
refusal and stopped (``ApplicationHandlerStop``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telegram import Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from .. import callback_data as cd
from ..context import ButtonHandler, QuotebotContext
from ..strings import t


async def tell(update: Update, html: str) -> None:
    """A short notice: a toast for a button, else a message in the same chat."""
    if update.callback_query:
        await update.callback_query.answer(html[:200])
    elif update.effective_message:
        await update.effective_message.reply_text(html)


def asker(update: Update) -> tuple[Message, int]:
    """A moderator's message and user id (the gate lets no update without them through)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise ValueError(f"update {update.update_id}: a moderator's action without a message or a user")
    return message, user.id


class ModeratorGate:
    """The moderator check for ``moderators`` (user ids); ``available``: the bot has corpus management."""

    def __init__(self, moderators: Iterable[int], available: bool) -> None:
        self.available = available
        # PTB's user filter: also what the moderators' /sources and pasted texts are matched by
        self.moderators = filters.User(user_id=list(moderators), allow_empty=False)

    def is_moderator(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.moderators.user_ids

    def permits(self, update: Update) -> bool:
        user, chat = update.effective_user, update.effective_chat
        return (
            self.available
            and self.is_moderator(user.id if user else None)
            and chat is not None
            and chat.type == chat.PRIVATE
        )

    async def _check(self, update: Update, context: QuotebotContext, action: str, refusal: str = "denied") -> None:
        """Let a permitted update through; refuse any other (audited as ``action``/``denied``)."""
        if self.permits(update):
            return
        user = update.effective_user
        user_id = user.id if user else None
        mod, lang = context.services.moderation, context.lang
        if not self.is_moderator(user_id):
            if mod is not None:
                await mod.audit(user_id, action, None, "denied")
            await tell(update, t(lang, refusal))
        else:
            await tell(update, t(lang, "unavailable" if mod is None else "private_only"))
        raise ApplicationHandlerStop

    async def command(self, update: Update, context: QuotebotContext) -> None:
        text = update.effective_message.text if update.effective_message else None
        name = (text or "/").split()[0][1:].split("@")[0].lower()
        await self._check(update, context, name)

    async def upload(self, update: Update, context: QuotebotContext) -> None:
        await self._check(update, context, "add", refusal="denied_upload")

    async def confirm(self, update: Update, context: QuotebotContext) -> None:
        await self._check(update, context, "confirm")

    async def decline(self, update: Update, context: QuotebotContext) -> None:
        await self._check(update, context, "cancel")

    def handlers(self, commands: Iterable[str]) -> list[BaseHandler[Update, QuotebotContext, Any]]:
        """The gate for the moderator ``commands``, uploads and the confirm / cancel buttons."""
        new = filters.UpdateType.MESSAGE
        return [
            CommandHandler(list(commands), self.command, filters=new),
            MessageHandler(new & filters.ChatType.PRIVATE & filters.Document.ALL, self.upload),
            ButtonHandler(cd.Confirm, self.confirm),
            ButtonHandler(cd.Decline, self.decline),
        ]
