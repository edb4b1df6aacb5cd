"""Inline mode: ``@bot question`` in any chat offers one article per result."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import ParseMode

from ..context import QuotebotContext
from ..keyboards import shared_keyboard
from ..pages import store_view
from ..render import render_inline_article
from ..strings import t
from ..types import HitRef
from ..view_store import View

CACHE_SECONDS = 300


async def inline_query(update: Update, context: QuotebotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    question = " ".join(query.query.split())
    if not question:
        await query.answer([], cache_time=CACHE_SECONDS)
        return
    svc, lang = context.services, context.lang
    answer = await svc.engine.ask(question, offset=0, top_k=svc.config.top_k)
    if not answer.answered or not answer.hits:
        button = InlineQueryResultsButton(t(lang, "inline_empty"), start_parameter="inline_empty")
        await query.answer([], cache_time=CACHE_SECONDS, button=button)
        return
    results = []
    for i, hit in enumerate(answer.hits):
        view = View(query=question, offset=i, lang=lang, hits=(HitRef.of(hit),))
        key = await store_view(svc.views, view)  # None: not stored, the result goes without vote buttons
        article = render_inline_article(hit, lang, svc.engine)
        results.append(
            InlineQueryResultArticle(
                id=key or view.key,
                title=article.title,
                description=article.description,
                input_message_content=InputTextMessageContent(article.html, parse_mode=ParseMode.HTML),
                reply_markup=shared_keyboard(key, lang, context.bot.username) if key else None,
            )
        )
    # personal: the labels (dates in words) follow each user's language
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)
