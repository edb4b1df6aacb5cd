"""PTB handlers, one module per kind of update; :func:`register` wires them into an Application.

Handler groups run in order, and within a group the first matching handler runs:

* ``LANG`` looks up the reader's /lang choice;
* ``PASTE`` takes a moderator's pasted article after /add (and stops the update);
* ``LIMIT`` applies the per-user rate limit (:mod:`.limit`), once for every update answered;
* ``GATE`` refuses moderator-only updates from anyone else (:mod:`bot.moderation.gate`);
* group 0 answers: the moderators' handlers first, then the public ones.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from .. import callback_data as cd
from ..context import ButtonHandler, QuotebotContext
from ..filters import ADDRESSED_TO_BOT, COMMAND_FOR_BOT
from ..lang import remember_choice
from ..moderation import handlers as moderation
from ..moderation.gate import ModeratorGate
from ..services import KEY, Services
from . import callbacks, commands, errors, fallbacks, inline, limit, questions, reader

LANG, PASTE, LIMIT, GATE = -100, -30, -20, -10
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE
PUBLIC_COMMANDS = {
    "start": commands.start,
    "help": commands.help_command,
    "timeline": commands.timeline,
    "sources": commands.sources,
    "about": commands.about,
    "lang": reader.lang_command,
    "subscribe": reader.subscribe,
    "subscriptions": reader.subscriptions,
    "unsubscribe": reader.unsubscribe,
}


def register(app: Application[Any, QuotebotContext, Any, Any, Any, Any]) -> None:
    svc: Services = app.bot_data[KEY]
    gate = ModeratorGate(svc.config.moderators, available=svc.moderation is not None)
    app.add_handler(TypeHandler(Update, remember_choice), group=LANG)
    if gate.available:
        app.add_handler(moderation.paste_handler(gate), group=PASTE)
    app.add_handlers(limit.handlers([*PUBLIC_COMMANDS, *moderation.COMMANDS]), group=LIMIT)
    app.add_handlers(gate.handlers(moderation.COMMANDS), group=GATE)

    if gate.available:
        app.add_handlers(moderation.handlers(gate))
    for name, callback in PUBLIC_COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=NEW))
    app.add_handler(MessageHandler(NEW & filters.COMMAND & (PRIVATE | COMMAND_FOR_BOT), fallbacks.unknown_command))
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & PRIVATE, questions.answer_question))
    app.add_handler(
        MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & GROUPS & ADDRESSED_TO_BOT, questions.answer_question)
    )

    app.add_handler(ButtonHandler(cd.Page, callbacks.page))
    app.add_handler(ButtonHandler(cd.Full, callbacks.full_paragraph))
    app.add_handler(ButtonHandler(cd.Back, callbacks.back))
    app.add_handler(ButtonHandler(cd.Vote, callbacks.vote))
    app.add_handler(ButtonHandler(cd.Example, callbacks.example))
    app.add_handler(ButtonHandler(cd.Lang, reader.lang_button))
    app.add_handler(CallbackQueryHandler(callbacks.expired))

    app.add_handler(InlineQueryHandler(inline.inline_query))

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, fallbacks.edited_message))
    app.add_handler(MessageHandler(NEW & PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, fallbacks.unsupported))

    app.add_error_handler(errors.on_error)
