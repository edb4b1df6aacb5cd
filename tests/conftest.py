"""Shared fixtures: the repository's seed corpus copied into a temporary data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quotebot.testing import corpus

REPO = Path(__file__).resolve().parent.parent
SEED_ID = "000_077138273beb30d3"


def copy_corpus(target: Path) -> Path:
    """The repository's seed corpus (``data/``) copied into ``target``, without its index."""
    return corpus.copy_corpus(REPO / "data", target)


def flip_byte(path: Path, offset: int) -> None:
    """Damage ``path`` in place: invert the byte at ``offset`` (a checksum must catch it)."""
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))


@pytest.fixture(scope="session")
def shared_cache() -> Path:
    """The quotebot cache that set-up (`quotebot model fetch`) prepared, ONNX export included."""
    from index import Settings

    return Settings.from_env().cache_dir


@pytest.fixture(scope="session")
def reference(shared_cache: Path) -> Any:
    """The reference encoder: sentence-transformers (torch) on the default model's weights."""
    from index.config import DEFAULT_MODEL
    from index.embedding.model import load_embedder

    return load_embedder(DEFAULT_MODEL, shared_cache, encoder="sentence-transformers")


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
