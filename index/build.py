"""Building an index version: sources → passages → vectors + BM25 → published directory.

Incremental: vectors of passages whose text hash and model fingerprint are unchanged are
copied from the current version instead of being re-embedded.

The files of a version are laid out by :class:`index.store.version.IndexVersion`; the lock,
recovery and what follows the switch of ``CURRENT`` by :mod:`index.store.writer`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import numpy as np

from .config import Settings
from .corpus.corrections import apply_corrections, correct_paragraphs
from .corpus.passages import build_passages
from .corpus.sources import SPEAKERS_FILE, Source, load_sources, load_speakers, registry_yaml
from .errors import IndexCorruptError, IndexFormatError, IndexMissingError, ManifestMismatchError
from .search.lexical import LexicalIndex
from .search.offtopic import load_offtopic, offtopic_hash
from .search.vectors import VectorIndex
from .store.auditlog import entry as audit_entry
from .store.checksums import sha256_bytes, sha256_text
from .store.version import IndexVersion, VersionContent
from .store.versions import IndexStore, new_version_id, same_encoder
from .store.writer import Audit, finish_publish, recover, writing
from .types import Passage

if TYPE_CHECKING:
    from .search.engine import Engine

__all__ = [
    "VECTOR_DTYPE",
    "BuildReport",
    "Encoder",
    "build_index",
    "build_locked",
    "ensure_index",
    "finish_publish",
    "open_engine",
    "recover",
    "text_hash",
]

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
    return sha256_text(text)[:24]


def _encoder_record(encoder: Encoder) -> dict[str, str]:
    return getattr(encoder, "encoder", None) or {
        "format": "torch",
        "quantisation": "none",
        "checksum": encoder.fingerprint,
    }


def _previous_vectors(store: IndexStore, fingerprint: str, record: dict[str, str]) -> dict[str, np.ndarray]:
    """Map text hash → vector from the current version, when built with the same model and encoder."""
    version = store.current()
    if not version:
        return {}
    try:
        manifest = store.verify(version)  # never carry a damaged vector into a new version
        if manifest.model_fingerprint != fingerprint or not same_encoder(manifest.encoder, record):
            return {}
        return store.open(version, manifest).reusable_vectors()
    except (IndexCorruptError, IndexFormatError) as exc:
        log.warning("not reusing vectors of the current version: %s", exc)
        return {}
    except (OSError, ValueError, KeyError):
        return {}


def _embed(
    encoder: Encoder, texts: list[str], hashes: list[str], previous: dict[str, np.ndarray], progress: bool
) -> tuple[np.ndarray, int]:
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
) -> BuildReport:
    """Build and publish a new index version of the corpus registered in ``settings.data_dir``."""
    with writing(settings) as store:
        return build_locked(
            settings,
            store,
            load_sources(settings.data_dir),
            progress=progress,
            encoder=encoder,
            vector_dtype=vector_dtype,
        )


def open_engine(settings: Settings, *, progress: bool = False, notice: TextIO | None = None) -> Engine:
    """The engine on the published version; the first version is built once if there is none
    (a build another process is running is waited for, not repeated). ``notice`` is told so."""
    from .search.engine import Engine

    try:
        return Engine.open(settings)
    except IndexMissingError:
        if notice is not None:
            print(
                f"No index in {settings.index_dir} yet: building it once (`quotebot index build`)…",
                file=notice,
                flush=True,
            )
        ensure_index(settings, progress=progress)
        return Engine.open(settings)
    except ManifestMismatchError as exc:
        # e.g. an upgrade changed the default encoder: the corpus is intact, so its index is built
        # again once with what is configured; the old version stays (`quotebot index rollback`)
        if notice is not None:
            print(f"{exc}\nBuilding it again once with the configured model and encoder…", file=notice, flush=True)
        ensure_index(settings, progress=progress, configured=True)
        return Engine.open(settings)


def _serves_configured(settings: Settings, store: IndexStore) -> bool:
    """Whether the published version was built with the configured model and encoder."""
    from .embedding.model import embedder_for

    embedder = embedder_for(settings)
    try:
        store.manifest(store.require_current()).check_model(embedder.name, embedder.fingerprint, embedder.encoder)
    except (ManifestMismatchError, IndexMissingError):
        return False
    return True


def ensure_index(settings: Settings, *, progress: bool = False, configured: bool = False) -> BuildReport | None:
    """Build the first index version unless one is published by the time the lock is ours (a
    reader that found no index must not build a second one behind a writer that is building);
    with ``configured``, unless the published one was built with the configured model and encoder."""
    with writing(settings, wait=600.0) as store:
        published = bool(store.versions()) and store.current() in store.versions()
        if published and (not configured or _serves_configured(settings, store)):
            return None
        return build_locked(settings, store, load_sources(settings.data_dir), progress=progress)


def build_locked(
    settings: Settings,
    store: IndexStore,
    sources: list[Source],
    *,
    progress: bool = False,
    encoder: Encoder | None = None,
    vector_dtype: str = VECTOR_DTYPE,
    registry_changed: bool = False,
    audit: Audit | None = None,
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
    paragraphs: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    infos = []
    sources_by_id = {source.id: source.text for source in sources}
    for source in sources:
        src_passages, src_events, src_paras = build_passages(source, speakers)
        src_passages = apply_corrections(src_passages, source.corrections, speakers)
        src_paras = correct_paragraphs(src_paras, source.corrections, speakers)
        passages += src_passages
        events += [asdict(e) for e in src_events]
        paragraphs += [
            {
                "source_id": source.id,
                "number": p.number,
                "start": p.start,
                "end": p.end,
                "text_hash": text_hash(_contextual(p)),
                "context": p.context,
                "date": p.date,
                "speaker": p.speaker,
                "role": p.role,
                "occasion": p.occasion,
                "event": p.event,
            }
            for p in src_paras
        ]
        infos.append({**asdict(source.info), "passages": len(src_passages), "paragraphs": len(src_paras)})

    hashes = [text_hash(p.text) for p in passages]
    previous = _previous_vectors(store, encoder.fingerprint, _encoder_record(encoder))
    vectors, embedded = _embed(encoder, [p.text for p in passages], hashes, previous, progress)
    para_texts = [
        _contextual_text(p["context"], sources_by_id[p["source_id"]][p["start"] : p["end"]]) for p in paragraphs
    ]
    para_vectors, para_embedded = _embed(encoder, para_texts, [p["text_hash"] for p in paragraphs], previous, progress)

    version = new_version_id()
    staging = store.staging_dir(version)
    try:
        registry_text, manifest = _write_version(
            settings,
            store,
            staging,
            version,
            sources,
            passages,
            hashes,
            paragraphs,
            events,
            infos,
            vectors,
            para_vectors,
            para_texts,
            encoder,
            vector_dtype,
            embedded + para_embedded,
        )
        result = f"ok: {audit_note}; version {version}" if audit_note else f"ok: version {version}"
        record = None if audit is None else audit_entry(*audit, result, version)
        if registry_changed or record is not None:
            store.set_pending(
                {"version": version, "registry": registry_text if registry_changed else None, "audit": record}
            )
        store.publish(staging, version)
    except Exception:
        if store.current() != version:  # not published: leave nothing behind
            _abandon(store, staging, version)
            raise
        log.warning("version %s is published, but a step after its switch failed", version, exc_info=True)
    # CURRENT is switched: the change is published, whatever fails from here on
    warnings = finish_publish(settings, store, registry_text if registry_changed else None, record)
    return BuildReport(
        version,
        len(passages),
        len(sources),
        manifest["embedded"],
        manifest["reused"],
        time.perf_counter() - t0,
        store.version_dir(version),
        tuple(warnings),
    )


def _write_version(
    settings: Settings,
    store: IndexStore,
    staging: Path,
    version: str,
    sources: list[Source],
    passages: list[Passage],
    hashes: list[str],
    paragraphs: list[dict[str, Any]],
    events: list[dict[str, Any]],
    infos: list[dict[str, Any]],
    vectors: np.ndarray,
    para_vectors: np.ndarray,
    para_texts: list[str],
    encoder: Encoder,
    vector_dtype: str,
    embedded: int,
) -> tuple[str, dict[str, Any]]:
    """Write ``version`` into ``staging`` (:meth:`IndexVersion.write`); returns the registry text
    and the manifest."""
    registry_text = registry_yaml(list(sources))
    speakers = (settings.data_dir / SPEAKERS_FILE).read_bytes()
    offtopic = load_offtopic()
    content = VersionContent(
        passages=[{**p.to_dict(), "text_hash": h} for p, h in zip(passages, hashes, strict=True)],
        paragraphs=paragraphs,
        events=events,
        texts={source.id: source.text for source in sources},
        registry=registry_text,
        speakers=speakers,
        vectors=VectorIndex.build(vectors),
        paragraph_vectors=para_vectors,
        offtopic_vectors=encoder.encode_queries(offtopic),
        lexical=LexicalIndex.build([p.text for p in passages]),
        paragraph_lexical=LexicalIndex.build(para_texts),
        vector_dtype=vector_dtype,
    )
    corpus_hash = sha256_bytes(json.dumps(sorted((i["id"], i["sha256"]) for i in infos)).encode() + speakers)
    written = IndexVersion.write(
        staging,
        content,
        {
            "version": version,
            "parent": store.current(),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": {"name": encoder.name, "fingerprint": encoder.fingerprint, "dim": encoder.dim},
            "encoder": _encoder_record(encoder),
            "corpus_hash": corpus_hash,
            "offtopic_hash": offtopic_hash(offtopic),
            "passage_count": len(passages),
            "paragraph_count": len(paragraphs),
            "sources": infos,
            "embedded": embedded,
            "reused": len(passages) + len(paragraphs) - embedded,
        },
    )
    return registry_text, written.manifest


def _abandon(store: IndexStore, staging: Path, version: str) -> None:
    """Undo what a failed, unpublished build left (best effort: the next writer's recovery
    removes whatever this cannot)."""
    with contextlib.suppress(OSError):
        shutil.rmtree(staging, ignore_errors=True)
        if (store.pending() or {}).get("version") == version:
            store.clear_pending()
