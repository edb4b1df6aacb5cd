"""The context every handler receives: typed accessors for the bot's services, the reader's
language and the decoded button, instead of ``context.bot_data[...]`` lookups and casts.

PTB builds one context per update (``ContextTypes(context=QuotebotContext)``, see
:func:`bot.app.build_application`); :meth:`QuotebotContext.from_update` keeps the update's user
so that :attr:`QuotebotContext.lang` needs no argument. Buttons are matched by the pattern
callables of :func:`button`, which decode the callback data once; PTB puts the decoded action in
``context.matches`` and :meth:`QuotebotContext.action` hands it out typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from telegram import Update, User
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from . import callback_data as cd
from .lang import chosen
from .services import KEY, Services
from .strings import lang_of

if TYPE_CHECKING:
    from telegram.ext import Application

    from .config import BotConfig
    from .gateway import EngineGateway
    from .moderation.ops import Moderation

A = TypeVar("A", bound=cd.Action)


class QuotebotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus the bot's services and the reader's language."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.user: User | None = None

    @classmethod
    def from_update(cls, update: object,  # type: ignore[override]
                    application: Application[Any, Any, Any, Any, Any, Any]) -> QuotebotContext:
        context = cast(QuotebotContext, super().from_update(update, application))
        if isinstance(update, Update):
            context.user = update.effective_user
        return context

    @property
    def services(self) -> Services:
        return cast(Services, self.bot_data[KEY])

    @property
    def config(self) -> BotConfig:
        return self.services.config

    @property
    def engine(self) -> EngineGateway:
        return self.services.engine

    @property
    def moderation(self) -> Moderation:
        """The moderation service. The moderator gate (:mod:`bot.moderation.gate`) lets an update reach a
        moderator's handler only when it exists."""
        mod = self.services.moderation
        if mod is None:
            raise RuntimeError("corpus management is unavailable")
        return mod

    @property
    def lang(self) -> str:
        """The language chosen with /lang, else the one of the user's Telegram app."""
        user = self.user
        return chosen(user.id if user else None) or lang_of(user.language_code if user else None)

    def action(self, kind: type[A]) -> A:
        """The button's action, decoded once by the pattern of :func:`button`."""
        found = self.matches[0] if self.matches else None
        if not isinstance(found, kind):
            raise TypeError(f"expected a {kind.__name__} button, got {found!r}")
        return found


def button(kind: type[A]) -> Callable[[object], A | None]:
    """A ``CallbackQueryHandler`` pattern: the decoded action when the data is a ``kind`` button."""

    def match(data: object) -> A | None:
        action = cd.decode(data)
        return action if isinstance(action, kind) else None

    return match


CONTEXT_TYPES: ContextTypes[QuotebotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any]] = \
    ContextTypes(context=QuotebotContext)
