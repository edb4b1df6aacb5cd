"""Build the python-telegram-bot Application and run it (``quotebot run``)."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any, TextIO

from telegram import BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from index import Engine, Settings, recover_data
from index.build import open_engine as build_first
from index.errors import QuotebotError

from . import handlers, redact
from .broadcast import Broadcaster
from .config import BotConfig, load_config
from .context import CONTEXT_TYPES, QuotebotContext
from .fairness import FairUpdateProcessor
from .feedback import FeedbackStore
from .gateway import EngineGateway, EngineLike
from .menus import moderator_menu, public_menu
from .moderation.ops import Moderation
from .moderation.pending import PendingStore
from .ratelimit import UserRateLimiter
from .services import KEY, Services
from .strings import t
from .telegram_io import ResilientLimiter
from .timeline import warm_up
from .userstate import open_readers
from .view_store import ViewStore, open_views

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
CONCURRENT_UPDATES = 16
BOOTSTRAP_RETRIES = 3


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu in Russian, Azerbaijani and (as the default) English; each moderator's private
    chat gets its own menu with the moderator commands (``BotCommandScopeChat``), so nobody else
    sees them."""
    services = app.bot_data.get(KEY)
    moderators = services.config.moderators if isinstance(services, Services) else ()
    for lang, code in (("en", None), ("ru", "ru"), ("az", "az")):
        commands = public_menu(lang)
        try:
            await app.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:  # the menu is a convenience: never fail start-up for it
            log.warning("setMyCommands(%s) failed: %s", code or "default", type(exc).__name__)
        for user_id in moderators:  # a private chat's id is the user's id
            try:
                await app.bot.set_my_commands(
                    moderator_menu(lang), scope=BotCommandScopeChat(user_id), language_code=code
                )
            except TelegramError as exc:  # e.g. the moderator has not started the bot yet
                log.warning(
                    "setMyCommands(moderator %s, %s) failed: %s", user_id, code or "default", type(exc).__name__
                )


async def start_background(app: Application) -> None:  # type: ignore[type-arg]
    """Start the new-source broadcaster (its progress is durable: it resumes what a restart cut) and
    load the plotting library in the background."""
    services = app.bot_data.get(KEY)
    if isinstance(services, Services) and services.broadcaster is not None:
        services.broadcaster.start()
    asyncio.get_running_loop().run_in_executor(None, warm_up)  # matplotlib, for the first /timeline


async def stop_background(app: Application) -> None:  # type: ignore[type-arg]
    """Stop the broadcaster while the bot can still send: its messages in flight finish first."""
    services = app.bot_data.get(KEY)
    if isinstance(services, Services) and services.broadcaster is not None:
        await services.broadcaster.stop()


async def on_start(app: Application) -> None:  # type: ignore[type-arg]
    await set_commands(app)
    await start_background(app)


async def close_stores(app: Application) -> None:  # type: ignore[type-arg]
    await stop_background(app)  # normally done already, before the HTTP client closed (post_stop)
    services = app.bot_data.get(KEY)
    if isinstance(services, Services) and isinstance(services.views, ViewStore):
        services.views.close()
    if isinstance(services, Services) and services.readers is not None:
        services.readers.close()


def build_application(
    config: BotConfig, engine: EngineLike, settings: Settings | None = None
) -> Application[Any, QuotebotContext, Any, Any, Any, Any]:
    """The bot for ``config`` answering from ``engine``; nothing is sent until it is started.

    Moderators change the corpus of ``settings`` (by default the engine's own); without
    settings the moderator commands answer that corpus management is unavailable."""
    if not config.token:
        raise ValueError("build_application needs a bot token")
    redact.install(config.secrets)
    app = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(ResilientLimiter(flood_limits=config.flood_limits))
        .concurrent_updates(
            FairUpdateProcessor(CONCURRENT_UPDATES, chat_backlog=config.chat_backlog, max_age=config.max_update_age)
        )
        .connect_timeout(10)
        .read_timeout(15)
        .write_timeout(15)
        .pool_timeout(5)
        .get_updates_read_timeout(config.polling_timeout + 10)
        .post_init(on_start)
        .post_stop(stop_background)
        .post_shutdown(close_stores)
        .build()
    )
    gateway = EngineGateway(engine)
    settings = settings or getattr(engine, "settings", None)
    if isinstance(settings, Settings) and settings.state_dir is None:
        settings = settings.replace(state_dir=config.state_dir)  # the audit log beside views and votes
    moderation = (
        Moderation(settings, gateway, PendingStore(config.pending_dir), config.moderators)
        if isinstance(settings, Settings)
        else None
    )
    readers = open_readers(config.readers_path)
    broadcaster = None
    if readers is not None:
        broadcaster = Broadcaster(app.bot, gateway, readers, poll=config.broadcast_poll, rate=config.broadcast_rate)
        gateway.listeners.append(broadcaster.wake)  # a moderator's publish is broadcast at once
    app.bot_data[KEY] = Services(
        config=config,
        engine=gateway,
        views=open_views(config.views_path),
        feedback=FeedbackStore(config.feedback_path),
        limiter=UserRateLimiter(config.rate_burst, config.rate_per_minute),
        moderation=moderation,
        readers=readers,
        broadcaster=broadcaster,
    )
    handlers.register(app)
    return app


