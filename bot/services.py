"""The bot's shared state, kept in ``context.bot_data`` under one key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from telegram.ext import CallbackContext

from .config import BotConfig
from .feedback import FeedbackStore
from .gateway import EngineGateway
from .ratelimit import UserRateLimiter
from .view_store import Views

KEY = "services"


@dataclass
class Services:
    config: BotConfig
    engine: EngineGateway
    views: Views
    feedback: FeedbackStore
    limiter: UserRateLimiter


def get(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    return cast(Services, context.bot_data[KEY])
