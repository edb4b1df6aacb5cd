"""A crash at any point of an update leaves the previous version serving and the data
directory consistent; the next writer cleans up. The update runs in a real subprocess that
exits hard (os._exit) at a named step, or is killed with SIGKILL."""

from __future__ import annotations

import json
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
from index.store import faults
from index.store.versions import IndexStore

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article_en.md"
SCRIPT = """
import sys
from pathlib import Path
from index import Settings, add_source, prepare_source
settings = Settings.from_env(data_dir=Path(sys.argv[1]))
preview = prepare_source(settings, Path(sys.argv[2]).read_bytes(), "article.md")
print(preview.source.id, flush=True)
add_source(settings, preview, user="fault-test")
"""

#: Where each crash is injected (index.store.faults step names; a step fires just before it is taken).
CRASH_AT = {
    "embedded": "staging.mkdir",  # the passages are embedded, nothing is written yet
    "vectors_written": "staging.vectors",  # the staged version has its vectors, not its BM25
    "before_switch": "staging.fsync",  # staged and journalled, about to be fsynced and renamed in
    "after_switch": "registry.write",  # CURRENT switched, the registry not yet written
}


def start_update(data: Path, fault: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != faults.ENV}
    if fault:
        env[faults.ENV] = f"{CRASH_AT[fault]}#1=exit"
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(data), str(ARTICLE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )


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


# -- kill -9 from outside at a known step: rollback, remove, prune (issue 9) -----------------------

CLI_SCRIPT = """
import sys
from pathlib import Path
from index import Settings, add_source, prepare_source, rebuild, remove_source, rollback
from index.store import versions as store
settings = Settings.from_env(data_dir=Path(sys.argv[1]))
op = sys.argv[2]
if op == "rollback":
    rollback(settings, user="kill-test")
elif op == "remove":
    remove_source(settings, sys.argv[3], user="kill-test")
elif op == "prune":
    store.KEEP_VERSIONS = 1
    rebuild(settings, user="kill-test")
elif op == "add":
    add_source(settings, prepare_source(settings, Path(sys.argv[3]).read_bytes(), "article.md"), user="cli-test")
"""


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory, built_data: Path) -> Path:
    """The seed version and one with the English article (its parent is the seed version)."""
    from index import add_source, prepare_source

    data = tmp_path_factory.mktemp("two") / "data"
    shutil.copytree(built_data, data)
    settings = Settings.from_env(data_dir=data)
    add_source(settings, prepare_source(settings, ARTICLE.read_bytes(), "article_en.md"), user="base")
    return data


def kill_at(data: Path, op: str, step: str, *extra: str) -> None:
    """Run ``op`` in a subprocess that stops itself at ``step`` (SIGSTOP), then kill -9 it."""
    env = {**os.environ, "QUOTEBOT_FAULT": f"{step}#1=stop"}
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI_SCRIPT, str(data), op, *extra],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status = os.waitpid(proc.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), f"{op} never reached {step}: {proc.stderr.read() if proc.stderr else ''}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("op", "step", "switched"),
    [
        ("rollback", "journal.rename", False),
        ("rollback", "current.dirsync", True),
        ("rollback", "registry.rename", True),
        ("rollback", "journal.unlink", True),
        ("remove", "publish.rename", False),
        ("remove", "current.rename", False),
        ("remove", "registry.write", True),
        ("prune", "prune.rename", True),
        ("prune", "prune.rmtree", True),
    ],
)
def test_sigkill_at_a_step(tmp_path: Path, two_versions: Path, op: str, step: str, switched: bool) -> None:
    data = tmp_path / "data"
    shutil.copytree(two_versions, data)
    store = IndexStore(data / "index")
    before = store.current()
    added = next(
        i for i in (yaml.safe_load((data / "sources.yaml").read_text())["sources"]) if i["id"] != "000_077138273beb30d3"
    )["id"]
    kill_at(data, op, step, *([added] if op == "remove" else []))
    assert (store.current() != before) == switched
    engine = assert_whole(data)  # readers: a whole version, before any recovery
    assert engine.version == store.current()
    recover_data(Settings.from_env(data_dir=data))
    registry = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    assert {s["id"] for s in registry["sources"]} == {s.id for s in assert_whole(data).sources()}
    assert store.pending() is None and not list((data / "index").glob(".*-*"))
    if op == "prune":  # the oldest version is there whole (killed before its rename) or gone, never half
        assert len(store.versions()) == (3 if step == "prune.rename" else 2)
        for version in store.versions():
            store.verify(version)


def test_a_cli_and_a_bot_writing_at_once(tmp_path: Path, two_versions: Path) -> None:
    """The command line adds an article while the bot (this process) removes another: the lock
    orders them, both are published, and the registry, the served version and the audit agree."""
    import asyncio

    from bot.gateway import EngineGateway
    from bot.moderation.ops import Moderation
    from bot.moderation.pending import PendingStore

    data = tmp_path / "data"
    shutil.copytree(two_versions, data)
    settings = Settings.from_env(data_dir=data)
    added = next(
        i for i in (yaml.safe_load((data / "sources.yaml").read_text())["sources"]) if i["id"] != "000_077138273beb30d3"
    )["id"]
    env = {**os.environ, "QUOTEBOT_FAULT": "staging.*=sleep:0.5"}  # the CLI holds the lock a while
    article = Path(__file__).resolve().parents[1] / "data" / "article_ru_summit.md"
    cli = subprocess.Popen(
        [sys.executable, "-c", CLI_SCRIPT, str(data), "add", str(article)],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stderr=subprocess.PIPE,
        text=True,
    )
    engine = Engine.open(settings)
    mod = Moderation(settings, EngineGateway(engine), PendingStore(tmp_path / "pending"), (1,))
    report = asyncio.run(mod.remove(added, 1))
    assert cli.wait(timeout=300) == 0, cli.stderr.read() if cli.stderr else ""
    recover_data(settings)
    ids = {s["id"] for s in yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))["sources"]}
    assert added not in ids and len(ids) == 2  # the seed and the CLI's article
    served = assert_whole(data)
    assert {s.id for s in served.sources()} == ids
    log = [json.loads(line) for line in settings.audit_log.read_text(encoding="utf-8").splitlines()]
    ok = [(e["action"], e["version"]) for e in log if e["result"].startswith("ok") and e["user"] != "base"]
    assert sorted(a for a, _ in ok) == ["add", "remove"] and report.version in {v for _, v in ok}
