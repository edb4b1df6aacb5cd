"""Readers (``quotebot ask``, the bot) and writer state: a corrupt version is refused and the
previous one keeps serving; a transient read error is retried, not answered as "not covered";
when nothing whole can be read, the reader says so with an error."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from pathlib import Path

import pytest

from index import Engine, Settings, build_index
from index.errors import IndexUnavailableError
from index.search.engine import LoadedVersion
from index.store.versions import IndexStore
from quotebot import cli
from tests.index.crashkit import QUESTION, answer_ok


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("damage", ["vectors.npy", "bm25/params.index.json", "manifest.json", "texts"])
def test_a_corrupt_new_version_is_refused_and_the_old_keeps_serving(
    data: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.from_env(data_dir=data)
    engine = Engine.open(settings)
    old = engine.version
    new = build_index(settings).version
    vdir = IndexStore(settings.index_dir).version_dir(new)
    if damage == "manifest.json":
        (vdir / damage).write_text("{not json", encoding="utf-8")
    elif damage == "texts":
        next((vdir / "texts").iterdir()).write_text("changed", encoding="utf-8")
    else:
        truncate(vdir / damage)
    with caplog.at_level(logging.ERROR, logger="quotebot.search"):
        assert engine.reload_if_changed() is False
        assert engine.reload_if_changed() is False  # refused once, not reloaded at every check
    assert engine.version == old and answer_ok(engine.ask(QUESTION, top_k=5))
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and new in refusals[0] and f"still serving version {old}" in refusals[0]

    # a new process falls back to the newest intact ancestor, and says so
    with caplog.at_level(logging.ERROR, logger="quotebot.reader"):
        fresh = Engine.open(settings)
    assert fresh.version == old and answer_ok(fresh.ask(QUESTION, top_k=5))
    assert any(f"serving its ancestor {old}" in r.getMessage() for r in caplog.records)


def test_nothing_whole_to_read_is_an_error_not_an_empty_answer(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = IndexStore(data / "index")
    truncate(store.version_dir(store.require_current()) / "vectors.npy")
    with pytest.raises(IndexUnavailableError, match=r"vectors\.npy"):
        Engine.open(Settings.from_env(data_dir=data))
    assert cli.main(["--data-dir", str(data), "ask", "--json", QUESTION]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "quotebot: " in err and "vectors.npy" in err


def test_a_transient_read_error_is_retried(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = LoadedVersion.load.__func__  # type: ignore[attr-defined]
    calls = {"n": 0}

    def flaky(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OSError(5, "Input/output error")
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(LoadedVersion, "load", classmethod(flaky))
    engine = Engine.open(Settings.from_env(data_dir=data))
    assert calls["n"] == 3 and answer_ok(engine.ask(QUESTION, top_k=5))


def test_a_version_pruned_under_the_reader_is_replaced_by_the_current_one(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    first = store.current()
    second = build_index(settings).version
    (settings.index_dir / "CURRENT").write_text(first + "\n", encoding="utf-8")
    real = LoadedVersion.load.__func__  # type: ignore[attr-defined]

    def moved_on(cls, store_, version, *args, **kwargs):  # type: ignore[no-untyped-def]
        if version == first:  # a writer publishes and prunes between the reader's two reads
            (settings.index_dir / "CURRENT").write_text(second + "\n", encoding="utf-8")
            raise FileNotFoundError(2, "No such file or directory", "passages.jsonl")
        return real(cls, store_, version, *args, **kwargs)

    monkeypatch.setattr(LoadedVersion, "load", classmethod(moved_on))
    engine = Engine.open(settings)
    assert engine.version == second and answer_ok(engine.ask(QUESTION, top_k=5))


def test_ask_waits_for_a_first_build_instead_of_building_another(tmp_path: Path, built_data: Path) -> None:
    """``quotebot ask`` with no index while another process builds the first one: before, it
    gave up after the 30 s lock wait (or built a second version); now it waits and serves the
    writer's version."""
    from tests.conftest import copy_corpus

    data = copy_corpus(tmp_path / "data")
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    locked, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.lock():
            locked.set()
            release.wait(30)
            shutil.copytree(built_data / "index" / "versions", settings.index_dir / "versions")
            shutil.copyfile(built_data / "index" / "CURRENT", settings.index_dir / "CURRENT")

    thread = threading.Thread(target=writer)
    thread.start()
    assert locked.wait(30)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    engine = cli._open_engine(settings)
    thread.join()
    assert store.versions() == [engine.version]  # the writer's version; nothing built twice
    assert answer_ok(engine.ask(QUESTION, top_k=5))


def test_reload_happens_off_the_question_path(data: Path) -> None:
    """While a new version loads, questions are answered from the old one without waiting."""
    from bot.gateway import EngineGateway

    settings = Settings.from_env(data_dir=data)
    engine = Engine.open(settings)
    old = engine.version
    build_index(settings)
    started, finish = threading.Event(), threading.Event()
    real = LoadedVersion.load.__func__  # type: ignore[attr-defined]

    def slow(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        finish.wait(30)
        return real(cls, *args, **kwargs)

    gateway = EngineGateway(engine, reload_every=0.0)
    import asyncio

    LoadedVersion.load = classmethod(slow)  # type: ignore[method-assign]
    try:
        answer = asyncio.run(gateway.ask(QUESTION, top_k=5))  # notices the new version, starts loading it
        assert started.wait(30)
        answer = asyncio.run(gateway.ask(QUESTION, top_k=5))  # answered while the load is stuck
        assert answer_ok(answer) and engine.version == old
    finally:
        finish.set()
        LoadedVersion.load = classmethod(real)  # type: ignore[method-assign]
    deadline = time.monotonic() + 30
    while engine.version == old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.version != old


def test_manifest_lists_every_file(data: Path) -> None:
    store = IndexStore(data / "index")
    version = store.require_current()
    files = json.loads((store.version_dir(version) / "manifest.json").read_text())["files"]
    on_disk = {
        p.relative_to(store.version_dir(version)).as_posix()
        for p in store.version_dir(version).rglob("*")
        if p.is_file()
    } - {"manifest.json"}
    assert set(files) == on_disk and {"vectors.npy", "faiss.index", "passages.jsonl"} <= on_disk
