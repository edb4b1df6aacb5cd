"""Building an index version: sources → passages → vectors + BM25 → published directory.

Incremental: vectors of passages whose text hash and model fingerprint are unchanged are
copied from the current version instead of being re-embedded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .config import Settings
from .corrections import apply_corrections, correct_paragraphs
from .lexical import LexicalIndex
from .offtopic import load_offtopic, offtopic_hash
from .passages import build_passages
from .sources import REGISTRY_FILE, SPEAKERS_FILE, Source, atomic_write, load_sources, load_speakers, registry_yaml
from .store import (
    FORMAT,
    IndexStore,
    new_version_id,
    read_jsonl,
    same_encoder,
    vectors_checksum,
    write_json,
    write_jsonl,
)
from .types import Passage
from .vectors import VectorIndex

#: How vectors.npy and paragraph_vectors.npy are stored. float16 by measurement
#: (bench/bench_scale.py, docs/performance.md): hit@3 identical to float32 on the shared and dev
#: questions, at most 4e-5 of cosine difference, half the disk and page cache (~130 MB less RSS at
#: 100k passages). The FAISS index keeps its own float32 copy for search and exact scoring.
VECTOR_DTYPE = "float16"


class Encoder(Protocol):
    name: str
    dim: int
    fingerprint: str

    def encode_passages(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class BuildReport:
    version: str
    passages: int
    sources: int
    embedded: int  # passages and paragraphs that had to be encoded
    reused: int  # vectors copied from the previous version
    seconds: float
    path: Path


def _contextual_text(context: str, text: str) -> str:
    """A paragraph as its vector sees it: its context (title, event header, the question it
    answers; see ``passages._set_context``) and then its own text."""
    return f"{context}\n{text}" if context else text


def _contextual(para: Any) -> str:
    return _contextual_text(para.context, para.text)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _encoder_record(encoder: Encoder) -> dict[str, str]:
    return getattr(encoder, "encoder", None) or {"format": "torch", "quantisation": "none",
                                                  "checksum": encoder.fingerprint}


def _previous_vectors(store: IndexStore, fingerprint: str, record: dict[str, str]) -> dict[str, np.ndarray]:
    """Map text hash → vector from the current version, when built with the same model and encoder."""
    version = store.current()
    if not version:
        return {}
    vdir = store.version_dir(version)
    found: dict[str, np.ndarray] = {}
    try:
        manifest = store.manifest(version)
        if manifest.model_fingerprint != fingerprint or not same_encoder(manifest.encoder, record):
            return {}
        for rows_file, vectors_file in (("passages.jsonl", "vectors.npy"),
                                        ("paragraphs.jsonl", "paragraph_vectors.npy")):
            if not (vdir / vectors_file).is_file():
                continue
            rows = read_jsonl(vdir / rows_file)
            vectors = np.load(vdir / vectors_file)
            for i, row in enumerate(rows[: len(vectors)]):
                if "text_hash" in row:
                    found[row["text_hash"]] = vectors[i].astype(np.float32)
    except (OSError, ValueError, KeyError):
        return {}
    return found


def _embed(encoder: Encoder, texts: list[str], hashes: list[str], previous: dict[str, np.ndarray],
           progress: bool) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, reusing ``previous`` by text hash; returns (vectors, how many encoded)."""
    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    missing = []
    for i, h in enumerate(hashes):
        if h in previous:
            vectors[i] = previous[h]
        else:
            missing.append(i)
    if missing:
        vectors[missing] = encoder.encode_passages([texts[i] for i in missing], progress=progress)
    return vectors, len(missing)


def build_index(
    settings: Settings,
    *,
    progress: bool = False,
    encoder: Encoder | None = None,
    vector_dtype: str = VECTOR_DTYPE,
    fault: str | None = None,
) -> BuildReport:
    """Build and publish a new index version of the corpus registered in ``settings.data_dir``.

    ``fault`` is for crash tests: the name of a step after which the process exits hard.
    """
    store = IndexStore(settings.index_dir)
    with store.lock():
        recover(settings, store)
        return build_locked(settings, store, load_sources(settings.data_dir), progress=progress, encoder=encoder,
                            vector_dtype=vector_dtype, fault=fault)


def recover(settings: Settings, store: IndexStore) -> None:
    """Finish or forget an operation a crash interrupted. Call under the writer lock.

    A half-written version directory is removed. A registry change journalled for a version
    that did get published is written (roll forward); one for a version that did not is
    dropped (the old registry and the old version stay, consistent).
    """
    store.clean_partial()
    pending = store.pending()
    if pending is None:
        return
    if store.current() == pending["version"]:
        atomic_write(settings.data_dir / REGISTRY_FILE, pending["registry"].encode("utf-8"))
    store.clear_pending()