def webhook_options(config: BotConfig) -> dict[str, Any]:
    """Arguments of ``run_webhook``/``Updater.start_webhook``: PTB's server listens on
    ``listen:port`` at the secret path (the reverse proxy forwards ``public_url/<path secret>``
    to it) and registers the public URL with Telegram together with a header secret token."""
    hook = config.webhook
    return {
        "listen": hook.listen,
        "port": hook.port,
        "url_path": hook.path_secret,
        "webhook_url": hook.url,
        "secret_token": hook.header_token,
        "allowed_updates": ALLOWED_UPDATES,
    }


def polling_options(config: BotConfig) -> dict[str, Any]:
    return {"timeout": config.polling_timeout, "allowed_updates": ALLOWED_UPDATES}


def run_application(app: Application, config: BotConfig) -> None:  # type: ignore[type-arg]
    """Long polling, or a webhook server behind a reverse proxy; returns on SIGINT/SIGTERM."""
    if config.mode == "webhook":
        app.run_webhook(bootstrap_retries=BOOTSTRAP_RETRIES, **webhook_options(config))
    else:
        app.run_polling(bootstrap_retries=BOOTSTRAP_RETRIES, **polling_options(config))


def _setup_logging(level: str) -> None:
    """Log to stderr at ``level`` (the handler filters too: some libraries set DEBUG on their loggers)."""
    redact.install()
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:  # ours or the CLI's, not a test harness's
            handler.setLevel(level)


def open_engine(settings: Settings, err: TextIO) -> Engine:
    """Open the published index, building it first if there is none yet."""
    return build_first(settings, progress=True, notice=err)


def run_from_cli(
    settings: Settings,
    config_path: str | None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``quotebot run``: load the config, make sure the index exists, then serve Telegram (or,
    without a token, a local chat in the terminal). Returns the process exit code."""
    err = stderr or sys.stderr
    redact.install()
    try:
        config = load_config(config_path, settings.data_dir)
    except QuotebotError as exc:
        print(f"quotebot run: {redact.redact(str(exc))}", file=err)
        return 2
    redact.install(config.secrets)
    # in the terminal chat, INFO lines would interleave with the conversation
    _setup_logging(config.log_level if config.token or config.log_level != "INFO" else "WARNING")
    try:
        engine = open_engine(settings, err)
    except QuotebotError as exc:
        print(f"quotebot run: {exc}", file=err)
        return 1
    if not config.token:
        from .local_chat import run_local_chat

        print(t(config.language, "local_intro"), file=err, flush=True)
        return asyncio.run(run_local_chat(engine, config, stdin or sys.stdin, stdout or sys.stdout))
    return _serve(config, engine, settings, err)


def _recover(settings: Settings) -> None:
    """Clean up after a corpus change that a crash interrupted, before serving moderators."""
    try:
        recover_data(settings)
    except (QuotebotError, OSError) as exc:  # another writer holds the lock: it cleans up itself
        log.warning("corpus recovery skipped: %s", exc)


def _serve(config: BotConfig, engine: Engine, settings: Settings, err: TextIO) -> int:
    _recover(settings)
    try:
        app = build_application(config, engine, settings)
        where = (
            config.webhook.url.replace(config.webhook.path_secret, "<path secret>")
            if config.mode == "webhook"
            else "long polling"
        )
        log.info("starting the bot (%s) against %s", where, config.api_url)
        run_application(app, config)
    except InvalidToken:
        print("quotebot run: Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN)", file=err)
        return 1
    except NetworkError as exc:
        print(f"quotebot run: cannot reach the Bot API at {config.api_url}: {redact.redact(str(exc))}", file=err)
        return 1
    except TelegramError as exc:
        print(f"quotebot run: Telegram error: {redact.redact(str(exc))}", file=err)
        return 1
    return 0
