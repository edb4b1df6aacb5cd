"""A real index of the seed corpus, built once per test session with the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import Engine, Settings


@pytest.fixture(scope="session")
def engine(built_data: Path) -> Engine:
    return Engine.open(Settings.from_env(data_dir=built_data))


@pytest.fixture
def data(tmp_path: Path, built_data: Path) -> Path:
    """A private copy of the built seed data directory (published index included) that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(built_data, target)
    return target
