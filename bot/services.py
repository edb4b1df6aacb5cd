"""The bot's shared state, kept in ``context.bot_data`` under one key; handlers reach it through
:attr:`bot.context.QuotebotContext.services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import BotConfig
from .feedback import FeedbackStore
from .gateway import EngineGateway
from .ratelimit import UserRateLimiter
from .stats import AnswerStats
from .timeline import PictureCache
from .userstate import ReaderState
from .view_store import Views

if TYPE_CHECKING:
    from .broadcast import Broadcaster
    from .moderation.ops import Moderation

KEY = "services"


@dataclass
class Services:
    config: BotConfig
    engine: EngineGateway
    views: Views
    feedback: FeedbackStore
    limiter: UserRateLimiter
    moderation: Moderation | None = None  # corpus management; None without a data directory
    stats: AnswerStats = field(default_factory=AnswerStats)
    readers: ReaderState | None = None  # /lang choices, subscriptions, broadcast progress
    pictures: PictureCache = field(default_factory=PictureCache)  # /timeline pictures per index version
    broadcaster: Broadcaster | None = None  # new-source digests for subscribers
