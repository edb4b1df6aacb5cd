"""Hybrid search over one published index version, and the :class:`Engine` callers use.

Ranking: exact cosine of the e5 query vector against each candidate passage, plus a
weighted BM25 term (normalised by the best lexical score) and a small boost for the
speaker the question names. Dates in the question are a hard filter. Passages are grouped
per paragraph into answer hits. The engine declines (``answered=False``) when the best
dense score is below a threshold calibrated on this model (see ``docs/passages.md``).
"""

from __future__ import annotations

import bisect
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .config import Settings
from .lexical import LexicalIndex, coverage, tokenize
from .lexicon import load_lexicon
from .query import BadQuery, Intent, clean, parse
from .sources import Speakers, load_speakers
from .store import IndexStore, Manifest, read_jsonl
from .types import Answer, Event, Hit, Passage, SourceInfo
from .vectors import VectorIndex

log = logging.getLogger("quotebot.search")
OFFTOPIC = Path(__file__).with_name("offtopic.yaml")


def load_offtopic() -> list[str]:
    """Generic off-topic questions: the negative class of the abstention check."""
    return [str(q) for q in yaml.safe_load(OFFTOPIC.read_text(encoding="utf-8"))["questions"]]


@dataclass(frozen=True)
class Tuning:
    """Ranking and abstention constants, calibrated on multilingual-e5-small."""

    candidates: int = 64  # dense and lexical candidates each, before fusion
    lexical_weight: float = 0.06  # BM25 (normalised to the best hit) added to cosine
    speaker_boost: float = 0.02
    min_dense: float = 0.78  # below this best cosine, always decline
    offtopic_margin: float = -0.01  # best cosine minus best off-topic anchor similarity must reach this ...
    min_lexical_tokens: int = 2  # ... unless this many query words (and ...
    min_lexical_share: float = 0.6  # ... this share of them) occur together in one top BM25 passage
    keep_within: float = 0.12  # hits further below the best than this are not shown
    max_hits: int = 12
    paragraph_chars: int = 700  # paragraphs up to this long are shown whole


@dataclass
class LoadedVersion:
    """Everything one index version needs at query time (immutable once loaded)."""

    manifest: Manifest
    passages: list[Passage]
    vectors: VectorIndex
    lexical: LexicalIndex
    speakers: Speakers
    events: list[Event]
    sources: dict[str, SourceInfo]
    paragraphs: dict[tuple[str, int], tuple[int, int]]
    texts: dict[str, str]
    by_date: list[tuple[str, int]] = field(default_factory=list)  # (iso, passage row), sorted

    @classmethod
    def load(cls, store: IndexStore, version: str, data_dir: Path) -> LoadedVersion:
        vdir = store.version_dir(version)
        manifest = store.manifest(version)
        rows = read_jsonl(vdir / "passages.jsonl")
        passages = [Passage(**{k: v for k, v in r.items() if k != "text_hash"}) for r in rows]
        vectors = VectorIndex.load(vdir)
        lexical = LexicalIndex.load(vdir / "bm25", len(passages))
        speakers = load_speakers(vdir) if (vdir / "speakers.yaml").is_file() else load_speakers(data_dir)
        events = [Event(**{**e, "paragraphs": tuple(e["paragraphs"])})
                  for e in json.loads((vdir / "events.json").read_text(encoding="utf-8"))]
        fields = set(SourceInfo.__dataclass_fields__)
        sources = {s["id"]: SourceInfo(**{k: v for k, v in s.items() if k in fields})
                   for s in manifest.raw["sources"]}
        paragraphs = {(p["source_id"], p["number"]): (p["start"], p["end"])
                      for p in read_jsonl(vdir / "paragraphs.jsonl")}
        texts = {sid: (vdir / "texts" / f"{sid}.txt").read_text(encoding="utf-8") for sid in sources}
        by_date = sorted((p.date, i) for i, p in enumerate(passages) if p.date)
        return cls(manifest, passages, vectors, lexical, speakers, events, sources, paragraphs, texts, by_date)

    def rows_in_range(self, start: str, end: str) -> np.ndarray:
        keys = [d for d, _ in self.by_date]
        lo = bisect.bisect_left(keys, start)
        hi = bisect.bisect_right(keys, end)
        return np.asarray([row for _, row in self.by_date[lo:hi]], dtype=np.int64)

    def paragraph_text(self, source_id: str, number: int) -> str | None:
        span = self.paragraphs.get((source_id, number))
        text = self.texts.get(source_id)
        if span is None or text is None:
            return None
        return text[span[0]:span[1]]


