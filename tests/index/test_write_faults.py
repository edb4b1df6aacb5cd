"""Issue 9: a full or read-only disk (an injected OSError) at each write step. Before ``CURRENT``
switches, the change fails and nothing a reader or the next writer sees changes; after it, the
change is published, reported as such, and what is left (registry, journal, audit entry) is
completed by the next writer's recovery, once."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from index import Engine, Settings, add_source, prepare_source, recover_data, rollback
from index.embedding.model import load_embedder
from index.store import faults
from index.store.versions import IndexStore
from tests.index.crashkit import ARTICLE_EN, QUESTION, MemoEncoder, answer_ok

BEFORE_SWITCH = [
    "source.write",
    "staging.mkdir",
    "staging.texts",
    "staging.vectors",
    "staging.bm25",
    "staging.manifest",
    "journal.write",
    "journal.fsync",
    "journal.rename",
    "staging.fsync",
    "publish.rename",
    "publish.dirsync",
    "current.write",
    "current.fsync",
    "current.rename",
]
AFTER_SWITCH = [
    "current.dirsync",
    "registry.write",
    "registry.fsync",
    "registry.rename",
    "registry.dirsync",
    "audit.write",
    "audit.fsync",
    "journal.unlink",
    "journal.unlink.dirsync",
]


@pytest.fixture(scope="module")
def encoder() -> MemoEncoder:
    settings = Settings.from_env()
    return MemoEncoder(load_embedder(settings.model, settings.cache_dir))


def audit_entries(settings: Settings) -> list[dict]:
    if not settings.audit_log.is_file():
        return []
    return [json.loads(line) for line in settings.audit_log.read_text(encoding="utf-8").splitlines()]


def registry_ids(data: Path) -> set[str]:
    import yaml

    return {s["id"] for s in yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))["sources"]}


def served_ids(store: IndexStore) -> set[str]:
    return {s["id"] for s in store.manifest(store.require_current()).raw["sources"]}


@pytest.mark.parametrize("step", BEFORE_SWITCH)
def test_a_failure_before_the_switch_changes_nothing(data: Path, encoder: MemoEncoder, step: str) -> None:
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    before, registry = store.current(), (data / "sources.yaml").read_bytes()
    preview = prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md")
    with faults.fail_at(step), pytest.raises(OSError, match="injected"):
        add_source(settings, preview, user="7", encoder=encoder)
    assert store.current() == before
    assert (data / "sources.yaml").read_bytes() == registry
    assert store.pending() is None
    assert not [p.name for p in settings.index_dir.iterdir() if p.name.startswith(".build-")]
    assert [(e["action"], e["result"]) for e in audit_entries(settings)] == [("add", "failed: OSError")]
    assert answer_ok(Engine.open(settings, embedder=encoder).ask(QUESTION, top_k=5))
    report = add_source(
        settings, prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md"), user="7", encoder=encoder
    )  # and the next try goes through
    assert store.current() == report.version


@pytest.mark.parametrize("step", AFTER_SWITCH)
def test_a_failure_after_the_switch_is_still_published(data: Path, encoder: MemoEncoder, step: str) -> None:
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    preview = prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md")
    with faults.fail_at(step):
        report = add_source(settings, preview, user="7", encoder=encoder)  # no exception: it is published
    assert store.current() == report.version
    assert preview.source.id in served_ids(store)
    engine = Engine.open(settings, embedder=encoder)
    assert engine.version == report.version and answer_ok(engine.ask(QUESTION, top_k=5))

    recover_data(settings)  # the next writer completes what the failure left
    assert store.pending() is None
    assert registry_ids(data) == served_ids(store)
    ok = [e for e in audit_entries(settings) if e["action"] == "add"]
    assert [(e["result"], e["version"]) for e in ok] == [(f"ok: version {report.version}", report.version)]


def test_registry_failure_is_reported_as_a_warning_and_recovered(data: Path, encoder: MemoEncoder) -> None:
    settings = Settings.from_env(data_dir=data)
    preview = prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md")
    with faults.fail_at("registry.write", OSError(errno.EROFS, "Read-only file system")):
        report = add_source(settings, preview, user="7", encoder=encoder)
    assert report.warnings and "registry" in report.warnings[0]
    assert preview.source.id not in registry_ids(data)  # lags until recovery ...
    assert IndexStore(settings.index_dir).pending() is not None  # ... which the journal guarantees
    recover_data(settings)
    assert preview.source.id in registry_ids(data)


@pytest.mark.parametrize("step", ["journal.rename", "current.rename", "registry.write", "audit.write"])
def test_rollback_faults(data: Path, encoder: MemoEncoder, step: str) -> None:
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    first = store.current()
    add_source(settings, prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md"), encoder=encoder)
    second = store.current()
    switched = step in ("registry.write", "audit.write")
    with faults.fail_at(step):
        if switched:
            assert rollback(settings, user="7") == first
        else:
            with pytest.raises(OSError):
                rollback(settings, user="7")
    assert store.current() == (first if switched else second)
    recover_data(settings)
    assert registry_ids(data) == served_ids(store) and store.pending() is None
    rollbacks = [e for e in audit_entries(settings) if e["action"] == "rollback"]
    assert [e["result"].split(":")[0] for e in rollbacks] == (["ok"] if switched else ["failed"])


def test_prune_failure_does_not_fail_the_change(
    data: Path, encoder: MemoEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import rebuild
    from index.store import versions as store_module

    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    add_source(settings, prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md"), encoder=encoder)
    monkeypatch.setattr(store_module, "KEEP_VERSIONS", 1)
    with faults.fail_at("prune.rename"):
        report = rebuild(settings, user="7", encoder=encoder)
    assert store.current() == report.version and any("prune" in w for w in report.warnings)
    assert len(store.versions()) == 3
    rebuild(settings, user="7", encoder=encoder)  # the next write prunes
    assert len(store.versions()) == 2 and not list(settings.index_dir.glob(".trash-*"))
