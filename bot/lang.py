"""Each reader's interface language: Telegram's ``language_code`` unless the reader chose one with
``/lang`` (stored durably in :class:`bot.userstate.ReaderState`, so it survives restarts).

The choice is looked up once per update by :func:`remember_choice`, a handler that runs before
all others and puts it in a context variable; :attr:`bot.context.QuotebotContext.lang` reads it. PTB
runs one update's handlers in one task, and each update in its own task, so the value never
leaks from one update to another, and no handler needs to know where the choice is stored.
"""

from __future__ import annotations

import contextvars
import logging
from typing import TYPE_CHECKING

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError

from .menus import moderator_menu, public_menu
from .strings import LANGS

if TYPE_CHECKING:
    from .context import QuotebotContext

log = logging.getLogger(__name__)

# (user id, language) chosen with /lang, for the update being handled
_choice: contextvars.ContextVar[tuple[int, str] | None] = contextvars.ContextVar("quotebot_lang", default=None)


def chosen(user_id: int | None) -> str | None:
    """The language ``user_id`` chose with /lang, if this update's user did."""
    found = _choice.get()
    return found[1] if found and user_id is not None and found[0] == user_id else None


def set_choice(user_id: int, lang: str) -> None:
    _choice.set((user_id, lang))


async def remember_choice(update: Update, context: QuotebotContext) -> None:
    """Runs first for every update: look up the user's /lang choice (nothing else happens here)."""
    user = update.effective_user
    readers = context.services.readers
    _choice.set(None)
    if user is None or readers is None:
        return
    try:
        lang = readers.language(user.id)
    except Exception:  # the store is a convenience here: fall back to Telegram's language
        log.exception("could not read the language choice")
        return
    if lang in LANGS:
        _choice.set((user.id, lang))


async def update_menu(context: QuotebotContext, user_id: int, lang: str) -> None:
    """The user's private chat gets the command menu in the chosen language."""
    svc = context.services
    commands = moderator_menu(lang) if user_id in svc.config.moderators else public_menu(lang)
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:  # the menu is a convenience
        log.warning("setMyCommands(chat) failed: %s", type(exc).__name__)
