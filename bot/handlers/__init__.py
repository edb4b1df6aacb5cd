"""PTB handlers, one module per kind of update; :func:`register` wires them into an Application."""

from __future__ import annotations

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
from .. import services
from ..filters import ADDRESSED_TO_BOT, COMMAND_FOR_BOT
from ..lang import remember_choice
from . import (
    callbacks,
    commands,
    errors,
    fallbacks,
    inline,
    mod_confirm,
    mod_fix,
    mod_manage,
    mod_upload,
    questions,
    reader,
)

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE
MODERATOR_COMMANDS = {
    "add": mod_upload.add_command, "done": mod_upload.done, "cancel": mod_upload.cancel, "remove": mod_manage.remove,
    "reindex": mod_manage.reindex, "status": mod_manage.status, "rollback": mod_manage.rollback,
    "feedback": mod_manage.feedback, "fix": mod_fix.fix,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    svc: services.Services = app.bot_data[services.KEY]
    moderators = list(svc.config.moderators)
    app.add_handler(TypeHandler(Update, remember_choice), group=-100)  # the user's /lang choice, first
    app.add_handler(CommandHandler("start", commands.start, filters=NEW))
    app.add_handler(CommandHandler("help", commands.help_command, filters=NEW))
    app.add_handler(CommandHandler("timeline", commands.timeline, filters=NEW))
    if moderators:  # moderators see ids, counts and who added what; everyone else the public view
        app.add_handler(CommandHandler("sources", mod_manage.sources,
                                       filters=NEW & PRIVATE & filters.User(user_id=moderators)))
    app.add_handler(CommandHandler("sources", commands.sources, filters=NEW))
    app.add_handler(CommandHandler("about", commands.about, filters=NEW))
    app.add_handler(CommandHandler("lang", reader.lang_command, filters=NEW))
    app.add_handler(CommandHandler("subscribe", reader.subscribe, filters=NEW))
    app.add_handler(CommandHandler("subscriptions", reader.subscriptions, filters=NEW))
    app.add_handler(CommandHandler("unsubscribe", reader.unsubscribe, filters=NEW))
    for name, handler in MODERATOR_COMMANDS.items():  # refused (and audited) for non-moderators
        app.add_handler(CommandHandler(name, handler, filters=NEW))
    app.add_handler(MessageHandler(NEW & filters.COMMAND & (PRIVATE | COMMAND_FOR_BOT), fallbacks.unknown_command))

    # after /add, a moderator's next text is the article; everyone else's text falls through to questions
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & PRIVATE, mod_upload.pasted_text),
                    group=-1)
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & PRIVATE, questions.answer_question))
    app.add_handler(MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & GROUPS & ADDRESSED_TO_BOT,
                                   questions.answer_question))

    app.add_handler(CallbackQueryHandler(callbacks.page, pattern=cd.PAGE_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.full_paragraph, pattern=cd.FULL_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.back, pattern=cd.BACK_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.vote, pattern=cd.VOTE_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.example, pattern=cd.EXAMPLE_PATTERN))
    app.add_handler(CallbackQueryHandler(mod_confirm.confirm, pattern=cd.CONFIRM_PATTERN))
    app.add_handler(CallbackQueryHandler(mod_confirm.decline, pattern=cd.DECLINE_PATTERN))
    app.add_handler(CallbackQueryHandler(reader.lang_button, pattern=cd.LANG_PATTERN))
    app.add_handler(CallbackQueryHandler(callbacks.expired))

    app.add_handler(InlineQueryHandler(inline.inline_query))

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, fallbacks.edited_message))
    app.add_handler(MessageHandler(NEW & PRIVATE & filters.Document.ALL, mod_upload.document))
    app.add_handler(MessageHandler(NEW & PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, fallbacks.unsupported))

    app.add_error_handler(errors.on_error)
