"""Inline buttons: paging, full paragraph, back, votes, /start examples, expired buttons.

Every callback query is answered (so the client stops its spinner). A button whose view is
gone, or whose data this version does not understand, answers with a short "expired" notice.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from .. import callback_data as cd
from .. import services
from ..delivery import Target, replace_screen, shows_already
from ..feedback import Vote
from ..pages import Screen, paragraph_screen, question_screen
from ..texts import EXAMPLES, t
from ..view_store import View
from .common import rate_limited, user_lang
from .questions import send_answer

log = logging.getLogger(__name__)


async def _show(query: CallbackQuery, screen: Screen, lang: str) -> None:
    """Answer the query, then edit its message, unless that would change nothing."""
    if shows_already(query, screen):
        await query.answer(t(lang, "same_page"))
        return
    await query.answer()
    await replace_screen(query, screen)


async def _view(query: CallbackQuery, svc: services.Services, key: str, lang: str) -> View | None:
    view = await asyncio.to_thread(svc.views.get, key)
    if view is None:
        await query.answer(t(lang, "expired"), show_alert=False)
    return view


@rate_limited
async def page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = cd.decode(query.data if query else None)
    if query is None or not isinstance(action, cd.Page):
        return
    svc, lang = services.get(context), user_lang(update)
    view = await _view(query, svc, action.key, lang)
    if view is None:
        return
    screen = await question_screen(svc.engine, svc.views, view.query, action.offset, view.lang, svc.config.top_k)
    if not screen.answered:
        await query.answer(t(view.lang, "no_more"))
        return
    await _show(query, screen, view.lang)


@rate_limited
async def full_paragraph(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = cd.decode(query.data if query else None)
    if query is None or not isinstance(action, cd.Full):
        return
    svc, lang = services.get(context), user_lang(update)
    view = await _view(query, svc, action.key, lang)
    if view is None:
        return
    screen = await paragraph_screen(svc.engine, view, action.key, action.index, view.lang)
    if screen is None:
        await query.answer(t(view.lang, "paragraph_missing"))
        return
    await _show(query, screen, view.lang)


@rate_limited
async def back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = cd.decode(query.data if query else None)
    if query is None or not isinstance(action, cd.Back):
        return
    svc, lang = services.get(context), user_lang(update)
    view = await _view(query, svc, action.key, lang)
    if view is None:
        return
    screen = await question_screen(svc.engine, svc.views, view.query, view.offset, view.lang, svc.config.top_k)
    if not screen.answered:
        await query.answer(t(lang, "expired"))
        return
    await _show(query, screen, view.lang)


@rate_limited
async def vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = cd.decode(query.data if query else None)
    if query is None or not isinstance(action, cd.Vote):
        return
    svc, lang = services.get(context), user_lang(update)
    view = await _view(query, svc, action.key, lang)
    if view is None:
        return
    chat = update.effective_chat
    record = Vote(view, action.up, query.from_user.id, chat.id if chat else None, svc.engine.version())
    try:
        await asyncio.to_thread(svc.feedback.add, record)
    except OSError as exc:  # a full or read-only state volume: the vote is lost, the user is not bothered
        log.warning("could not store a vote: %s: %s", type(exc).__name__, exc)
    await query.answer(t(lang, "vote_thanks"))


@rate_limited
async def example(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = cd.decode(query.data if query else None)
    if query is None or not isinstance(action, cd.Example):
        return
    examples = EXAMPLES.get(action.lang, ())
    message = query.message
    if not 0 <= action.index < len(examples) or not isinstance(message, Message):
        await query.answer(t(user_lang(update), "expired"))
        return
    await query.answer()
    target = Target.of(message, reply=False)
    await send_answer(context.bot, services.get(context), target, examples[action.index], action.lang)


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button data this version does not understand (e.g. from an older release)."""
    if update.callback_query:
        await update.callback_query.answer(t(user_lang(update), "expired"))
