"""A real index of the seed corpus, built once per test session with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Engine, Settings


@pytest.fixture(scope="session")
def engine(built_data: Path) -> Engine:
    return Engine.open(Settings.from_env(data_dir=built_data))
