"""Updates that are not questions: edited messages, stickers/photos/voice, unknown commands."""

from __future__ import annotations

from telegram import Update

from ..context import QuotebotContext
from ..markup import esc
from ..strings import t


async def edited_message(update: Update, context: QuotebotContext) -> None:
    message = update.edited_message
    if message is not None:
        await message.reply_text(esc(t(context.lang, "edited")), do_quote=True)


async def unsupported(update: Update, context: QuotebotContext) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(esc(t(context.lang, "unsupported")))


async def unknown_command(update: Update, context: QuotebotContext) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(esc(t(context.lang, "unknown_command")))
