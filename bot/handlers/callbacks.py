"""Inline buttons: paging, full paragraph, back, votes, /start examples, expired buttons.

Every callback query is answered (so the client stops its spinner). A button whose view is
gone, or whose data this version does not understand, answers with a short "expired" notice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update

from .. import callback_data as cd
from ..context import QuotebotContext
from ..delivery import Target, replace_screen, shows_already
from ..feedback import Vote
from ..pages import Screen, paragraph_screen, question_screen
from ..strings import TABLES, t
from ..view_store import View
from .questions import send_answer

log = logging.getLogger(__name__)


async def _show(query: CallbackQuery, screen: Screen, lang: str) -> None:
    """Answer the query, then edit its message, unless that would change nothing."""
    if shows_already(query, screen):
        await query.answer(t(lang, "same_page"))
        return
    await query.answer()
    await replace_screen(query, screen)


Step = Callable[[CallbackQuery, View], Awaitable[None]]


async def _on_view(update: Update, context: QuotebotContext, key: str, step: Step) -> None:
    """Run ``step`` with the button's query and the view it belongs to; an "expired" notice when the
    view is gone."""
    query = update.callback_query
    if query is None:
        return
    view = await asyncio.to_thread(context.services.views.get, key)
    if view is None:
        await query.answer(t(context.lang, "expired"), show_alert=False)
        return
    await step(query, view)


async def _page(query: CallbackQuery, view: View, context: QuotebotContext, offset: int, empty: str) -> None:
    """Show the page of ``view``'s question at ``offset``; ``empty``: the notice when there is none."""
    svc = context.services
    screen = await question_screen(svc.engine, svc.views, view.query, offset, view.lang, svc.config.top_k)
    if not screen.answered:
        await query.answer(empty)
        return
    await _show(query, screen, view.lang)


async def _paragraph(query: CallbackQuery, view: View, context: QuotebotContext, action: cd.Full) -> None:
    screen = await paragraph_screen(context.engine, view, action.key, action.index, view.lang)
    if screen is None:
        await query.answer(t(view.lang, "paragraph_missing"))
        return
    await _show(query, screen, view.lang)


async def _vote(query: CallbackQuery, view: View, context: QuotebotContext, action: cd.Vote) -> None:
    svc, message = context.services, query.message
    record = Vote(view, action.up, query.from_user.id, message.chat.id if message else None, svc.engine.version())
    try:
        await asyncio.to_thread(svc.feedback.add, record)
    except OSError as exc:  # a full or read-only state volume: the vote is lost, the user is not bothered
        log.warning("could not store a vote: %s: %s", type(exc).__name__, exc)
    await query.answer(t(context.lang, "vote_thanks"))


async def page(update: Update, context: QuotebotContext) -> None:
    action = context.action(cd.Page)
    await _on_view(
        update,
        context,
        action.key,
        lambda query, view: _page(query, view, context, action.offset, t(view.lang, "no_more")),
    )


async def back(update: Update, context: QuotebotContext) -> None:
    """Back from a paragraph to the page it was opened from."""
    await _on_view(
        update,
        context,
        context.action(cd.Back).key,
        lambda query, view: _page(query, view, context, view.offset, t(context.lang, "expired")),
    )


async def full_paragraph(update: Update, context: QuotebotContext) -> None:
    action = context.action(cd.Full)
    await _on_view(update, context, action.key, lambda query, view: _paragraph(query, view, context, action))


async def vote(update: Update, context: QuotebotContext) -> None:
    action = context.action(cd.Vote)
    await _on_view(update, context, action.key, lambda query, view: _vote(query, view, context, action))


async def example(update: Update, context: QuotebotContext) -> None:
    query, action = update.callback_query, context.action(cd.Example)
    if query is None:
        return
    examples = TABLES[action.lang].examples if action.lang in TABLES else ()
    message = query.message
    if not 0 <= action.index < len(examples) or not isinstance(message, Message):
        await query.answer(t(context.lang, "expired"))
        return
    await query.answer()
    target = Target.of(message, reply=False)
    await send_answer(context.bot, context.services, target, examples[action.index], action.lang)


async def expired(update: Update, context: QuotebotContext) -> None:
    """Any button data this version does not understand (e.g. from an older release)."""
    if update.callback_query:
        await update.callback_query.answer(t(context.lang, "expired"))
