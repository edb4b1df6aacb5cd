"""Changing the corpus through the library: add, remove, rollback, bad input, audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import (
    Engine,
    Settings,
    add_source,
    parse_metadata,
    prepare_source,
    remove_source,
    rollback,
)
from index.errors import CorpusError, SourceRejected
from index.store.versions import IndexStore

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article_en.md"
QUESTION = "What did Trump say about bringing peace to the South Caucasus at the White House summit?"


def settings_for(data: Path) -> Settings:
    return Settings.from_env(data_dir=data)


def test_add_then_remove_then_rollback(data: Path) -> None:
    settings = settings_for(data)
    engine = Engine.open(settings)
    preview = prepare_source(
        settings,
        ARTICLE.read_bytes(),
        "article_en.md",
        {"title": "Washington summit", "url": "https://example.org/summit"},
        added_by="42",
    )
    assert preview.source.info.language == "en"
    assert [e["date"] for e in preview.events] == ["2025-08-08", "2025-09-08"]
    assert preview.speakers == ["aliyev", "trump"]
    assert preview.dated_samples and preview.dated_samples[0]["date"] == "2025-08-08"

    report = add_source(settings, preview, user="42")
    assert report.embedded > 0 and report.reused > 0  # the seed's vectors are not recomputed
    new_id = preview.source.id
    assert any(s.id == new_id for s in engine.sources()) is False  # the running engine still serves the old version
    assert engine.reload_if_changed()
    ans = engine.ask(QUESTION)
    assert ans.answered and ans.hits[0].source_id == new_id and ans.hits[0].date == "2025-08-08"
    assert ans.hits[0].source_url == "https://example.org/summit"
    assert (data / "sources" / f"{new_id}.txt").is_file()

    removed = remove_source(settings, new_id, user="42")
    engine.reload_if_changed()
    for q in (QUESTION, "Trump route through Armenia carrying his name", "Aliyev letter 8 September 2025"):
        assert all(h.source_id != new_id for h in engine.ask(q, top_k=10).hits), q
    assert (data / "sources" / f"{new_id}.txt").is_file()  # kept for rollback

    back = rollback(settings, user="42")
    versions = [report.version, removed.version, back]
    engine.reload_if_changed()
    assert engine.ask(QUESTION).hits[0].source_id == new_id
    assert new_id in (data / "sources.yaml").read_text(encoding="utf-8")

    log = [json.loads(line) for line in settings.audit_log.read_text(encoding="utf-8").splitlines()]
    assert [e["action"] for e in log] == ["add", "remove", "rollback"]
    assert set(log[0]) == {"time", "user", "action", "source_id", "result", "version"}
    assert log[0]["user"] == "42" and log[0]["source_id"] == new_id and log[0]["result"].startswith("ok")
    assert [e["version"] for e in log] == versions  # the version each change published


@pytest.mark.parametrize(
    ("payload", "name", "message"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n\n  ", "a.txt", "empty"),
        (b"\x00\x01\x02\x03binary" * 50, "a.txt", "binary"),
        ("Привет, это текст в кодировке Windows-1251, а не UTF-8.".encode("cp1251"), "a.txt", "cp1251"),
        (b"ok text", "a.exe", "unsupported file type"),
        (b"12 34 56 !!", "a.txt", "no paragraphs"),
    ],
)
def test_bad_uploads_are_refused(data: Path, payload: bytes, name: str, message: str) -> None:
    before = (data / "sources.yaml").read_bytes()
    with pytest.raises(SourceRejected, match=message):
        prepare_source(settings_for(data), payload, name)
    assert (data / "sources.yaml").read_bytes() == before


def test_size_limit_duplicate_and_path_like_name(data: Path) -> None:
    small = Settings.from_env(data_dir=data, max_source_bytes=1000)
    with pytest.raises(SourceRejected, match="limit"):
        prepare_source(small, b"x" * 5000, "big.txt")
    seed = next((data / "sources").glob("000_*.txt")).read_bytes()
    with pytest.raises(SourceRejected, match="already in the corpus"):
        prepare_source(settings_for(data), seed, "copy.txt")
    preview = prepare_source(settings_for(data), ARTICLE.read_bytes(), "../../etc/passwd.md")
    assert preview.source.info.file.startswith("sources/") and ".." not in preview.source.info.file


def test_metadata_caption() -> None:
    assert parse_metadata("title: Summit\nurl: https://x.org/a\ndate: 2025-08-08\nlanguage: en") == {
        "title": "Summit",
        "url": "https://x.org/a",
        "date": "2025-08-08",
        "language": "en",
    }
    with pytest.raises(SourceRejected, match="unknown key 'author'"):
        parse_metadata("author: me")
    with pytest.raises(SourceRejected, match="bad date"):
        parse_metadata("date: 2025-02-30")
    with pytest.raises(SourceRejected, match="bad url"):
        parse_metadata("url: javascript:alert(1)")


def test_remove_unknown_and_rollback_without_parent(tmp_path: Path, built_data: Path) -> None:
    data = tmp_path / "fresh"
    shutil.copytree(built_data, data)
    with pytest.raises(CorpusError, match="no source with id"):
        remove_source(settings_for(data), "nope")
    store = IndexStore(data / "index")
    if store.manifest(store.current()).parent is None:
        with pytest.raises(CorpusError, match="no previous index version"):
            rollback(settings_for(data))
