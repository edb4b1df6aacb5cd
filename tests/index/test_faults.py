"""A crash at any point of an update leaves the previous version serving and the data
directory consistent; the next writer cleans up. The update runs in a real subprocess that
exits hard (os._exit) at a named step, or is killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from index import Engine, Settings, recover_data
from index.store import IndexStore

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article_en.md"
SCRIPT = """
import sys
from pathlib import Path
from index import Settings, add_source, prepare_source
settings = Settings.from_env(data_dir=Path(sys.argv[1]))
preview = prepare_source(settings, Path(sys.argv[2]).read_bytes(), "article.md")
print(preview.source.id, flush=True)
add_source(settings, preview, user="fault-test", fault=sys.argv[3] or None)
"""


def start_update(data: Path, fault: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(data), str(ARTICLE), fault],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])


def assert_whole(data: Path) -> Engine:
    engine = Engine.open(Settings.from_env(data_dir=data))
    assert engine.ask("Когда Алиев позвонил Трампу?").hits[0].date == "2024-11-25"
    return engine


@pytest.mark.parametrize("fault", ["embedded", "vectors_written", "before_switch", "after_switch"])
def test_crash_points(tmp_path: Path, built_data: Path, fault: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    store = IndexStore(data / "index")
    before = store.current()
    registry_before = (data / "sources.yaml").read_text(encoding="utf-8")
    proc = start_update(data, fault)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 137, err
    new_id = out.split()[0]

    engine = assert_whole(data)  # the served index is whole whatever the crash point
    if fault == "after_switch":
        assert store.current() != before
        assert any(s.id == new_id for s in engine.sources())
    else:
        assert store.current() == before
        assert (data / "sources.yaml").read_text(encoding="utf-8") == registry_before

    recover_data(Settings.from_env(data_dir=data))  # what the next start or writer does
    assert not list((data / "index").glob(".build-*"))
    assert store.pending() is None
    registry = (data / "sources.yaml").read_text(encoding="utf-8")
    assert (new_id in registry) == (fault == "after_switch")  # registry agrees with the served version
    assert_whole(data)


def test_sigkill_mid_update(tmp_path: Path, built_data: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    store = IndexStore(data / "index")
    before = store.current()
    proc = start_update(data, "")
    assert proc.stdout is not None
    proc.stdout.readline()  # prepared: the update itself starts now
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    recover_data(Settings.from_env(data_dir=data))
    engine = assert_whole(data)
    registry = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    assert {s["id"] for s in registry["sources"]} == {s.id for s in engine.sources()}
    assert store.current() in (before, *store.versions())