def build_locked(
    settings: Settings,
    store: IndexStore,
    sources: list[Source],
    *,
    progress: bool = False,
    encoder: Encoder | None = None,
    vector_dtype: str = VECTOR_DTYPE,
    fault: str | None = None,
    registry_changed: bool = False,
) -> BuildReport:
    """Build a version of ``sources`` and publish it; the caller holds the lock.

    With ``registry_changed``, ``sources`` differ from ``sources.yaml``: the new registry is
    journalled before the switch and written after it, so a crash leaves either the old
    version and registry or the new ones.
    """
    from .model import load_embedder  # heavy import, only when building

    t0 = time.perf_counter()
    speakers = load_speakers(settings.data_dir)
    encoder = encoder or load_embedder(settings.model, settings.cache_dir)

    passages: list[Passage] = []
    paragraphs: list[dict] = []
    events: list[dict] = []
    infos = []
    sources_by_id = {source.id: source.text for source in sources}
    for source in sources:
        src_passages, src_events, src_paras = build_passages(source, speakers)
        src_passages = apply_corrections(src_passages, source.corrections, speakers)
        src_paras = correct_paragraphs(src_paras, source.corrections, speakers)
        passages += src_passages
        events += [asdict(e) for e in src_events]
        paragraphs += [{"source_id": source.id, "number": p.number, "start": p.start, "end": p.end,
                        "text_hash": text_hash(_contextual(p)), "context": p.context, "date": p.date,
                        "speaker": p.speaker, "role": p.role,
                        "occasion": p.occasion, "event": p.event}
                       for p in src_paras]
        infos.append({**asdict(source.info), "passages": len(src_passages), "paragraphs": len(src_paras)})

    hashes = [text_hash(p.text) for p in passages]
    previous = _previous_vectors(store, encoder.fingerprint, _encoder_record(encoder))
    vectors, embedded = _embed(encoder, [p.text for p in passages], hashes, previous, progress)
    para_texts = [_contextual_text(p["context"], sources_by_id[p["source_id"]][p["start"]:p["end"]])
                  for p in paragraphs]
    para_vectors, para_embedded = _embed(encoder, para_texts, [p["text_hash"] for p in paragraphs], previous,
                                         progress)
    _maybe_crash(fault, "embedded")

    version = new_version_id()
    staging = store.staging_dir(version)
    write_jsonl(staging / "passages.jsonl",
                [{**p.to_dict(), "text_hash": h} for p, h in zip(passages, hashes, strict=True)])
    write_jsonl(staging / "paragraphs.jsonl", paragraphs)
    write_json(staging / "events.json", events)
    (staging / "texts").mkdir()
    for source in sources:
        (staging / "texts" / f"{source.id}.txt").write_text(source.text, encoding="utf-8")
    registry_text = registry_yaml(list(sources))
    (staging / "sources.yaml").write_text(registry_text, encoding="utf-8")
    shutil.copyfile(settings.data_dir / SPEAKERS_FILE, staging / "speakers.yaml")
    vindex = VectorIndex.build(vectors)
    vindex.save(staging, dtype=vector_dtype)
    np.save(staging / "paragraph_vectors.npy", para_vectors.astype(vector_dtype))
    offtopic = load_offtopic()
    np.save(staging / "offtopic_vectors.npy", encoder.encode_queries(offtopic).astype(np.float32))
    _maybe_crash(fault, "vectors_written")
    (staging / "bm25").mkdir()
    LexicalIndex.build([p.text for p in passages]).save(staging / "bm25")
    (staging / "bm25_paragraphs").mkdir()
    LexicalIndex.build(para_texts).save(staging / "bm25_paragraphs")
    stored = np.load(staging / "vectors.npy")
    corpus_hash = hashlib.sha256(
        json.dumps(sorted((i["id"], i["sha256"]) for i in infos)).encode()
        + (settings.data_dir / SPEAKERS_FILE).read_bytes()
    ).hexdigest()
    manifest = {
        "format": FORMAT,
        "version": version,
        "parent": store.current(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": {"name": encoder.name, "fingerprint": encoder.fingerprint, "dim": encoder.dim},
        "encoder": _encoder_record(encoder),
        "vectors": {"dtype": vector_dtype, "sha256": vectors_checksum(stored), "count": len(stored),
                    "faiss": type(vindex.index).__name__},
        "corpus_hash": corpus_hash,
        "offtopic_hash": offtopic_hash(offtopic),
        "passage_count": len(passages),
        "paragraph_count": len(paragraphs),
        "sources": infos,
        "embedded": embedded + para_embedded,
        "reused": len(passages) + len(paragraphs) - embedded - para_embedded,
    }
    write_json(staging / "manifest.json", manifest)
    if registry_changed:
        store.set_pending({"version": version, "registry": registry_text})
    _maybe_crash(fault, "before_switch")
    store.publish(staging, version)
    _maybe_crash(fault, "after_switch")
    if registry_changed:
        atomic_write(settings.data_dir / REGISTRY_FILE, registry_text.encode("utf-8"))
        store.clear_pending()
    store.prune()
    return BuildReport(version, len(passages), len(sources), manifest["embedded"], manifest["reused"],
                       time.perf_counter() - t0, store.version_dir(version))


def _maybe_crash(fault: str | None, step: str) -> None:
    if fault == step:
        os._exit(137)
