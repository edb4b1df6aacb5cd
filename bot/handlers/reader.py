"""The reader's own settings: /lang (interface language) and /subscribe, /subscriptions,
/unsubscribe (digests of new sources, see :mod:`bot.broadcast`)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from .. import callback_data as cd
from .. import services
from ..keyboards import language_keyboard
from ..lang import set_choice, update_menu
from ..markup import esc
from ..strings import LANGS, t
from .common import rate_limited, user_lang

MAX_TOPICS = 10
MAX_TOPIC_CHARS = 100


async def _say(update: Update, html: str, **kwargs: object) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(html, do_quote=message.chat.type != "private", **kwargs)  # type: ignore[arg-type]


async def _switch(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    user = update.effective_user
    readers = services.get(context).readers
    if user is None or readers is None:
        return
    await asyncio.to_thread(readers.set_language, user.id, lang)
    set_choice(user.id, lang)  # the rest of this update already speaks it
    await update_menu(context, user.id, lang)


@rate_limited
async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/lang`` shows the language buttons; ``/lang az`` switches at once."""
    arg = (context.args or [""])[0].lower()
    if not arg:
        await _say(update, esc(t(user_lang(update), "lang_prompt")), reply_markup=language_keyboard(LANGS))
        return
    if arg not in LANGS:
        await _say(update, esc(t(user_lang(update), "lang_unknown")))
        return
    await _switch(update, context, arg)
    await _say(update, esc(t(arg, "lang_set")))


@rate_limited
async def lang_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = cd.decode(query.data if query else None)
    if query is None or not isinstance(action, cd.Lang) or action.lang not in LANGS:
        if query is not None:
            await query.answer(t(user_lang(update), "expired"))
        return
    await _switch(update, context, action.lang)
    await query.answer()
    await query.edit_message_text(esc(t(action.lang, "lang_set")))


def _topic(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(" ".join(context.args or ()).split())


def _label(topic: str, lang: str) -> str:
    return f"«{topic}»" if topic else t(lang, "sub_everything")


@rate_limited
async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    readers, lang, chat = services.get(context).readers, user_lang(update), update.effective_chat
    if readers is None or chat is None:
        return
    topic = _topic(context)
    if len(topic) > MAX_TOPIC_CHARS:
        await _say(update, esc(t(lang, "sub_bad_topic", n=MAX_TOPIC_CHARS)))
        return
    current = await asyncio.to_thread(readers.subscriptions, chat.id)
    if any(s.topic.casefold() == topic.casefold() for s in current):
        await _say(update, esc(t(lang, "sub_exists", topic=_label(topic, lang))))
        return
    if len(current) >= MAX_TOPICS:
        await _say(update, esc(t(lang, "sub_too_many", n=MAX_TOPICS)))
        return
    await asyncio.to_thread(readers.subscribe, chat.id, topic, lang)
    await _say(update, esc(t(lang, "sub_done", topic=_label(topic, lang))))


@rate_limited
async def subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    readers, lang, chat = services.get(context).readers, user_lang(update), update.effective_chat
    if readers is None or chat is None:
        return
    subs = await asyncio.to_thread(readers.subscriptions, chat.id)
    if not subs:
        await _say(update, esc(t(lang, "subs_none")))
        return
    lines = [t(lang, "subs_header"), *(f"• {esc(_label(s.topic, lang))}" for s in subs)]
    await _say(update, "\n".join(lines))


@rate_limited
async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/unsubscribe`` drops every subscription of the chat, ``/unsubscribe topic`` one of them."""
    readers, lang, chat = services.get(context).readers, user_lang(update), update.effective_chat
    if readers is None or chat is None:
        return
    topic = _topic(context)
    if not topic:
        n = await asyncio.to_thread(readers.unsubscribe, chat.id)
        await _say(update, esc(t(lang, "unsub_all", n=n)) if n else esc(t(lang, "subs_none")))
        return
    subs = await asyncio.to_thread(readers.subscriptions, chat.id)
    match = next((s for s in subs if s.topic.casefold() == topic.casefold()), None)
    if match is None:
        await _say(update, esc(t(lang, "unsub_missing")))
        return
    await asyncio.to_thread(readers.unsubscribe, chat.id, match.topic)
    await _say(update, esc(t(lang, "unsub_done", topic=_label(match.topic, lang))))
