"""The context every handler receives: typed accessors for the bot's services, the reader's
language and the decoded button, instead of ``context.bot_data[...]`` lookups and casts.

PTB builds one context per update (``ContextTypes(context=QuotebotContext)``, see
:func:`bot.app.build_application`); :meth:`QuotebotContext.from_update` keeps the update's user
so that :attr:`QuotebotContext.lang` needs no argument. Buttons are matched by the
handlers of :class:`ButtonHandler`, which decode the callback data once and match the button by its
action class; :meth:`QuotebotContext.action` hands the decoded action out typed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar, cast

from telegram import Update, User
from telegram.ext import CallbackContext, CallbackQueryHandler, ContextTypes, ExtBot

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

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.user: User | None = None
        self.button: cd.Action | None = None  # set by ButtonHandler

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> QuotebotContext:
        context = super().from_update(update, application)
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
        """The button's action, decoded once by its :class:`ButtonHandler`."""
        if not isinstance(self.button, kind):
            raise TypeError(f"expected a {kind.__name__} button, got {self.button!r}")
        return self.button


class ButtonHandler(CallbackQueryHandler[QuotebotContext, None]):
    """The handler of one kind of button: it decodes the callback data once, matches the button by
    its action class and hands the decoded action to the callback (:meth:`QuotebotContext.action`)."""

    __slots__ = ("kind",)

    def __init__(
        self, kind: type[cd.Action], callback: Callable[[Update, QuotebotContext], Coroutine[Any, Any, None]]
    ) -> None:
        super().__init__(callback)
        self.kind = kind

    def check_update(self, update: object) -> cd.Action | None:
        if not isinstance(update, Update) or update.callback_query is None:
            return None
        action = cd.decode(update.callback_query.data)
        return action if isinstance(action, self.kind) else None

    def collect_additional_context(
        self,
        context: QuotebotContext,
        update: Update,
        application: Application[Any, QuotebotContext, Any, Any, Any, Any],
        check_result: object,
    ) -> None:
        context.button = check_result if isinstance(check_result, self.kind) else None


CONTEXT_TYPES: ContextTypes[QuotebotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any]] = ContextTypes(
    context=QuotebotContext
)
