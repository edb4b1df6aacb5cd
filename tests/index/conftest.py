"""A real index of the seed corpus, built once per test session with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Engine, Settings, build_index
from tests.conftest import copy_corpus


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_corpus(tmp_path_factory.mktemp("built") / "data")
    build_index(Settings.from_env(data_dir=data))
    return data


@pytest.fixture(scope="session")
def engine(built_data: Path) -> Engine:
    return Engine.open(Settings.from_env(data_dir=built_data))
