"""/start (also with a deep-link answer key), /help, /timeline (a picture, then the list), /sources, /about."""

from __future__ import annotations

import asyncio
import re

from telegram import ReplyParameters, Update
from telegram.constants import ParseMode

from ..callback_data import KEY_LEN
from ..context import QuotebotContext
from ..delivery import Target, send_screen
from ..keyboards import examples_keyboard
from ..markup import esc
from ..pages import Screen, plain_screen, sources_screen, text_screen
from ..render import render_timeline
from ..reopen import reopened_screen
from ..strings import t
from ..timeline import timeline_picture

_ANSWER_KEY = re.compile(rf"^[A-Za-z0-9_-]{{{KEY_LEN}}}$")
OTHER_PAYLOADS = frozenset({"inline_empty"})  # start parameters that are not answer keys (inline mode's button)


async def _reply(update: Update, screen: Screen) -> None:
    message = update.effective_message
    if message is None:
        return
    await send_screen(message.get_bot(), Target.of(message), screen)


async def start(update: Update, context: QuotebotContext) -> None:
    """``/start``, or ``/start KEY`` from a shared answer's link ``t.me/<bot>?start=KEY``."""
    lang = context.lang
    payload = (context.args or [""])[0]
    if _ANSWER_KEY.match(payload) and payload not in OTHER_PAYLOADS:
        svc = context.services
        view = await asyncio.to_thread(svc.views.get, payload)
        screen = await reopened_screen(svc.engine, view, payload, lang, svc.config.top_k) if view else None
        await _reply(update, screen or plain_screen(lang, "reopen_missing"))
        return
    await _reply(update, text_screen(lang, "start", examples_keyboard(lang)))


async def help_command(update: Update, context: QuotebotContext) -> None:
    await _reply(update, text_screen(context.lang, "help", username=context.bot.username or "bot"))


async def about(update: Update, context: QuotebotContext) -> None:
    await _reply(update, text_screen(context.lang, "about"))


async def timeline(update: Update, context: QuotebotContext) -> None:
    """The picture (sendPhoto, with a caption), then the same events as a text list."""
    message = update.effective_message
    if message is None:
        return
    svc, lang = context.services, context.lang
    picture, events, flt = await timeline_picture(svc.engine, svc.pictures, lang, " ".join(context.args or ()))
    target = Target.of(message)
    if picture is None:
        key = "timeline_no_match" if flt.text else "timeline_empty"
        await send_screen(message.get_bot(), target, Screen([esc(t(lang, key, value=flt.text))]))
        return
    caption = picture.caption
    if flt.text:
        caption += " " + esc(t(lang, "timeline_filter", value=flt.text))
    reply = ReplyParameters(target.reply_to, allow_sending_without_reply=True) if target.reply_to else None
    await message.get_bot().send_photo(
        target.chat_id,
        picture.png,
        caption=caption,
        parse_mode=ParseMode.HTML,
        filename="timeline.png",
        message_thread_id=target.thread_id,
        reply_parameters=reply,
    )
    listing = Target(target.chat_id, target.thread_id)
    await send_screen(message.get_bot(), listing, Screen(render_timeline(events, lang, svc.engine)))


async def sources(update: Update, context: QuotebotContext) -> None:
    await _reply(update, await sources_screen(context.services.engine, context.lang))
