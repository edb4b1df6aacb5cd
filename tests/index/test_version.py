"""The on-disk index version: its documented layout is what ``IndexVersion.write`` produces, what
it writes reads back, and a version written by another release of bm25s/FAISS/numpy is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from index.errors import IndexFormatError, ManifestMismatchError
from index.search.lexical import LexicalIndex
from index.search.vectors import VectorIndex
from index.store import version as version_module
from index.store.version import IndexVersion, VersionContent, check_libraries, library_versions
from index.store.versions import IndexStore

TEXTS = ["Алиев позвонил Трампу 25 ноября.", "Blinken met Bayramov in Washington.", "Третий абзац о переговорах."]


def _unit(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _content() -> VersionContent:
    passages = [{"source_id": "s1", "paragraph": i + 1, "text": t, "text_hash": f"h{i}"} for i, t in enumerate(TEXTS)]
    paragraphs = [
        {"source_id": "s1", "number": i + 1, "start": 0, "end": len(t), "text_hash": f"p{i}"}
        for i, t in enumerate(TEXTS)
    ]
    return VersionContent(
        passages=passages,
        paragraphs=paragraphs,
        events=[{"date": "2024-11-25", "paragraphs": [1]}],
        texts={"s1": "\n\n".join(TEXTS)},
        registry="sources: []\n",
        speakers=b"speakers: []\n",
        vectors=VectorIndex.build(_unit(3)),
        paragraph_vectors=_unit(3, seed=1),
        offtopic_vectors=_unit(2, seed=2),
        lexical=LexicalIndex.build(TEXTS),
        paragraph_lexical=LexicalIndex.build(TEXTS),
        vector_dtype="float16",
    )


@pytest.fixture
def written(tmp_path: Path) -> IndexVersion:
    vdir = tmp_path / "v1"
    vdir.mkdir()
    return IndexVersion.write(vdir, _content(), {"version": "v1", "passage_count": 3})


def documented_layout() -> set[str]:
    """The top-level names the module docstring lists under ``versions/<id>/``."""
    doc = version_module.__doc__ or ""
    block = doc.split("Layout of ``versions/<id>/``", 1)[1].split("::", 1)[1]
    names = set()
    for line in block.split("\n\n", 2)[1].splitlines():
        match = re.match(r"^ {4}(\S+)\s", line + " ")
        if match:
            names.add(match.group(1).rstrip("/"))
    return names


def test_layout_doc_lists_exactly_what_write_produces(written: IndexVersion) -> None:
    produced = {p.name for p in written.directory.iterdir()}
    assert documented_layout() == produced
    assert {p.relative_to(written.directory).as_posix() for p in written.directory.rglob("*") if p.is_file()} - {
        "manifest.json"
    } == set(written.manifest["files"])


def test_what_write_stores_reads_back(written: IndexVersion) -> None:
    read = IndexVersion.read(written.directory)
    assert read.manifest["libraries"] == library_versions()
    assert read.manifest["vectors"]["dtype"] == "float16" and read.manifest["vectors"]["count"] == 3
    assert [p["text"] for p in read.passages()] == TEXTS
    assert read.paragraphs()[2]["number"] == 3
    assert read.events()[0]["date"] == "2024-11-25"
    assert read.text("s1").startswith(TEXTS[0]) and read.registry() == "sources: []\n"
    assert read.speakers_file is not None and read.speakers_file.read_bytes() == b"speakers: []\n"
    assert read.vectors().size == 3 and read.paragraph_vectors().shape == (3, 8)
    offtopic = read.offtopic_vectors()
    assert offtopic is not None and offtopic.dtype == np.float32
    assert read.lexical(3).size == 3 and read.paragraph_lexical(3).known(["трамп"]) == ["трамп"]
    assert set(read.reusable_vectors()) == {"h0", "h1", "h2", "p0", "p1", "p2"}


def test_a_version_written_by_another_bm25s_release_is_refused(written: IndexVersion) -> None:
    manifest = dict(written.manifest, libraries={**written.manifest["libraries"], "bm25s": "0.1.0"})
    (written.directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexFormatError, match=r"bm25s 0\.1\.0.*quotebot index build") as caught:
        IndexVersion.read(written.directory)
    assert isinstance(caught.value, ManifestMismatchError)  # readers refuse it at once, no retrying


def test_library_versions_match_on_the_parts_that_carry_the_format() -> None:
    recorded = {"bm25s": "0.3.16", "faiss": "1.15.1", "numpy": "2.4.6"}
    check_libraries("v", recorded, {"bm25s": "0.3.17", "faiss": "1.15.0", "numpy": "2.0.0"})  # patch: same format
    check_libraries("v", None, {"bm25s": "9"})  # versions from before the record was kept are read
    with pytest.raises(IndexFormatError, match=r"faiss 1\.14"):
        check_libraries("v", recorded, {"bm25s": "0.3.16", "faiss": "1.14.0", "numpy": "2.4.6"})
    with pytest.raises(IndexFormatError, match="numpy"):
        check_libraries("v", recorded, {"bm25s": "0.3.16", "faiss": "1.15.1", "numpy": "1.26.4"})


def test_another_layout_format_is_refused(written: IndexVersion) -> None:
    with pytest.raises(IndexFormatError, match="layout format 99"):
        IndexVersion.read(written.directory, {**written.manifest, "format": 99})


def test_the_store_opens_a_published_version_through_the_format_owner(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    staging = store.staging_dir("v1")
    IndexVersion.write(staging, _content(), {"version": "v1", "parent": None})
    store.publish(staging, "v1")
    opened = store.open("v1", store.verify("v1"))
    assert opened.directory == store.version_dir("v1") and len(opened.passages()) == 3


def test_no_public_function_takes_a_crash_hook() -> None:
    """Crash and fault tests go through index.store.faults, never through the public API."""
    import inspect

    import index

    for name in index.__all__:
        obj = getattr(index, name)
        if callable(obj) and not inspect.isclass(obj):
            assert "fault" not in inspect.signature(obj).parameters, name
