"""The reader's own settings: /lang (interface language) and /subscribe, /subscriptions,
/unsubscribe (digests of new sources, see :mod:`bot.broadcast`)."""

from __future__ import annotations

import asyncio

from telegram import Update

from .. import callback_data as cd
from ..context import QuotebotContext
from ..keyboards import language_keyboard
from ..lang import set_choice, update_menu
from ..markup import esc
from ..strings import LANGS, t

MAX_TOPICS = 10
MAX_TOPIC_CHARS = 100


async def _say(update: Update, html: str, **kwargs: object) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(html, do_quote=message.chat.type != "private", **kwargs)  # type: ignore[arg-type]


async def _switch(update: Update, context: QuotebotContext, lang: str) -> None:
    user = update.effective_user
    readers = context.services.readers
    if user is None or readers is None:
        return
    await asyncio.to_thread(readers.set_language, user.id, lang)
    set_choice(user.id, lang)  # the rest of this update already speaks it
    await update_menu(context, user.id, lang)


async def lang_command(update: Update, context: QuotebotContext) -> None:
    """``/lang`` shows the language buttons; ``/lang az`` switches at once."""
    arg = (context.args or [""])[0].lower()
    if not arg:
        await _say(update, esc(t(context.lang, "lang_prompt")), reply_markup=language_keyboard(LANGS))
        return
    if arg not in LANGS:
        await _say(update, esc(t(context.lang, "lang_unknown")))
        return
    await _switch(update, context, arg)
    await _say(update, esc(t(arg, "lang_set")))


async def lang_button(update: Update, context: QuotebotContext) -> None:
    query, action = update.callback_query, context.action(cd.Lang)
    if query is None:
        return
    if action.lang not in LANGS:
        await query.answer(t(context.lang, "expired"))
        return
    await _switch(update, context, action.lang)
    await query.answer()
    await query.edit_message_text(esc(t(action.lang, "lang_set")))


def _topic(context: QuotebotContext) -> str:
    return " ".join(" ".join(context.args or ()).split())


def _label(topic: str, lang: str) -> str:
    return f"«{topic}»" if topic else t(lang, "sub_everything")


async def subscribe(update: Update, context: QuotebotContext) -> None:
    readers, lang, chat = context.services.readers, context.lang, update.effective_chat
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


async def subscriptions(update: Update, context: QuotebotContext) -> None:
    readers, lang, chat = context.services.readers, context.lang, update.effective_chat
    if readers is None or chat is None:
        return
    subs = await asyncio.to_thread(readers.subscriptions, chat.id)
    if not subs:
        await _say(update, esc(t(lang, "subs_none")))
        return
    lines = [t(lang, "subs_header"), *(f"• {esc(_label(s.topic, lang))}" for s in subs)]
    await _say(update, "\n".join(lines))


async def unsubscribe(update: Update, context: QuotebotContext) -> None:
    """``/unsubscribe`` drops every subscription of the chat, ``/unsubscribe topic`` one of them."""
    readers, lang, chat = context.services.readers, context.lang, update.effective_chat
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
