"""Fixtures: the real engine on the seed corpus (built once per session), a fake Bot API server,
and the real bot Application polling it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, build_application, close_stores, set_commands, start_background, stop_background
from bot.config import BotConfig
from index import Engine, Settings, build_index
from tests.conftest import copy_corpus

from .corpus import NASTY_SOURCE_ID, write_nasty_source
from .fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
assert sys.version_info >= (3, 11)




@pytest.fixture(scope="session")
def seed_settings(built_data: Path) -> Settings:
    """The repository's seed corpus, indexed once per session (shared with the index tests)."""
    return Settings.from_env(data_dir=built_data)


@pytest.fixture(scope="session")
def engine(seed_settings: Settings) -> Engine:
    return Engine.open(seed_settings)


@pytest.fixture(scope="session")
def nasty_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A one-source corpus full of markup characters, emoji and a 5000+ character paragraph."""
    data = copy_corpus(tmp_path_factory.mktemp("nasty") / "data")
    write_nasty_source(data)
    settings = Settings.from_env(data_dir=data)
    build_index(settings, progress=False)
    engine = Engine.open(settings)
    assert engine.source(NASTY_SOURCE_ID) is not None
    return engine


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def bot_config(fake: FakeTelegram, state: Path, **overrides: Any) -> BotConfig:
    base = BotConfig(token=fake.token, api_url=fake.root, polling_timeout=1, state_dir=state,
                     feedback_path=state / "feedback.jsonl", rate_burst=100, rate_per_minute=6000)
    return replace(base, **overrides)


async def start_polling(app: Application, config: BotConfig) -> None:  # type: ignore[type-arg]
    """What ``Application.run_polling`` does, inside the test's event loop."""
    await app.initialize()
    await set_commands(app)
    await app.updater.start_polling(poll_interval=0, timeout=config.polling_timeout,  # type: ignore[union-attr]
                                    allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    await app.start()
    await start_background(app)


async def stop(app: Application) -> None:  # type: ignore[type-arg]
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await stop_background(app)  # as run_polling's post_stop does, before the HTTP client closes
    await app.shutdown()
    await close_stores(app)


StartBot = Callable[..., Awaitable[Application]]  # type: ignore[type-arg]


@pytest.fixture
async def start_bot(fake: FakeTelegram, tmp_path: Path, engine: Engine) -> AsyncIterator[StartBot]:
    """``await start_bot(**config_overrides, engine=...)`` → a running Application polling ``fake``."""
    apps: list[Application] = []  # type: ignore[type-arg]

    async def start(engine_: Any = None, **overrides: Any) -> Application:  # type: ignore[type-arg]
        config = bot_config(fake, tmp_path / "state", **overrides)
        app = build_application(config, engine_ or engine)
        apps.append(app)
        await start_polling(app, config)
        return app

    yield start
    for app in apps:
        await stop(app)


@pytest.fixture
async def bot(start_bot: StartBot) -> Application:  # type: ignore[type-arg]
    return await start_bot()


@pytest.fixture
def feedback_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "feedback.jsonl"


@pytest.fixture
def state_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state"
