"""One index version on disk: the only code that writes or reads the files inside it.

:meth:`IndexVersion.write` and :meth:`IndexVersion.read` are a pair, in the manner of
sentence-transformers' ``save``/``load``: every file ``write`` makes is named here and read back
here, so a change of format is made (and versioned, :data:`FORMAT`) in one place. The build
writes through it; the engine, the build's vector reuse, rollback and the health check read
through it (the last through the standard-library :mod:`index.store.manifest`).

Layout of ``versions/<id>/`` (a test checks it against what ``write`` produces)::

    manifest.json           format, libraries, model, encoder, vectors, corpus and off-topic hashes, counts,
                            sources, build time, parent version, sha256 of every other file
    passages.jsonl          one Passage per line, in vector order (with its text hash)
    paragraphs.jsonl        paragraph offsets, context, date and speaker per source (for "full paragraph")
    events.json             the events found in each source
    sources.yaml            the registry this version was built from (rollback restores it)
    speakers.yaml           the speakers this version was built with (the engine reads these)
    texts/                  <source id>.txt: each source's text (answers quote it; rollback restores it)
    vectors.npy             passage vectors, float32 or float16, L2-normalised rows
    faiss.index             the FAISS index over the passage vectors
    paragraph_vectors.npy   paragraph vectors (with context), same dtype, in paragraphs.jsonl order
    offtopic_vectors.npy    the off-topic anchors' vectors (float32), reused while the anchors are unchanged
    bm25/                   BM25 over passages (bm25s: JSON + .npy, no pickle)
    bm25_paragraphs/        BM25 over paragraphs (bm25s)

FAISS, bm25s and numpy write some of these files in their own formats, so the manifest records
their versions (``libraries``) and :meth:`IndexVersion.read` refuses a version written by a
release whose format may differ (:class:`~index.errors.IndexFormatError`): rebuilding is the fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import version as _installed
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ..errors import IndexFormatError
from ..search.lexical import LexicalIndex
from ..search.vectors import VectorIndex
from . import faults
from .checksums import sha256_bytes, sha256_file
from .manifest import MANIFEST

#: Version of this layout; bumped when a file changes meaning.
FORMAT = 1

PASSAGES = "passages.jsonl"
PARAGRAPHS = "paragraphs.jsonl"
EVENTS = "events.json"
REGISTRY = "sources.yaml"
SPEAKERS = "speakers.yaml"
TEXTS = "texts"
VECTORS = "vectors.npy"
FAISS_INDEX = "faiss.index"
PARAGRAPH_VECTORS = "paragraph_vectors.npy"
OFFTOPIC_VECTORS = "offtopic_vectors.npy"
BM25 = "bm25"
BM25_PARAGRAPHS = "bm25_paragraphs"

#: The libraries whose own on-disk formats a version stores, and how many leading components of
#: their version must match the writer's (bm25s and FAISS: major.minor; numpy's .npy: major).
LIBRARIES: dict[str, int] = {"bm25s": 2, "faiss": 2, "numpy": 1}


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`LIBRARIES`."""
    # from the installed metadata: importing bm25s would pull scipy into every reader's start
    return {"bm25s": _installed("bm25s"), "faiss": str(faiss.__version__), "numpy": str(np.__version__)}


def check_libraries(version: str, recorded: Any, installed: Mapping[str, str] | None = None) -> None:
    """Refuse a version whose files were written by a release of a library whose format may
    differ from the installed one. Versions from before the record was kept are accepted."""
    if not isinstance(recorded, dict):
        return
    installed = installed or library_versions()
    for name, parts in LIBRARIES.items():
        wrote = recorded.get(name)
        have = installed.get(name)
        if wrote is None or have is None:
            continue
        if str(wrote).split(".")[:parts] != str(have).split(".")[:parts]:
            raise IndexFormatError(
                f"index version {version} was written with {name} {wrote}, but {name} {have} is installed; "
                f"its files may not read the same. Rebuild the index with `quotebot index build` "
                f"(or install {name} {'.'.join(str(wrote).split('.')[:parts])}.*)."
            )


def vectors_checksum(vectors: np.ndarray) -> str:
    return sha256_bytes(np.ascontiguousarray(vectors).tobytes())


