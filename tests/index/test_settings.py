"""Settings: resolved once from the environment and the options, a data directory that works in an
installed package, the seed corpus, and no import-time side effects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index import Settings
from index.config import default_data_dir, seed_data_dir
from index.embedding.model import Threads
from index.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_environment_then_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QUOTEBOT_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("QUOTEBOT_ENCODER", "onnx-int8")
    monkeypatch.setenv("QUOTEBOT_QUERY_THREADS", "2")
    monkeypatch.setenv("QUOTEBOT_STATE_DIR", "")  # empty: not set
    monkeypatch.setenv("OMP_NUM_THREADS", "4,2")  # OpenMP's nested form: the first number
    s = Settings.from_env()
    assert s.data_dir == tmp_path / "env" and s.encoder == "onnx-int8" and s.query_threads == 2
    assert s.state_dir is None and s.state_path == tmp_path / "env" / "state" and s.threads == 4
    given = Settings.from_env(data_dir=str(tmp_path / "arg"), model=None)  # None: an option not given
    assert given.data_dir == tmp_path / "arg" and given.model == s.model


def test_every_bad_value_is_reported_with_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUOTEBOT_MAX_SOURCE_BYTES", "lots")
    monkeypatch.setenv("QUOTEBOT_QUERY_THREADS", "0")
    with pytest.raises(ConfigError) as err:
        Settings.from_env(top_k=0)
    msg = str(err.value)
    for key in (
        "max_source_bytes (QUOTEBOT_MAX_SOURCE_BYTES):",
        "query_threads (QUOTEBOT_QUERY_THREADS):",
        "top_k (QUOTEBOT_TOP_K):",
    ):
        assert key in msg, msg
    assert "lots" not in msg


def test_replace_validates_and_does_not_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = Settings.from_env(data_dir=tmp_path)
    monkeypatch.setenv("QUOTEBOT_MODEL", "/elsewhere")
    changed = s.replace(max_source_bytes=10, state_dir=str(tmp_path / "st"))
    assert changed.max_source_bytes == 10 and changed.state_dir == tmp_path / "st" and changed.model == s.model
    assert s.max_source_bytes != 10  # immutable
    with pytest.raises(ConfigError, match="top_k"):
        s.replace(top_k=500)
    with pytest.raises(ConfigError, match="unknown key"):
        s.replace(colour="red")


def test_default_data_dir_is_the_checkout_or_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == tmp_path / "xdg" / "quotebot"  # never a folder of the installed package
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "quotebot"
    (tmp_path / "data").mkdir()
    assert default_data_dir() == tmp_path / "data"  # a checkout: ./data
    monkeypatch.delenv("QUOTEBOT_DATA_DIR", raising=False)
    assert Settings.from_env().data_dir == tmp_path / "data"


def test_an_empty_data_dir_gets_the_seed_and_a_used_one_is_left_alone(tmp_path: Path) -> None:
    seed = REPO / "data"
    target = tmp_path / "new" / "quotebot"
    assert seed_data_dir(target, seed) == seed
    assert (target / "sources.yaml").read_bytes() == (seed / "sources.yaml").read_bytes()
    assert sorted(p.name for p in (target / "sources").iterdir()) == sorted(
        p.name for p in (seed / "sources").iterdir()
    )
    (target / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    assert seed_data_dir(target, seed) is None  # not empty: never overwritten
    assert (target / "sources.yaml").read_text(encoding="utf-8") == "sources: []\n"
    assert seed_data_dir(tmp_path / "other", tmp_path / "no-seed") is None and not (tmp_path / "other").exists()


def test_the_seed_ships_with_the_package() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"share/quotebot/seed" = ["data/sources.yaml", "data/speakers.yaml"]' in text
    assert '"share/quotebot/seed/sources" = ["data/sources/*.txt"]' in text


def test_threads_for_questions_never_exceed_those_for_batches() -> None:
    assert (Threads(4, 2).query, Threads(4, 2).batch) == (2, 2)
    assert Threads(1, None).batch >= 1 and Threads(0, 3).query == 1


def test_importing_the_packages_changes_no_environment() -> None:
    code = (
        "import os; before = dict(os.environ); import index, index.embedding.model, bot.config, quotebot.cli; "
        "print(sorted(set(os.environ.items()) ^ set(before.items())))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "OMP_WAIT"))}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
