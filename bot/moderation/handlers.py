"""The moderators' handlers, wired in one place: their commands, uploads, pasted texts and the
confirm / cancel buttons. They run only for updates :class:`.gate.ModeratorGate` let through, so
none of them checks who is asking."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from .. import callback_data as cd
from ..context import ButtonHandler, QuotebotContext
from . import confirm, fix, manage, upload
from .gate import ModeratorGate

Callback = Callable[[Update, QuotebotContext], Coroutine[Any, Any, None]]

COMMANDS: dict[str, Callback] = {
    "add": upload.add_command,
    "done": upload.done,
    "cancel": upload.cancel,
    "remove": manage.remove,
    "reindex": manage.reindex,
    "status": manage.status,
    "rollback": manage.rollback,
    "feedback": manage.feedback,
    "fix": fix.fix,
}
NEW, PRIVATE = filters.UpdateType.MESSAGE, filters.ChatType.PRIVATE


def paste_handler(gate: ModeratorGate) -> BaseHandler[Update, QuotebotContext, Any]:
    """After ``/add``, a moderator's next texts are the article (registered ahead of the rate limit
    and the questions: a long article arrives as a burst of messages)."""
    return MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & PRIVATE & gate.moderators, upload.pasted_text)


def handlers(gate: ModeratorGate) -> list[BaseHandler[Update, QuotebotContext, Any]]:
    """The moderators' handlers, to register ahead of the public ones (their /sources shows ids)."""
    return [
        *(CommandHandler(name, callback, filters=NEW) for name, callback in COMMANDS.items()),
        CommandHandler("sources", manage.sources, filters=NEW & PRIVATE & gate.moderators),
        MessageHandler(NEW & PRIVATE & filters.Document.ALL, upload.document),
        ButtonHandler(cd.Confirm, confirm.confirm),
        ButtonHandler(cd.Decline, confirm.decline),
    ]
