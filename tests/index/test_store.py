"""The index directory: round trip, manifest checks, incremental reuse, partial builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index import Engine, Settings, build_index
from index.errors import CorpusError, IndexMissingError, ManifestMismatchError
from index.store.versions import IndexStore
from tests.conftest import copy_corpus


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    data = copy_corpus(tmp_path / "data")
    with pytest.raises(IndexMissingError, match="quotebot index build"):
        Engine.open(Settings.from_env(data_dir=data))


def test_round_trip_and_incremental_reuse(tmp_path: Path, built_data: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    first = store.current()
    report = build_index(settings)
    assert report.embedded == 0 and report.reused > 0  # nothing changed: every vector reused
    assert store.current() == report.version != first
    manifest = store.manifest(report.version).raw
    assert manifest["parent"] == first
    assert manifest["passage_count"] == report.passages
    assert manifest["model"]["name"] == settings.model
    assert len(manifest["vectors"]["sha256"]) == 64
    engine = Engine.open(settings)
    assert engine.version == report.version
    assert engine.ask("трамп новруз").answered


def test_manifest_of_another_model_refuses_to_load(tmp_path: Path, built_data: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    store = IndexStore(data / "index")
    path = store.version_dir(store.current()) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["model"]["name"] = "some/other-model"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ManifestMismatchError, match="some/other-model"):
        Engine.open(Settings.from_env(data_dir=data))


def test_partial_build_is_cleaned_and_current_untouched(tmp_path: Path, built_data: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    store = IndexStore(data / "index")
    before = store.current()
    leftover = data / "index" / ".build-crashed"
    leftover.mkdir()
    (leftover / "vectors.npy").write_bytes(b"half")
    assert Engine.open(Settings.from_env(data_dir=data)).version == before
    build_index(Settings.from_env(data_dir=data))
    assert not leftover.exists()


def test_registry_errors_name_file_and_field(tmp_path: Path) -> None:
    data = copy_corpus(tmp_path / "data")
    reg = data / "sources.yaml"
    reg.write_text(reg.read_text(encoding="utf-8").replace("language: ru", "language: de"), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"sources.yaml: sources\[0\]: field 'language'"):
        build_index(Settings.from_env(data_dir=data))
    reg.write_text("sources: [{id: x}]", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"field '(title|language)' is required"):
        build_index(Settings.from_env(data_dir=data))
    (data / "speakers.yaml").write_text("speakers: [{id: a, name: {ru: А}}]", encoding="utf-8")
    from index.corpus.sources import load_speakers

    with pytest.raises(CorpusError, match=r"speakers\[0\]: field 'name.en' is required"):
        load_speakers(data)