def file_checksums(vdir: Path) -> dict[str, str]:
    """sha256 of every file of a version directory but the manifest, by relative path."""
    return {
        p.relative_to(vdir).as_posix(): sha256_file(p)
        for p in sorted(vdir.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSON-lines file, one at a time (a 100k-passage file is never whole in memory)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _load_npy(path: Path, mmap: bool) -> np.ndarray:
    loaded: np.ndarray = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    return loaded


@dataclass(frozen=True)
class VersionContent:
    """Everything a version holds, as the build computed it; :meth:`IndexVersion.write` lays it out."""

    passages: list[dict[str, Any]]  # Passage.to_dict() plus its "text_hash", in vector order
    paragraphs: list[dict[str, Any]]
    events: list[dict[str, Any]]
    texts: dict[str, str]  # source id → text
    registry: str  # sources.yaml text
    speakers: bytes  # speakers.yaml as read from the data directory
    vectors: VectorIndex
    paragraph_vectors: np.ndarray
    offtopic_vectors: np.ndarray
    lexical: LexicalIndex
    paragraph_lexical: LexicalIndex
    vector_dtype: str = "float32"


class IndexVersion:
    """A written version directory and its manifest; reads each file on demand."""

    def __init__(self, directory: Path, manifest: dict[str, Any]) -> None:
        self.directory = directory
        self.manifest = manifest

    # -- writing --------------------------------------------------------------------------

    @classmethod
    def write(cls, directory: Path, content: VersionContent, manifest: Mapping[str, Any]) -> IndexVersion:
        """Write every file of the layout into ``directory`` (which exists and is empty), the
        manifest last: ``manifest`` (what the build knows: version, parent, model, counts, ...)
        completed with the format, the library versions, the vectors' record and every file's
        sha256. Reports ``staging.*`` steps to :mod:`index.store.faults`."""
        d = directory
        write_jsonl(d / PASSAGES, content.passages)
        write_jsonl(d / PARAGRAPHS, content.paragraphs)
        write_json(d / EVENTS, content.events)
        (d / TEXTS).mkdir()
        for source_id, text in content.texts.items():
            (d / TEXTS / f"{source_id}.txt").write_text(text, encoding="utf-8")
        (d / REGISTRY).write_text(content.registry, encoding="utf-8")
        (d / SPEAKERS).write_bytes(content.speakers)
        faults.point("staging.texts")
        content.vectors.save(d, vectors=VECTORS, index=FAISS_INDEX, dtype=content.vector_dtype)
        np.save(d / PARAGRAPH_VECTORS, content.paragraph_vectors.astype(content.vector_dtype))
        np.save(d / OFFTOPIC_VECTORS, np.asarray(content.offtopic_vectors, dtype=np.float32))
        faults.point("staging.vectors")
        for name, lexical in ((BM25, content.lexical), (BM25_PARAGRAPHS, content.paragraph_lexical)):
            (d / name).mkdir()
            lexical.save(d / name)
        faults.point("staging.bm25")
        stored = np.load(d / VECTORS)
        full = {
            "format": FORMAT,
            **manifest,
            "libraries": library_versions(),
            "vectors": {
                "dtype": content.vector_dtype,
                "sha256": vectors_checksum(stored),
                "count": len(stored),
                "faiss": type(content.vectors.index).__name__,
            },
            "files": file_checksums(d),
        }
        write_json(d / MANIFEST, full)
        faults.point("staging.manifest")
        return cls(d, full)

    # -- reading --------------------------------------------------------------------------

    @classmethod
    def read(cls, directory: Path, manifest: Mapping[str, Any] | None = None) -> IndexVersion:
        """The version in ``directory`` (its manifest read unless given), after checking that this
        code and the installed libraries can read its files: raises
        :class:`~index.errors.IndexFormatError` when not (rebuild with ``quotebot index build``).
        Its files' checksums are :meth:`IndexStore.verify`'s job."""
        raw = dict(manifest) if manifest is not None else json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        version = str(raw.get("version", directory.name))
        if raw.get("format", FORMAT) != FORMAT:
            raise IndexFormatError(
                f"index version {version} has layout format {raw.get('format')}, this quotebot "
                f"reads format {FORMAT}. Rebuild the index with `quotebot index build`."
            )
        check_libraries(version, raw.get("libraries"))
        return cls(directory, raw)

    def passages(self) -> list[dict[str, Any]]:
        return read_jsonl(self.directory / PASSAGES)

    def iter_passages(self) -> Iterator[dict[str, Any]]:
        return iter_jsonl(self.directory / PASSAGES)

    def iter_paragraphs(self) -> Iterator[dict[str, Any]]:
        return iter_jsonl(self.directory / PARAGRAPHS)

    def paragraphs(self) -> list[dict[str, Any]]:
        return read_jsonl(self.directory / PARAGRAPHS)

    def events(self) -> list[dict[str, Any]]:
        events = json.loads((self.directory / EVENTS).read_text(encoding="utf-8"))
        return list(events)

    def registry(self) -> str:
        return (self.directory / REGISTRY).read_text(encoding="utf-8")

    @property
    def speakers_file(self) -> Path | None:
        """This version's ``speakers.yaml``; None for versions built before it was kept."""
        path = self.directory / SPEAKERS
        return path if path.is_file() else None

    def text_file(self, source_id: str) -> Path:
        return self.directory / TEXTS / f"{source_id}.txt"

    def text(self, source_id: str) -> str:
        return self.text_file(source_id).read_text(encoding="utf-8")

    def vectors(self) -> VectorIndex:
        return VectorIndex.load(self.directory, vectors=VECTORS, index=FAISS_INDEX)

    def vector_matrix(self, *, mmap: bool = False) -> np.ndarray:
        """The passage vectors as stored (``vectors.npy``)."""
        return _load_npy(self.directory / VECTORS, mmap)

    def paragraph_vectors(self, *, mmap: bool = True) -> np.ndarray:
        """The paragraph vectors, memory-mapped unless ``mmap`` is False."""
        return _load_npy(self.directory / PARAGRAPH_VECTORS, mmap)

    def offtopic_vectors(self) -> np.ndarray | None:
        path = self.directory / OFFTOPIC_VECTORS
        return _load_npy(path, mmap=False) if path.is_file() else None

    def lexical(self, size: int) -> LexicalIndex:
        return LexicalIndex.load(self.directory / BM25, size)

    def paragraph_lexical(self, size: int) -> LexicalIndex:
        return LexicalIndex.load(self.directory / BM25_PARAGRAPHS, size)

    def reusable_vectors(self) -> dict[str, np.ndarray]:
        """Text hash → float32 vector of every passage and paragraph (what a build may reuse)."""
        found: dict[str, np.ndarray] = {}
        for rows_file, vectors_file in ((PASSAGES, VECTORS), (PARAGRAPHS, PARAGRAPH_VECTORS)):
            if not (self.directory / vectors_file).is_file():
                continue
            vectors = _load_npy(self.directory / vectors_file, mmap=False)
            for i, row in enumerate(read_jsonl(self.directory / rows_file)[: len(vectors)]):
                if "text_hash" in row:
                    found[row["text_hash"]] = vectors[i].astype(np.float32)
        return found
