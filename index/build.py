"""Building an index version: sources → passages → vectors + BM25 → published directory.

Incremental: vectors of passages whose text hash and model fingerprint are unchanged are
copied from the current version instead of being re-embedded.

Publishing is the switch of ``CURRENT``. What comes before it (staging, journal, fsync, rename)
may fail and changes nothing a reader sees; what comes after it (the registry, the journal's
removal, pruning) is completed here or, if that fails, by the next writer's :func:`recover`, and
never turns a published change into a reported failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .config import Settings
from .corpus.corrections import apply_corrections, correct_paragraphs
from .corpus.passages import build_passages
from .corpus.sources import (
    REGISTRY_FILE,
    SPEAKERS_FILE,
    Source,
    atomic_write,
    load_sources,
    load_speakers,
    registry_yaml,
)
from .errors import IndexCorruptError
from .search.lexical import LexicalIndex
from .search.offtopic import load_offtopic, offtopic_hash
from .search.vectors import VectorIndex
from .store import faults
from .store.auditlog import append as append_audit
from .store.auditlog import append_once as append_audit_once
from .store.auditlog import entry as audit_entry
from .store.versions import (
    FORMAT,
    MANIFEST,
    IndexStore,
    file_checksums,
    new_version_id,
    read_jsonl,
    same_encoder,
    vectors_checksum,
    write_json,
    write_jsonl,
)
from .types import Passage

#: How vectors.npy and paragraph_vectors.npy are stored. float16 by measurement
#: (bench/bench_scale.py, docs/performance.md): hit@3 identical to float32 on the shared and dev
#: questions, at most 4e-5 of cosine difference, half the disk and page cache (~130 MB less RSS at
#: 100k passages). The FAISS index keeps its own float32 copy for search and exact scoring.
VECTOR_DTYPE = "float16"

log = logging.getLogger("quotebot.build")


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
    #: Steps after the switch that failed and were left to the next writer's recovery (the
    #: version is published all the same); empty when everything completed.
    warnings: tuple[str, ...] = ()


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
        manifest = store.verify(version)  # never carry a damaged vector into a new version
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
    except IndexCorruptError as exc:
        log.warning("not reusing vectors of the current version: %s", exc)
        return {}
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


def ensure_index(settings: Settings, *, progress: bool = False) -> BuildReport | None:
    """Build the first index version unless one is published by the time the lock is ours (a
    reader that found no index must not build a second one behind a writer that is building)."""
    store = IndexStore(settings.index_dir)
    with store.lock(wait=600.0):
        recover(settings, store)
        current = store.current()
        if current and (store.version_dir(current) / MANIFEST).is_file():
            return None
        return build_locked(settings, store, load_sources(settings.data_dir), progress=progress)


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
        if pending.get("registry") is not None:
            atomic_write(settings.data_dir / REGISTRY_FILE, pending["registry"].encode("utf-8"), "registry")
        if isinstance(pending.get("audit"), dict):
            append_audit_once(settings, pending["audit"])
        log.info("recovered: the registry and audit entry of published version %s are written", pending["version"])
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
    audit: tuple[str | int | None, str, str | None] | None = None,
    audit_note: str | None = None,
) -> BuildReport:
    """Build a version of ``sources`` and publish it; the caller holds the lock.

    With ``registry_changed``, ``sources`` differ from ``sources.yaml``: the new registry is
    journalled before the switch and written after it, so a crash leaves either the old
    version and registry or the new ones. ``audit`` (user, action, source id) is journalled the
    same way and appended to the audit log after the switch ("ok: version …").
    """
    from .embedding.model import embedder_for  # heavy import, only when building

    t0 = time.perf_counter()
    speakers = load_speakers(settings.data_dir)
    encoder = encoder or embedder_for(settings)

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
    try:
        registry_text, manifest = _write_version(settings, store, staging, version, sources, passages, hashes,
                                                 paragraphs, events, infos, vectors, para_vectors, para_texts,
                                                 encoder, vector_dtype, embedded + para_embedded, fault)
        result = f"ok: {audit_note}; version {version}" if audit_note else f"ok: version {version}"
        record = None if audit is None else audit_entry(*audit, result, version)
        if registry_changed or record is not None:
            store.set_pending({"version": version, "registry": registry_text if registry_changed else None,
                               "audit": record})
        _maybe_crash(fault, "before_switch")
        store.publish(staging, version)
    except Exception:
        if store.current() != version:  # not published: leave nothing behind
            _abandon(store, staging, version)
            raise
        log.warning("version %s is published, but a step after its switch failed", version, exc_info=True)
    _maybe_crash(fault, "after_switch")
    # CURRENT is switched: the change is published, whatever fails from here on
    warnings = finish_publish(settings, store, registry_text if registry_changed else None, record)
    return BuildReport(version, len(passages), len(sources), manifest["embedded"], manifest["reused"],
                       time.perf_counter() - t0, store.version_dir(version), tuple(warnings))


def _write_version(settings: Settings, store: IndexStore, staging: Path, version: str, sources: list[Source],
                   passages: list[Passage], hashes: list[str], paragraphs: list[dict], events: list[dict],
                   infos: list[dict], vectors: np.ndarray, para_vectors: np.ndarray, para_texts: list[str],
                   encoder: Encoder, vector_dtype: str, embedded: int,
                   fault: str | None) -> tuple[str, dict]:
    """Write every file of ``version`` into ``staging``, the manifest (with each file's sha256)
    last; returns the registry text and the manifest."""
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
    faults.point("staging.texts")
    vindex = VectorIndex.build(vectors)
    vindex.save(staging, dtype=vector_dtype)
    np.save(staging / "paragraph_vectors.npy", para_vectors.astype(vector_dtype))
    offtopic = load_offtopic()
    np.save(staging / "offtopic_vectors.npy", encoder.encode_queries(offtopic).astype(np.float32))
    faults.point("staging.vectors")
    _maybe_crash(fault, "vectors_written")
    (staging / "bm25").mkdir()
    LexicalIndex.build([p.text for p in passages]).save(staging / "bm25")
    (staging / "bm25_paragraphs").mkdir()
    LexicalIndex.build(para_texts).save(staging / "bm25_paragraphs")
    faults.point("staging.bm25")
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
        "embedded": embedded,
        "reused": len(passages) + len(paragraphs) - embedded,
        "files": file_checksums(staging),
    }
    write_json(staging / MANIFEST, manifest)
    faults.point("staging.manifest")
    return registry_text, manifest


def _abandon(store: IndexStore, staging: Path, version: str) -> None:
    """Undo what a failed, unpublished build left (best effort: the next writer's recovery
    removes whatever this cannot)."""
    with contextlib.suppress(OSError):
        shutil.rmtree(staging, ignore_errors=True)
        if (store.pending() or {}).get("version") == version:
            store.clear_pending()


def finish_publish(settings: Settings, store: IndexStore, registry_text: str | None,
                   record: dict[str, Any] | None = None) -> list[str]:
    """After ``CURRENT`` switched: write the registry and the audit entry, drop the journal,
    prune. A failure is logged and returned, never raised: the version is published, and what is
    left unfinished (the journal stays) is completed by the next writer's :func:`recover`."""
    warnings = []
    done = True
    if registry_text is not None:
        try:
            atomic_write(settings.data_dir / REGISTRY_FILE, registry_text.encode("utf-8"), "registry")
        except OSError as exc:
            log.error("published, but the registry could not be written (%s); the next writer completes it", exc)
            warnings.append(f"registry: {exc}")
            done = False
    if record is not None:
        try:
            append_audit(settings, record)
        except OSError as exc:
            log.error("published, but the audit log could not be written (%s); the next writer completes it", exc)
            warnings.append(f"audit: {exc}")
            done = False
    if done and (registry_text is not None or record is not None):
        try:
            store.clear_pending()
        except OSError as exc:  # the journal stays: recovery finds the work done and drops it
            log.error("published, but the journal could not be removed (%s)", exc)
            warnings.append(f"journal: {exc}")
    try:
        store.prune()
    except (OSError, ValueError, KeyError) as exc:
        log.error("published, but old versions could not be pruned (%s); the next writer retries", exc)
        warnings.append(f"prune: {exc}")
    return warnings


def _maybe_crash(fault: str | None, step: str) -> None:
    if fault == step:
        os._exit(137)