class Engine:
    """The public entry point: open the published index, ask questions, browse the corpus."""

    def __init__(self, settings: Settings, embedder: Any, tuning: Tuning | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self.store = IndexStore(settings.index_dir)
        self._lock = threading.Lock()
        self._loaded: LoadedVersion | None = None
        self._opened_at = time.time()
        self._lexicon = load_lexicon()
        self._offtopic = np.asarray(embedder.encode_queries(load_offtopic()), dtype=np.float32)

    @classmethod
    def open(cls, settings: Settings, *, embedder: Any = None, tuning: Tuning | None = None) -> Engine:
        """Load the published version; raises IndexMissingError, ManifestMismatchError, ModelMissingError."""
        store = IndexStore(settings.index_dir)
        version = store.require_current()
        manifest = store.manifest(version)
        if embedder is None:
            from .model import load_embedder

            manifest.check_model(settings.model, None)
            embedder = load_embedder(settings.model, settings.cache_dir)
        manifest.check_model(embedder.name, embedder.fingerprint)
        engine = cls(settings, embedder, tuning)
        engine._loaded = LoadedVersion.load(store, version, settings.data_dir)
        return engine

    # -- versions -------------------------------------------------------------------------

    @property
    def loaded(self) -> LoadedVersion:
        assert self._loaded is not None
        return self._loaded

    @property
    def version(self) -> str:
        return self.loaded.manifest.version

    def reload_if_changed(self) -> bool:
        """Switch to the published version if it changed. Questions in flight keep the old one."""
        current = self.store.current()
        if not current or current == self.version:
            return False
        with self._lock:
            if current == self.version:
                return False
            manifest = self.store.manifest(current)
            manifest.check_model(self.embedder.name, self.embedder.fingerprint)
            self._loaded = LoadedVersion.load(self.store, current, self.settings.data_dir)
            log.info("index reloaded: version %s, %d passages", current, len(self._loaded.passages))
            return True

    # -- questions ------------------------------------------------------------------------

    def ask(self, question: str, *, top_k: int | None = None, offset: int = 0) -> Answer:
        t0 = time.perf_counter()
        top_k = top_k or self.settings.top_k
        state = self.loaded  # one version for the whole question
        try:
            text = clean(question, self.settings.max_query_chars)
        except BadQuery as exc:
            return Answer(query=question if isinstance(question, str) else "", answered=False, reason=exc.reason)
        intent = parse(text, state.speakers)
        hits, reason = self._rank(state, intent)
        answered = bool(hits) and reason is None
        answer = Answer(
            query=text, answered=answered, hits=hits[offset:offset + top_k] if answered else [],
            total=len(hits) if answered else 0, reason=reason,
            date_filter=intent.date_range.label if intent.date_range else None, speaker_filter=intent.speaker,
        )
        log.info("question answered=%s hits=%d reason=%s ms=%.1f", answered, answer.total, reason,
                 (time.perf_counter() - t0) * 1000)
        return answer

    def _candidates(self, state: LoadedVersion, intent: Intent, qvec: np.ndarray,
                    lex_scores: np.ndarray) -> np.ndarray:
        n = self.tuning.candidates
        if intent.date_range is not None:
            rows = state.rows_in_range(intent.date_range.start, intent.date_range.end)
            if len(rows):
                return rows
        if intent.month_day is not None:
            m, d = intent.month_day
            suffix = f"-{m:02d}-{d:02d}"
            rows = np.asarray([i for _, i in state.by_date if state.passages[i].date.endswith(suffix)], np.int64)
            if len(rows):
                return rows
        _, dense_ids = state.vectors.search(qvec, n)
        lex_ids = np.argsort(-lex_scores)[:n] if lex_scores.any() else np.zeros(0, np.int64)
        lex_ids = lex_ids[lex_scores[lex_ids] > 0]
        ids = np.unique(np.concatenate([dense_ids.astype(np.int64), lex_ids.astype(np.int64)]))
        if intent.date_range is not None:
            # a period with no events: only passages that mention its year can answer ("санкции 1992 года")
            year = intent.date_range.start[:4]
            ids = np.asarray([i for i in ids if year in state.passages[i].text], dtype=np.int64)
        return ids

    def _rank(self, state: LoadedVersion, intent: Intent) -> tuple[list[Hit], str | None]:
        t = self.tuning
        qvec = np.asarray(self.embedder.encode_queries([intent.text])[0], dtype=np.float32)
        groups = state.lexical.expand_all(intent.tokens)
        lex_all = state.lexical.scores([tok for g in groups for tok in g])
        ids = self._candidates(state, intent, qvec, lex_all)
        if len(ids) == 0:
            return [], "not_covered"
        dense = state.vectors.score_subset(qvec, ids)
        lex = lex_all[ids]
        lex_max = float(lex_all.max()) if lex_all.size else 0.0
        lex_norm = lex / lex_max if lex_max > 0 else np.zeros_like(lex)
        fused = dense + t.lexical_weight * lex_norm
        if intent.speaker:
            fused += t.speaker_boost * np.asarray(
                [state.passages[i].speaker == intent.speaker for i in ids], dtype=np.float32)
        order = np.argsort(-fused)
        if not self._covered(state, intent, qvec, float(dense.max()), lex_all, groups, ids):
            return [], "not_covered"
        return self._group(state, ids, fused, order), None

    def _covered(self, state: LoadedVersion, intent: Intent, qvec: np.ndarray, best_dense: float,
                 lex_all: np.ndarray, groups: list[list[str]], ids: np.ndarray) -> bool:
        """Abstention: is the best passage about the question at all?"""
        t = self.tuning
        if intent.date_range is not None:
            in_period = state.rows_in_range(intent.date_range.start, intent.date_range.end)
            if len(in_period):
                return True  # the question names a period the corpus has events in
        if intent.month_day is not None:
            return True
        if best_dense < t.min_dense:
            return False
        offtopic = float((self._offtopic @ qvec).max()) if len(self._offtopic) else 0.0
        if best_dense - offtopic >= t.offtopic_margin:
            return True
        return self._lexically_covered(state, lex_all, groups)

    def _lexically_covered(self, state: LoadedVersion, lex_all: np.ndarray, groups: list[list[str]]) -> bool:
        t = self.tuning
        if len(groups) < t.min_lexical_tokens or not lex_all.any():
            return False
        need = max(t.min_lexical_tokens, int(np.ceil(t.min_lexical_share * len(groups))))
        for row in np.argsort(-lex_all)[:5]:
            if lex_all[row] <= 0:
                break
            if coverage(groups, set(tokenize(state.passages[row].text))) >= need:
                return True
        return False

    def _group(self, state: LoadedVersion, ids: np.ndarray, fused: np.ndarray, order: np.ndarray) -> list[Hit]:
        """One hit per paragraph: the best passage, widened to the whole paragraph when short,
        else merged with its adjacent passages that also ranked close to it."""
        t = self.tuning
        best_score = float(fused[order[0]])
        score_of = {int(ids[j]): float(fused[j]) for j in range(len(ids))}
        seen: set[tuple[str, int]] = set()
        hits: list[Hit] = []
        for j in order:
            row = int(ids[j])
            p = state.passages[row]
            key = (p.source_id, p.paragraph)
            if key in seen:
                continue
            score = float(fused[j])
            if score < best_score - t.keep_within or len(hits) >= t.max_hits:
                break
            seen.add(key)
            hits.append(self._hit(state, row, score, score_of))
        return hits

    def _hit(self, state: LoadedVersion, row: int, score: float, score_of: dict[int, float]) -> Hit:
        p = state.passages[row]
        span = state.paragraphs.get((p.source_id, p.paragraph), (p.start, p.end))
        rows = [row]
        if span[1] - span[0] <= self.tuning.paragraph_chars:
            rows = [i for i in self._paragraph_rows(state, row)]
        else:
            for step in (-1, 1):  # grow while neighbours of the same paragraph ranked close
                i = row + step
                while 0 <= i < len(state.passages) and state.passages[i].paragraph == p.paragraph \
                        and state.passages[i].source_id == p.source_id \
                        and score_of.get(i, -1.0) >= score - self.tuning.keep_within / 2:
                    rows.append(i)
                    i += step
            rows.sort()
        first, last = state.passages[rows[0]], state.passages[rows[-1]]
        text = state.texts[p.source_id][first.start:last.end]
        src = state.sources.get(p.source_id)
        speaker = state.speakers.get(p.speaker)
        kinds = {state.passages[i].kind for i in rows}
        return Hit(
            passage_ids=tuple(state.passages[i].id for i in rows), text=text, date=p.date, speaker=p.speaker,
            speaker_name=dict(speaker.name) if speaker else {}, occasion=p.occasion,
            kind="quote" if "quote" in kinds else p.kind, source_id=p.source_id,
            source_title=src.title if src else p.source_id, source_url=src.url if src else None,
            paragraphs=(p.paragraph,), score=round(score, 4),
        )

    @staticmethod
    def _paragraph_rows(state: LoadedVersion, row: int) -> list[int]:
        p = state.passages[row]
        lo = row
        while lo > 0 and state.passages[lo - 1].paragraph == p.paragraph \
                and state.passages[lo - 1].source_id == p.source_id:
            lo -= 1
        hi = row
        while hi + 1 < len(state.passages) and state.passages[hi + 1].paragraph == p.paragraph \
                and state.passages[hi + 1].source_id == p.source_id:
            hi += 1
        return list(range(lo, hi + 1))

    # -- browsing -------------------------------------------------------------------------

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self.loaded.passages if p.id == passage_id), None)

    def paragraph(self, source_id: str, number: int) -> str | None:
        return self.loaded.paragraph_text(source_id, number)

    def timeline(self) -> list[Event]:
        return sorted(self.loaded.events, key=lambda e: (e.date, e.source_id, e.index))

    def sources(self) -> list[SourceInfo]:
        return list(self.loaded.sources.values())

    def source(self, source_id: str) -> SourceInfo | None:
        return self.loaded.sources.get(source_id)

    def speaker_name(self, speaker_id: str | None, lang: str) -> str:
        sp = self.loaded.speakers.get(speaker_id)
        if not sp:
            return ""
        return sp.name.get(lang) or sp.name.get("en") or sp.id

    def occasion_name(self, occasion: str, lang: str) -> str:
        return self._lexicon.occasion_name(occasion, lang)

    def status(self) -> dict[str, Any]:
        m = self.loaded.manifest.raw
        return {
            "version": m["version"], "built_at": m["built_at"], "model": m["model"]["name"],
            "passages": m["passage_count"], "sources": len(m["sources"]), "events": len(self.loaded.events),
            "faiss": m["vectors"].get("faiss"), "uptime_s": round(time.time() - self._opened_at),
            "parent": m.get("parent"),
        }

