"""The bot started and stopped inside the caller's event loop, as ``Application.run_polling`` and
``run_webhook`` do it (which own their loop, so a test or a benchmark cannot call them).

The order is PTB's own: ``initialize`` → ``post_init`` → the updater (long polling or the webhook
server, from the config's mode) → ``start``; then ``updater.stop`` → ``stop`` → ``post_stop`` →
``shutdown`` → ``post_shutdown``. The hooks are read from the application, so whatever the bot
registers there (the command menu, the broadcaster, closing its stores) runs as in production.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, webhook_options
from bot.config import BotConfig

from .fake_telegram import FakeTelegram

App = Application[Any, Any, Any, Any, Any, Any]  # the bot's Application, whatever its context types


def bot_config(fake: FakeTelegram, state: Path, **overrides: Any) -> BotConfig:
    """A bot configuration that talks to ``fake`` and keeps its state in ``state``: a short long-poll
    and a per-user rate limit no test user reaches by accident (``overrides`` change any field)."""
    base = BotConfig(
        token=fake.token,
        api_url=fake.root,
        polling_timeout=1,
        state_dir=state,
        feedback_path=state / "feedback.jsonl",
        rate_burst=100,
        rate_per_minute=6000,
    )
    return replace(base, **overrides)


async def start(app: App, config: BotConfig) -> None:
    """Start ``app`` in ``config``'s mode; pending updates are kept (a restart must see them)."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    if config.mode == "webhook":
        await app.updater.start_webhook(**webhook_options(config))
    else:
        await app.updater.start_polling(
            poll_interval=0, timeout=config.polling_timeout, allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
        )
    await app.start()


async def stop(app: App) -> None:
    """Stop ``app`` gracefully (what is in flight finishes); safe after a partial start."""
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


@contextlib.asynccontextmanager
async def running(app: App, config: BotConfig) -> AsyncIterator[App]:
    """``async with running(app, config):`` the bot serves inside the block, and is stopped after it."""
    try:
        await start(app, config)
        yield app
    finally:
        await stop(app)
