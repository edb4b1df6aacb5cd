"""/start, /help, /timeline, /sources, /about."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from .. import services
from ..delivery import Target, send_screen
from ..keyboards import examples_keyboard
from ..pages import Screen, sources_screen, text_screen, timeline_screen
from .common import rate_limited, user_lang


async def _reply(update: Update, screen: Screen) -> None:
    message = update.effective_message
    if message is None:
        return
    await send_screen(message.get_bot(), Target.of(message), screen)


@rate_limited
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_lang(update)
    await _reply(update, text_screen(lang, "start", examples_keyboard(lang)))


@rate_limited
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, text_screen(user_lang(update), "help", username=context.bot.username or "bot"))


@rate_limited
async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, text_screen(user_lang(update), "about"))


@rate_limited
async def timeline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, await timeline_screen(services.get(context).engine, user_lang(update)))


@rate_limited
async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, await sources_screen(services.get(context).engine, user_lang(update)))
