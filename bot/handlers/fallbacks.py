"""Updates that are not questions: edited messages, stickers/photos/voice, unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from ..markup import esc
from ..texts import t
from .common import rate_limited, user_lang


@rate_limited
async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.edited_message
    if message is not None:
        await message.reply_text(esc(t(user_lang(update), "edited")), do_quote=True)


@rate_limited
async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(esc(t(user_lang(update), "unsupported")))


@rate_limited
async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(esc(t(user_lang(update), "unknown_command")))
