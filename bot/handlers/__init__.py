"""PTB handlers, one module per kind of update; :func:`register` wires them into an Application."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from .. import callback_data as cd
from ..filters import ADDRESSED_TO_BOT, COMMAND_FOR_BOT
from . import callbacks, commands, errors, fallbacks, inline, questions

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", commands.start, filters=NEW))
    app.add_handler(CommandHandler("help", commands.help_command, filters=NEW))
    app.add_handler(CommandHandler("timeline", commands.timeline, filters=NEW))
    app.add_handler(CommandHandler("sources", commands.sources, filters=NEW))
    app.add_handler(CommandHandler("about", commands.about, filters=NEW))
    app.add_handler(MessageHandler(NEW & filters.COMMAND & (PRIVATE | COMMAND_FOR_BOT), fallbacks.unknown_command))

    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & PRIVATE, questions.answer_question))
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & GROUPS & ADDRESSED_TO_BOT,
                                   questions.answer_question))

    app.add_handler(CallbackQueryHandler(callbacks.page, pattern=cd.PAGE_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.full_paragraph, pattern=cd.FULL_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.back, pattern=cd.BACK_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.vote, pattern=cd.VOTE_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.example, pattern=cd.EXAMPLE_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.expired))

    app.add_handler(InlineQueryHandler(inline.inline_query))

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, fallbacks.edited_message))
    app.add_handler(MessageHandler(NEW & PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, fallbacks.unsupported))

    app.add_error_handler(errors.on_error)
