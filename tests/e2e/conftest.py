"""Fixtures: the real engine on the seed corpus (built once per session), a fake Bot API server,
and the real bot Application polling it."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application
from index import Engine, Settings, build_index
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.running import bot_config, start, stop
from tests.conftest import copy_corpus

from .corpus import NASTY_SOURCE_ID, write_nasty_source

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
def corpus(seed_settings: Settings, tmp_path: Path) -> Settings:
    """A copy of the built seed data dir (sources, registry, published index) that a test may change."""
    data = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data, ignore=shutil.ignore_patterns(".lock", "state"))
    return seed_settings.replace(data_dir=data, state_dir=tmp_path / "state")  # the bot's state_dir


@pytest.fixture
def corpus_engine(corpus: Settings, engine: Engine) -> Engine:
    """The real engine on :func:`corpus`, sharing the session's loaded model."""
    return Engine.open(corpus, embedder=engine.embedder)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


StartBot = Callable[..., Awaitable[Application]]  # type: ignore[type-arg]


@pytest.fixture
async def start_bot(fake: FakeTelegram, tmp_path: Path, engine: Engine) -> AsyncIterator[StartBot]:
    """``await start_bot(**config_overrides, engine=...)`` → a running Application polling ``fake``."""
    apps: list[Application] = []  # type: ignore[type-arg]

    async def start_one(engine_: Any = None, **overrides: Any) -> Application:  # type: ignore[type-arg]
        config = bot_config(fake, tmp_path / "state", **overrides)
        app = build_application(config, engine_ or engine)
        apps.append(app)
        await start(app, config)
        return app

    yield start_one
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
