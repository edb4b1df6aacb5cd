"""Issue 13: a writer killed at any step of add, remove, rollback, reindex or prune never makes a
reader answer "not covered". ``tests/index/crashkit.py`` kills the write at each recorded step in
turn (SIGKILL to itself at that step) and reads as ``quotebot ask`` and the bot do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import Settings
from index.embedding.model import load_embedder
from tests.index.crashkit import OPS, make_base

REPO = Path(__file__).resolve().parents[2]
#: Steps each operation must pass through (so a refactoring cannot silently skip the crash points).
MUST_COVER = {
    "add": {
        "source.rename",
        "staging.mkdir",
        "staging.manifest",
        "journal.rename",
        "staging.fsync",
        "publish.rename",
        "current.rename",
        "current.dirsync",
        "registry.rename",
        "audit.write",
        "journal.unlink",
    },
    "remove": {
        "journal.rename",
        "publish.rename",
        "current.rename",
        "registry.rename",
        "audit.write",
        "journal.unlink",
    },
    "rollback": {"journal.rename", "current.rename", "registry.rename", "audit.write", "journal.unlink"},
    "reindex": {"staging.fsync", "publish.rename", "current.rename", "audit.write", "journal.unlink"},
    "prune": {"current.rename", "prune.rename", "prune.rmtree"},
}


@pytest.fixture(scope="module")
def crash_base(tmp_path_factory: pytest.TempPathFactory, built_data: Path) -> Path:
    base = tmp_path_factory.mktemp("crash") / "data"
    shutil.copytree(built_data, base)
    settings = Settings.from_env(data_dir=base)
    make_base(base, load_embedder(settings.model, settings.cache_dir))
    return base


@pytest.mark.parametrize("op", OPS)
def test_kill_at_every_write_step_then_read(crash_base: Path, op: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.index.crashkit", str(crash_base), op],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    steps = [r["step"] for r in results if r["k"]]
    assert MUST_COVER[op] <= set(steps), f"{op} no longer passes through {MUST_COVER[op] - set(steps)}"
    assert results[0]["k"] == 0 and results[0]["switched"], "the write without a crash must publish"
    assert any(not r["switched"] for r in results) and any(r["k"] and r["switched"] for r in results)
    failures = [f"#{r['k']} {r['step']}: {'; '.join(r['problems'])}" for r in results if r["problems"]]
    assert not failures, f"{len(failures)} of {len(results)} crash points of {op}:\n" + "\n".join(failures)
