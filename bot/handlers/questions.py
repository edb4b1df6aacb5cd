"""A text message is a question: search, then reply with the quotes and their buttons."""

from __future__ import annotations

import time

from telegram import Bot, Update

from .. import services
from ..context import QuotebotContext
from ..delivery import Target, send_screen, typing
from ..filters import strip_mention
from ..pages import question_screen


async def send_answer(bot: Bot, svc: services.Services, target: Target, question: str, lang: str) -> None:
    """Typing… while searching, then the answer (split at quote boundaries) with its keyboard."""
    started = time.perf_counter()
    async with typing(bot, target):
        screen = await question_screen(svc.engine, svc.views, question, 0, lang, svc.config.top_k)
    await send_screen(bot, target, screen)
    svc.stats.record(screen.answered, time.perf_counter() - started)


async def answer_question(update: Update, context: QuotebotContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    private = message.chat.type == "private"
    question = message.text if private else strip_mention(message.text, context.bot.username)
    await send_answer(context.bot, context.services, Target.of(message), question, context.lang)
