"""Sending screens to Telegram: chunks in order, the keyboard on the last, edits for buttons."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telegram import Bot, CallbackQuery, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from .markup import visible_text
from .pages import Screen

log = logging.getLogger(__name__)
TYPING_WAIT = 2.0


@dataclass(frozen=True, slots=True)
class Target:
    """Where a screen goes: the chat, its forum topic (if any), the message to reply to (in groups)."""

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None

    @classmethod
    def of(cls, message: Message, reply: bool | None = None) -> Target:
        """Answer ``message`` where it was written; in groups (by default) as a reply to it."""
        reply = message.chat.type != "private" if reply is None else reply
        thread = message.message_thread_id if message.is_topic_message else None
        return cls(message.chat_id, thread, message.message_id if reply else None)


@contextlib.asynccontextmanager
async def typing(bot: Bot, target: Target) -> AsyncIterator[None]:
    """Show "typing…" while the body runs; the action is sent concurrently with the search and
    awaited (briefly) before the reply, so it never arrives after the answer."""
    task = asyncio.create_task(
        bot.send_chat_action(target.chat_id, ChatAction.TYPING, message_thread_id=target.thread_id)
    )
    try:
        yield
    finally:
        try:
            await asyncio.wait_for(task, TYPING_WAIT)
        except (TelegramError, TimeoutError) as exc:
            log.debug("typing action skipped: %s", exc.__class__.__name__)


async def send_screen(bot: Bot, target: Target, screen: Screen) -> list[Message]:
    """Send every chunk in order; only the first is a reply, only the last has the keyboard."""
    sent: list[Message] = []
    last = len(screen.chunks) - 1
    for i, chunk in enumerate(screen.chunks):
        reply = (
            ReplyParameters(target.reply_to, allow_sending_without_reply=True) if target.reply_to and i == 0 else None
        )
        sent.append(
            await bot.send_message(
                target.chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                message_thread_id=target.thread_id,
                reply_markup=screen.keyboard if i == last else None,
                reply_parameters=reply,
            )
        )
    return sent


def shows_already(query: CallbackQuery, screen: Screen) -> bool:
    """Whether the button's message already shows ``screen`` (editing would change nothing)."""
    message = query.message
    if not isinstance(message, Message) or len(screen.chunks) != 1:
        return False
    same_text = (message.text or "").strip() == visible_text(screen.chunks[0]).strip()
    return same_text and message.reply_markup == screen.keyboard


def is_not_modified(exc: BadRequest) -> bool:
    return "message is not modified" in exc.message.lower()


async def replace_screen(query: CallbackQuery, screen: Screen) -> None:
    """Show ``screen`` in place of the button's message: edit it with the first chunk, send the
    rest as new messages (the keyboard goes on the last). An inline-mode message can only be
    edited, so it gets the first chunk only."""
    first_keyboard = screen.keyboard if len(screen.chunks) == 1 else None
    try:
        await query.edit_message_text(screen.chunks[0], parse_mode=ParseMode.HTML, reply_markup=first_keyboard)
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise
    message = query.message
    if len(screen.chunks) > 1 and isinstance(message, Message):
        rest = Screen(screen.chunks[1:], screen.keyboard)
        await send_screen(query.get_bot(), Target.of(message, reply=False), rest)
