"""Shared fixtures: the repository's seed corpus copied into a temporary data directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_ID = "000_077138273beb30d3"


def copy_corpus(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("sources.yaml", "speakers.yaml"):
        shutil.copyfile(REPO / "data" / name, target / name)
    shutil.copytree(REPO / "data" / "sources", target / "sources", dirs_exist_ok=True)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path / "data")


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus copied and indexed once per session with the real model. Read-only:
    tests that change the corpus copy it first."""
    from index import Settings, build_index

    data = copy_corpus(tmp_path_factory.mktemp("built") / "data")
    build_index(Settings.from_env(data_dir=data))
    return data
