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
