"""Hybrid search over one published index version, and the :class:`Engine` callers use.

Ranking: exact cosine of the e5 query vector against each candidate passage, plus a
weighted BM25 term (normalised by the best lexical score) and a small boost for the
speaker the question names. Dates in the question are a hard filter. Passages are grouped
per paragraph into answer hits. The engine declines (``answered=False``) when the best
dense score is below a threshold calibrated on this model (see ``docs/passages.md``).
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..corpus.lexicon import load_lexicon
from ..corpus.sources import LANGUAGES, Speakers, load_speakers
from ..errors import IndexCorruptError, ManifestMismatchError
from ..store.reader import READ_WAIT, open_current
from ..store.versions import IndexStore, Manifest
from ..types import Answer, Event, Hit, Passage, SourceInfo
from .lexical import LexicalIndex, coverage, name_token, stem, tokenize
from .offtopic import load_offtopic, offtopic_hash
from .passage_table import PassageTable
from .query import BadQuery, Intent, clean, parse
from .vectors import VectorIndex

log = logging.getLogger("quotebot.search")
QUERY_CACHE = 2048  # question vectors kept per process (1.5 KB each)
MIN_ANSWER_WORDS = 4  # a heading, a salutation or a signature line is context, never an answer
LABEL_WORDS = 12  # a letter's line this short that ends no sentence is its signature, not an answer
_SENTENCE_END = re.compile(r"[.!?…:;»\"”)]\s*$")


@dataclass(frozen=True)
class Tuning:
    """Ranking and abstention constants, tuned on multilingual-e5-small (docs/passages.md)."""

    candidates: int = 64  # dense and lexical window candidates each, before fusion
    window_dense: float = 0.5  # cosine of the best window of a paragraph ...
    paragraph_dense: float = 0.5  # ... and of the whole paragraph
    window_lexical: float = 0.03  # BM25 (normalised to the best hit) of the window ...
    paragraph_lexical: float = 0.03  # ... and of the paragraph
    speaker_boost: float = 0.02  # the paragraph's speaker is the one the question names
    occasion_boost: float = 0.03  # the paragraph's occasion (letter, call, ...) is one the question names
    event_weight: float = 0.3  # share of the best score of the paragraph's event added to it
    min_dense: float = 0.78  # below this best window cosine, always decline
    offtopic_margin: float = -0.01  # best cosine minus best off-topic anchor similarity must reach this ...
    period_relief: float = 0.03  # a question naming a covered period may sit this much closer to off-topic
    min_lexical_tokens: int = 2  # ... unless this many query words (and ...
    min_lexical_share: float = 0.6  # ... this share of them) occur together in one top BM25 passage
    focus_script_share: float = 0.5  # decline questions whose focus words are all unknown, in a script this common
    focus_common_share: float = 0.1  # words in more paragraphs than this share are the domain, not a focus
    period_candidates: int = 256  # a period with more passages is cut to this many by cosine (+ BM25)
    keep_within: float = 0.25  # hits further below the best than this are not shown
    max_hits: int = 12
    paragraph_chars: int = 700  # paragraphs up to this long are shown whole
    use_dense: bool = True  # False: BM25 only (the benchmarks' baseline)
    center_languages: bool = True  # rank on cosines minus the question's cosine to each language's mean
    min_latin_names: int = 2  # an English question naming this many things the corpus has in no script is declined


_PARAGRAPH_FIELDS = ("source_id", "number", "start", "end", "event", "role", "speaker", "occasion")


@dataclass
class LoadedVersion:
    """Everything one index version needs at query time (immutable once loaded)."""

    manifest: Manifest
    passages: PassageTable
    vectors: VectorIndex
    lexical: LexicalIndex
    speakers: Speakers
    events: list[Event]
    sources: dict[str, SourceInfo]
    texts: dict[str, str]
    para_keys: list[tuple[str, int]]  # paragraph row → (source id, number)
    para_spans: np.ndarray  # paragraph row → (start, end)
    para_vectors: np.ndarray
    para_lexical: LexicalIndex
    para_event: np.ndarray  # paragraph row → event group (-1: commentary)
    para_speaker: np.ndarray  # paragraph row → speaker id ("" for none)
    para_occasion: np.ndarray  # paragraph row → occasion
    row_para: np.ndarray  # passage row → paragraph row
    date_keys: list[str] = field(default_factory=list)  # sorted dates of dated passages ...
    date_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # ... their passage rows
    date_month_day: np.ndarray = field(default_factory=lambda: np.zeros(0, "U5"))  # ... and "MM-DD"
    para_index: dict[tuple[str, int], int] = field(default_factory=dict)
    para_lang: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # paragraph row → language row
    para_script_share: dict[str, float] = field(default_factory=dict)  # "ru" | "latin" → share of paragraphs
    speaker_keys: frozenset[str] = frozenset()  # name keys of known speakers' surnames
    para_answerable: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # not a title or a bare line
    lang_centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))  # language → mean vector
    para_answer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # question turn → its answer (-1)
    para_lead: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # the first paragraph after a title
    event_first: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # event group → its first paragraph
    _para_rows: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)  # paragraph → rows, built once

    @classmethod
    def load(cls, store: IndexStore, version: str, data_dir: Path, manifest: Manifest | None = None) -> LoadedVersion:
        """Load ``version``; its files are checked against its manifest first (IndexCorruptError)
        unless the caller passes the manifest :meth:`IndexStore.verify` returned."""
        manifest = manifest or store.verify(version)
        stored = store.open(version, manifest)
        speakers_file = stored.speakers_file
        speakers = load_speakers(speakers_file.parent) if speakers_file else load_speakers(data_dir)
        events = [Event(**{**e, "paragraphs": tuple(e["paragraphs"])}) for e in stored.events()]
        fields = set(SourceInfo.__dataclass_fields__)
        sources = {s["id"]: SourceInfo(**{k: v for k, v in s.items() if k in fields}) for s in manifest.raw["sources"]}
        texts = {sid: stored.text(sid) for sid in sources}
        passages = PassageTable.read(stored.iter_passages(), texts)
        # only what serving reads of a paragraph: its context and text hash stay on disk
        paras: list[dict[str, Any]] = [{k: p.get(k) for k in _PARAGRAPH_FIELDS} for p in stored.iter_paragraphs()]
        para_keys = [(p["source_id"], p["number"]) for p in paras]
        para_index = {k: i for i, k in enumerate(para_keys)}
        event_ids: dict[tuple[str, int], int] = {}
        para_event = np.asarray(
            [
                event_ids.setdefault((p["source_id"], p["event"]), len(event_ids)) if p.get("event") is not None else -1
                for p in paras
            ],
            dtype=np.int64,
        )
        dated = sorted((d, i) for i, d in enumerate(passages.dates()) if d)
        para_vectors = stored.paragraph_vectors()
        langs = [sources[k[0]].language if k[0] in sources else "" for k in para_keys]
        para_lang, centroids = _language_centroids(langs, para_vectors)
        return cls(
            manifest=manifest,
            passages=passages,
            vectors=stored.vectors(),
            lexical=stored.lexical(len(passages)),
            speakers=speakers,
            events=events,
            sources=sources,
            texts=texts,
            para_keys=para_keys,
            para_spans=np.asarray([(p["start"], p["end"]) for p in paras], dtype=np.int64).reshape(-1, 2),
            para_vectors=para_vectors,
            para_lang=para_lang,
            lang_centroids=centroids,
            para_script_share={
                script: sum((lang == "ru") == (script == "ru") for lang in langs) / max(1, len(langs))
                for script in ("ru", "latin")
            },
            speaker_keys=frozenset(
                k for sp in speakers.items for a in sp.aliases if len(a.split()) == 1 and (k := name_token(stem(a)))
            ),
            para_answer=np.asarray(
                [
                    para_index.get((p["source_id"], p["number"] + 1), -1)
                    if (p.get("role") or "").startswith("question:")
                    else -1
                    for p in paras
                ],
                dtype=np.int64,
            ),
            para_answerable=np.asarray(
                [_answerable(p.get("role"), texts[p["source_id"]][p["start"] : p["end"]]) for p in paras], dtype=bool
            ),
            para_lexical=stored.paragraph_lexical(len(paras)),
            para_event=para_event,
            para_lead=_leads(paras),
            event_first=np.unique(para_event, return_index=True)[1][int((para_event < 0).any()) :].astype(np.int64),
            para_speaker=np.asarray([p.get("speaker") or "" for p in paras]),
            para_occasion=np.asarray([p.get("occasion") or "commentary" for p in paras]),
            row_para=np.asarray(
                [para_index[key] for key in zip(passages.source_ids(), passages.paragraphs(), strict=True)],
                dtype=np.int64,
            ),
            date_keys=[d for d, _ in dated],
            date_rows=np.asarray([i for _, i in dated], dtype=np.int64),
            date_month_day=np.asarray([d[5:] for d, _ in dated], dtype="U5"),
            para_index=para_index,
        )

    def rows_of_paragraphs(self, paras: np.ndarray) -> np.ndarray:
        """The passage rows (windows) of paragraph rows ``paras``, in text order."""
        if self._para_rows is None:
            order = np.argsort(self.row_para, kind="stable")
            self._para_rows = (order, np.searchsorted(self.row_para[order], np.arange(len(self.para_keys) + 1)))
        order, bounds = self._para_rows
        if len(paras) == 0:
            return np.zeros(0, np.int64)
        return np.concatenate([order[bounds[p] : bounds[p + 1]] for p in paras]).astype(np.int64)

    def rows_in_range(self, start: str, end: str) -> np.ndarray:
        lo = bisect.bisect_left(self.date_keys, start)
        hi = bisect.bisect_right(self.date_keys, end)
        return self.date_rows[lo:hi]

    def paragraph_text(self, source_id: str, number: int) -> str | None:
        row = self.para_index.get((source_id, number))
        text = self.texts.get(source_id)
        if row is None or text is None:
            return None
        start, end = self.para_spans[row]
        return text[int(start) : int(end)]


def _language_centroids(langs: list[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each paragraph's language row and each language's mean paragraph vector.

    A multilingual encoder scores a question higher against every passage in the question's
    own language; the offset is the question's cosine to that language's mean vector
    (the mean of cosines is the cosine with the mean). Subtracting it ranks a Russian
    answer to an English question on the same footing as an English one."""
    names = sorted(set(langs))
    rows = np.asarray([names.index(lang) for lang in langs], dtype=np.int64)
    centroids = np.zeros((len(names), vectors.shape[1] if vectors.ndim == 2 else 1), dtype=np.float32)
    for i in range(len(names)):
        members = np.flatnonzero(rows == i)
        if len(members):
            centroids[i] = np.asarray(vectors[members], dtype=np.float32).mean(axis=0)
    return rows, centroids


def _answerable(role: str | None, text: str) -> bool:
    """Whether a paragraph can be shown as an answer: not a title, not a bare line, and not a
    signature ("Amerika Birləşmiş Ştatlarının Prezidenti", "President of the United States"): a
    short line of a letter that ends no sentence names who signed, and says nothing."""
    words = len(text.split())
    if role == "title" or words < MIN_ANSWER_WORDS:
        return False
    return not ((role or "").startswith("speaker:") and words < LABEL_WORDS and not _SENTENCE_END.search(text))


def _leads(paras: Sequence[dict[str, Any]]) -> np.ndarray:
    """Paragraph row → whether it is its source's lead, the first paragraph after its title."""
    lead = np.zeros(len(paras), dtype=bool)
    seen: set[str] = set()
    for i, p in enumerate(paras):
        if p["source_id"] not in seen and p.get("role") != "title":
            seen.add(p["source_id"])
            lead[i] = True
    return lead


def _top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest positive scores (argpartition: no full sort)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        positive = positive[np.argpartition(-scores[positive], n - 1)[:n]]
    return positive.astype(np.int64)


def _normalised(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


class Engine:
    """The public entry point: open the published index, ask questions, browse the corpus."""

    def __init__(self, settings: Settings, embedder: Any, tuning: Tuning | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self.store = IndexStore(settings.index_dir)
        self._lock = threading.Lock()  # held only to swap the loaded version
        self._reload_lock = threading.Lock()
        self._refused: str | None = None  # a published version that failed its checks
        self._loaded: LoadedVersion | None = None
        self._opened_at = time.time()
        self._lexicon = load_lexicon()
        self._offtopic = np.zeros((0, 1), dtype=np.float32)
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qcache_lock = threading.Lock()  # not self._lock: a reload must not stall questions

    @classmethod
    def open(
        cls, settings: Settings, *, embedder: Any = None, tuning: Tuning | None = None, wait: float = READ_WAIT
    ) -> Engine:
        """Load the published version (see :mod:`index.store.reader`: retried for up to ``wait`` seconds,
        a corrupt version refused for its newest intact ancestor); raises IndexMissingError,
        IndexUnavailableError, ManifestMismatchError, ModelMissingError."""
        store = IndexStore(settings.index_dir)
        version = store.require_current()
        if embedder is None:
            from ..embedding.model import embedder_for

            with contextlib.suppress(OSError, ValueError, KeyError):  # unreadable: open_current reports it
                store.manifest(version).check_model(settings.model, None)
            embedder = embedder_for(settings)
        engine = cls(settings, embedder, tuning)

        def load(version: str) -> LoadedVersion:
            manifest = store.verify(version)
            manifest.check_model(embedder.name, embedder.fingerprint, getattr(embedder, "encoder", None))
            return LoadedVersion.load(store, version, settings.data_dir, manifest)

        engine._loaded = open_current(store, load, wait=wait)
        loaded = engine._loaded.manifest
        engine._offtopic = engine._offtopic_vectors(store, loaded)
        return engine

    def _offtopic_vectors(self, store: IndexStore, manifest: Manifest) -> np.ndarray:
        """The off-topic anchors' vectors: stored with the version when it was built with the
        same anchors and model, else encoded now."""
        questions = load_offtopic()
        if (
            manifest.raw.get("offtopic_hash") == offtopic_hash(questions)
            and manifest.model_fingerprint == self.embedder.fingerprint
            and (stored := store.open(manifest.version, manifest).offtopic_vectors()) is not None
        ):
            return stored
        return np.asarray(self.embedder.encode_queries(questions), dtype=np.float32)

    # -- versions -------------------------------------------------------------------------

    @property
    def loaded(self) -> LoadedVersion:
        assert self._loaded is not None
        return self._loaded

    @property
    def version(self) -> str:
        return self.loaded.manifest.version

    def reload_if_changed(self) -> bool:
        """Switch to the published version if it changed. The new version is loaded and checked
        against its manifest first, off the question path (questions go on with the old one); only
        the swap itself takes the lock. A version that fails its checks is refused, logged once,
        and the loaded one keeps serving; a read error is retried at the next call."""
        current = self.store.current()
        if not current or current == self.version or current == self._refused:
            return False
        with self._reload_lock:  # one load at a time; questions never wait for it
            if current == self.version:
                return False
            try:
                manifest = self.store.verify(current)
                manifest.check_model(
                    self.embedder.name, self.embedder.fingerprint, getattr(self.embedder, "encoder", None)
                )
                loaded = LoadedVersion.load(self.store, current, self.settings.data_dir, manifest)
            except (IndexCorruptError, ManifestMismatchError) as exc:
                self._refused = current
                log.error("index version %s refused: %s; still serving version %s", current, exc, self.version)
                return False
            with self._lock:
                self._loaded = loaded
            log.info("index reloaded: version %s, %d passages", current, len(loaded.passages))
            return True

    # -- questions ------------------------------------------------------------------------

    def ask(
        self, question: str, *, top_k: int | None = None, offset: int = 0, source_ids: Collection[str] | None = None
    ) -> Answer:
        """Answer ``question`` from the served version; ``source_ids`` limits the search (and the
        "not covered" decision) to those sources' passages, e.g. a source that was just added."""
        t0 = time.perf_counter()
        state = self.loaded  # one version for the whole question
        return self._answer(state, question, self._read(state, question), t0, top_k, offset, source_ids)

    def ask_many(self, questions: Sequence[str], *, top_k: int | None = None) -> list[Answer]:
        """Answers to ``questions``, in order, as :meth:`ask` gives them. Their vectors are
        encoded together first, in batches on every core: a forward pass over 32 short questions
        costs a few single ones, so a bulk caller (``quotebot ask --jsonl``) pays much less per
        question than one at a time."""
        state = self.loaded  # one version for all of them
        reads = [self._read(state, q) for q in questions]
        if self.tuning.use_dense:
            texts = dict.fromkeys(r[1].semantic_text for r in reads if not isinstance(r, BadQuery))
            with self._qcache_lock:
                new = [t for t in texts if t not in self._qcache][:QUERY_CACHE]
            if len(new) > 1:
                self._remember(new, self.embedder.encode_queries(new, batch=True))
        return [self._answer(state, q, r, time.perf_counter(), top_k) for q, r in zip(questions, reads, strict=True)]

    def _read(self, state: LoadedVersion, question: str) -> tuple[str, Intent] | BadQuery:
        """The cleaned question and what it asks, or why it cannot be read."""
        try:
            text = clean(question, self.settings.max_query_chars)
        except BadQuery as exc:
            return exc
        return text, parse(text, state.speakers)

    def _answer(
        self,
        state: LoadedVersion,
        question: str,
        read: tuple[str, Intent] | BadQuery,
        t0: float,
        top_k: int | None,
        offset: int = 0,
        source_ids: Collection[str] | None = None,
    ) -> Answer:
        top_k = top_k or self.settings.top_k
        if isinstance(read, BadQuery):
            log.info(
                "question answered=False hits=0 reason=%s version=%s ms=%.1f",
                read.reason,
                state.manifest.version,
                (time.perf_counter() - t0) * 1000,
            )
            return Answer(query=question if isinstance(question, str) else "", answered=False, reason=read.reason)
        text, intent = read
        hits, reason = self._rank(state, intent, source_ids)
        answered = bool(hits) and reason is None
        answer = Answer(
            query=text,
            answered=answered,
            hits=hits[offset : offset + top_k] if answered else [],
            total=len(hits) if answered else 0,
            reason=reason,
            date_filter=intent.date_range.label if intent.date_range else None,
            speaker_filter=intent.speaker,
        )
        # one structured line per question; never the question itself at info level
        log.info(
            "question answered=%s hits=%d reason=%s date_filter=%s speaker=%s version=%s ms=%.1f",
            answered,
            answer.total,
            reason,
            answer.date_filter,
            answer.speaker_filter,
            state.manifest.version,
            (time.perf_counter() - t0) * 1000,
        )
        return answer

    def _candidates(self, state: LoadedVersion, intent: Intent, qvec: np.ndarray, lex_scores: np.ndarray) -> np.ndarray:
        n = self.tuning.candidates
        if intent.date_range is not None:
            rows = state.rows_in_range(intent.date_range.start, intent.date_range.end)
            if len(rows):
                return self._narrow(state, rows, qvec, lex_scores)
        if intent.month_day is not None:
            m, d = intent.month_day
            rows = state.date_rows[state.date_month_day == f"{m:02d}-{d:02d}"]
            if len(rows):
                return self._narrow(state, rows, qvec, lex_scores)
        _, dense_ids = state.vectors.search(qvec, n) if self.tuning.use_dense else (None, np.zeros(0, np.int64))
        ids = np.unique(np.concatenate([dense_ids.astype(np.int64), _top_positive(lex_scores, n)]))
        if intent.date_range is not None:
            # a period with no events: only passages that mention its year can answer ("санкции 1992 года")
            year = intent.date_range.start[:4]
            ids = np.asarray([i for i in ids if year in state.passages[i].text], dtype=np.int64)
        return ids

    def _source_candidates(
        self,
        state: LoadedVersion,
        intent: Intent,
        qvec: np.ndarray,
        lex_scores: np.ndarray,
        source_ids: Collection[str],
    ) -> np.ndarray:
        """Only the passages of ``source_ids`` (within the question's period, if it names one)."""
        wanted = set(source_ids)
        rows = state.passages.source_rows(wanted)
        if intent.date_range is not None:
            rows = np.intersect1d(rows, state.rows_in_range(intent.date_range.start, intent.date_range.end))
        return self._narrow(state, rows, qvec, lex_scores) if len(rows) else rows

    def _narrow(self, state: LoadedVersion, rows: np.ndarray, qvec: np.ndarray, lex_scores: np.ndarray) -> np.ndarray:
        """A period's passages, cut to the best few hundred by cosine and by BM25 when there are
        many (a year of a large corpus), so the work per question stays bounded."""
        cap = self.tuning.period_candidates
        if len(rows) <= cap:
            return rows
        by_dense = state.vectors.top_within(qvec, rows, cap) if self.tuning.use_dense else rows[:cap]
        by_lex = rows[_top_positive(lex_scores[rows], self.tuning.candidates)]
        return np.unique(np.concatenate([by_dense, by_lex]))

    def _rank(
        self, state: LoadedVersion, intent: Intent, source_ids: Collection[str] | None = None
    ) -> tuple[list[Hit], str | None]:
        t = self.tuning
        groups = state.lexical.expand_all(intent.tokens)
        lex_all = state.lexical.scores([tok for g in groups for tok in g])
        if t.use_dense:
            qvec = self._query_vector(intent.semantic_text)
        else:
            qvec = np.zeros(state.para_vectors.shape[1], dtype=np.float32)
        if source_ids is None:
            ids = self._candidates(state, intent, qvec, lex_all)
        else:
            ids = self._source_candidates(state, intent, qvec, lex_all, source_ids)
        if len(ids) == 0:
            return [], "not_covered"
        dense = state.vectors.score_subset(qvec, ids)
        if t.use_dense:
            covered = self._covered(state, intent, qvec, float(dense.max()), lex_all, groups)
        else:
            covered = bool(intent.date_range or intent.month_day) or self._lexically_covered(state, lex_all, groups)
        if not covered:
            return [], "not_covered"
        pdense_all = None
        if t.center_languages and len(state.lang_centroids) > 1:
            offsets = state.lang_centroids @ qvec
            dense = dense - offsets[state.para_lang[state.row_para[ids]]]
            pdense_all = offsets
        window = t.window_dense * dense + t.window_lexical * _normalised(lex_all)[ids]

        # paragraphs: the best window of each, plus the whole paragraph's own scores. An interview
        # question's windows count for its answer: the words of the question find the answer,
        # and the answer is what the reader asked for.
        prow = state.row_para[ids]
        if len(state.para_answer):
            answer = state.para_answer[prow]
            prow = np.where(answer >= 0, answer, prow)
        keep = state.para_answerable[prow] if len(state.para_answerable) else np.ones(len(prow), bool)
        if not keep.any():
            return [], "not_covered"
        ids, prow, dense = ids[keep], prow[keep], dense[keep]
        window = window[keep]
        paras, inverse = np.unique(prow, return_inverse=True)
        best = np.full(len(paras), -np.inf, dtype=np.float32)
        np.maximum.at(best, inverse, window)
        order = np.lexsort((window, inverse))  # by paragraph, then by window score ascending
        last_of_group = np.r_[inverse[order][1:] != inverse[order][:-1], True]
        best_row = ids[order[last_of_group]]
        moved = state.row_para[best_row] != paras  # the best window was the question's: show the answer
        if moved.any():
            best_row[moved] = [int(state.rows_of_paragraphs(np.asarray([q]))[0]) for q in paras[moved]]
        pgroups = state.para_lexical.expand_all(intent.tokens)
        plex_all = state.para_lexical.scores([tok for g in pgroups for tok in g])
        plex = _normalised(plex_all)[paras]
        pdense = np.asarray(state.para_vectors[paras], dtype=np.float32) @ qvec
        if pdense_all is not None:
            pdense = pdense - pdense_all[state.para_lang[paras]]
        score = best + t.paragraph_dense * pdense + t.paragraph_lexical * plex
        if intent.speaker:
            score += t.speaker_boost * (state.para_speaker[paras] == intent.speaker)
        if intent.occasions:
            score += t.occasion_boost * np.isin(state.para_occasion[paras], sorted(intent.occasions))

        # event context: a paragraph of a well-matching event (its header, its letter) rises with it
        events = state.para_event[paras]
        in_event = events >= 0
        context = score.copy()
        if in_event.any():
            event_best = np.full(int(events.max()) + 1, -np.inf, dtype=np.float32)
            np.maximum.at(event_best, events[in_event], score[in_event])
            context[in_event] = event_best[events[in_event]]
        final = score + t.event_weight * context
        if in_event.any() and len(groups) > 1:
            tops = (float(lex_all.max()), float(plex_all.max()))  # the normalisers of the scores above
            final = self._lead_last(state, paras, events, best_row, final, score, groups, pgroups, tops)

        score_of = {int(r): float(w) for r, w in zip(ids, window, strict=True)}
        return self._group(state, best_row, final, score_of), None

    def _lead_last(
        self,
        state: LoadedVersion,
        paras: np.ndarray,
        events: np.ndarray,
        best_row: np.ndarray,
        final: np.ndarray,
        score: np.ndarray,
        groups: list[list[str]],
        pgroups: list[list[str]],
        tops: tuple[float, float],
    ) -> np.ndarray:
        """Reorder the paragraphs of an event that a source's lead opens by what the question
        asks beyond the words the lead has.

        A news item's lead (the first paragraph after its title: "Baku, 10 April — APA. President
        Aliyev took part in a forum …", an interview's or a letter's introduction) names the
        event the item tells: its date, place, occasion and people. A question that names them
        too ("… at the ADA forum", "… in the Euronews interview") matches the lead best, yet the
        answer is the body paragraph that holds what was said. The event context already carries
        every paragraph of the event up with the lead, so within the event the lead is scored
        without its lexical credit for the words it shares with the question; the body
        paragraphs keep theirs. The event keeps the places it earned in the list; only which of
        its paragraphs fills which place changes. A question all of whose words the lead has is
        about the lead itself and is left alone."""
        t = self.tuning
        top, ptop = tops
        heads: list[tuple[int, np.ndarray]] = []  # (the lead's place in ``paras``, its event's places)
        for e in np.unique(events[events >= 0]):
            members = np.flatnonzero(events == e)
            at = np.flatnonzero(paras == state.event_first[e])
            if len(members) > 1 and len(at) and state.para_lead[state.event_first[e]]:
                heads.append((int(at[0]), members))
        if not heads or top <= 0 or ptop <= 0:
            return final
        window_scores = [state.lexical.scores(g) for g in groups]  # per question word: which the lead has
        para_scores = [state.para_lexical.scores(g) for g in pgroups]
        out = final.copy()
        for head, members in heads:
            lead_rows = state.rows_of_paragraphs(paras[head : head + 1])
            named = [i for i, g in enumerate(groups) if g and window_scores[i][lead_rows].max() > 0]
            if not named or len(named) == sum(map(bool, groups)):
                continue
            credit = t.window_lexical * sum(window_scores[i][best_row[head]] for i in named) / top
            credit += t.paragraph_lexical * sum(para_scores[i][paras[head]] for i in named) / ptop
            residual = score[members] - credit * (members == head)
            out[members[np.argsort(-residual, kind="stable")]] = np.sort(final[members])[::-1]
        return out

    def _query_vector(self, text: str) -> np.ndarray:
        """e5 vector of a question; recent ones are remembered (the same questions recur:
        example buttons, popular topics, paging re-asks)."""
        with self._qcache_lock:
            cached = self._qcache.get(text)
            if cached is not None:
                self._qcache.move_to_end(text)
                return cached
        vec = np.asarray(self.embedder.encode_queries([text])[0], dtype=np.float32)
        self._remember([text], vec[None, :])
        return vec

    def _remember(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep the vectors of ``texts`` in the question cache, the oldest going first."""
        with self._qcache_lock:
            for text, vec in zip(texts, np.asarray(vectors, dtype=np.float32), strict=True):
                self._qcache[text] = vec
            while len(self._qcache) > QUERY_CACHE:
                self._qcache.popitem(last=False)

    def _covered(
        self,
        state: LoadedVersion,
        intent: Intent,
        qvec: np.ndarray,
        best_dense: float,
        lex_all: np.ndarray,
        groups: list[list[str]],
    ) -> bool:
        """Abstention: is the best passage about the question at all?"""
        t = self.tuning
        offtopic = float((self._offtopic @ qvec).max()) if len(self._offtopic) else 0.0
        in_period = intent.month_day is not None or (
            intent.date_range is not None
            and len(state.rows_in_range(intent.date_range.start, intent.date_range.end)) > 0
        )
        if intent.names and not any(state.para_lexical.knows_name(name) for name in intent.names):
            return False  # everything the question names is something the corpus never mentions
        if len(intent.latin_names) >= t.min_latin_names and not any(
            state.para_lexical.knows_latin_name(name) for name in intent.latin_names
        ):
            return False  # "Archbishop Bagrat Galstanyan": in no script, not even as a cognate
        specific_period = intent.month_day is not None or (
            intent.date_range is not None and intent.date_range.start[:7] == intent.date_range.end[:7]
        )
        if not specific_period and self._focus_unknown(state, intent):
            return False
        if in_period and not intent.tokens:
            return True  # "Что было в марте 2025 года?": the period is the whole question
        if in_period:
            # a period the corpus has events in is evidence of its own: only clearly off-topic
            # questions that happen to name a year ("best laptop in 2025") are declined
            return best_dense - offtopic >= t.offtopic_margin - t.period_relief or self._lexically_covered(
                state, lex_all, groups
            )
        if best_dense < t.min_dense:
            return False
        if best_dense - offtopic >= t.offtopic_margin:
            return True
        return self._lexically_covered(state, lex_all, groups)

    def _focus_unknown(self, state: LoadedVersion, intent: Intent) -> bool:
        """Is everything the question is about absent from the corpus? Its focus is its words
        minus speakers' names and names common to the corpus (in over a tenth of its
        paragraphs: "Азербайджан", "США"). Absence is evidence only where the corpus is
        mostly written in the question's script (half of its paragraphs or more); across
        scripts a word is naturally absent. A month or a day the question names is a focus
        of its own, so such questions are not checked here."""
        t = self.tuning
        n = len(state.para_keys)
        if not intent.tokens or n == 0:
            return False
        cyrillic = sum(1 for ch in intent.text if "а" <= ch.lower() <= "я")
        script = "ru" if cyrillic * 2 > sum(ch.isalpha() for ch in intent.text) else "latin"
        langs = state.para_script_share.get(script, 0.0)
        if langs < t.focus_script_share:
            return False
        capitalised = {stem(w) for w in re.findall(r"[^\W\d_]+", intent.text) if w[:1].isupper()}
        focus = []
        for tok in intent.tokens:
            if (name_token(tok) or "") in state.speaker_keys:
                continue
            expanded = state.para_lexical.expand(tok) or state.para_lexical.prefixed(tok)
            if tok in capitalised and expanded and state.para_lexical.doc_count(expanded) > t.focus_common_share * n:
                continue
            focus.append(expanded)
        return bool(focus) and not any(focus)

    def _lexically_covered(self, state: LoadedVersion, lex_all: np.ndarray, groups: list[list[str]]) -> bool:
        t = self.tuning
        if len(groups) < t.min_lexical_tokens or not lex_all.any():
            return False
        need = max(t.min_lexical_tokens, int(np.ceil(t.min_lexical_share * len(groups))))
        for row in _top_positive(lex_all, 5):  # the same candidates helper as _candidates, no full sort
            if coverage(groups, set(tokenize(state.passages[row].text))) >= need:
                return True
        return False

    def _group(
        self, state: LoadedVersion, best_row: np.ndarray, final: np.ndarray, score_of: dict[int, float]
    ) -> list[Hit]:
        """One hit per paragraph, best first, down to ``keep_within`` below the best."""
        t = self.tuning
        order = np.argsort(-final)
        top = float(final[order[0]])
        hits = []
        for j in order[: t.max_hits]:
            if float(final[j]) < top - t.keep_within:
                break
            hits.append(self._hit(state, int(best_row[j]), float(final[j]), score_of))
        return hits

    def _hit(self, state: LoadedVersion, row: int, score: float, score_of: dict[int, float]) -> Hit:
        """The paragraph whole when short; else its best window widened over adjacent windows
        of the same paragraph that ranked close to it."""
        p = state.passages[row]
        start, end = state.para_spans[state.row_para[row]]
        if end - start <= self.tuning.paragraph_chars:
            rows = self._paragraph_rows(state, row)
        else:
            rows = [row]
            best = score_of.get(row, 0.0)
            for step in (-1, 1):
                i = row + step
                while (
                    0 <= i < len(state.passages)
                    and state.row_para[i] == state.row_para[row]
                    and score_of.get(i, -1.0) >= best - 0.02
                ):
                    rows.append(i)
                    i += step
            rows.sort()
        first, last = state.passages[rows[0]], state.passages[rows[-1]]
        text = state.texts[p.source_id][first.start : last.end]
        src = state.sources.get(p.source_id)
        speaker = state.speakers.get(p.speaker)
        kinds = {state.passages[i].kind for i in rows}
        return Hit(
            passage_ids=tuple(state.passages[i].id for i in rows),
            text=text,
            date=p.date,
            speaker=p.speaker,
            speaker_name=dict(speaker.name) if speaker else self._as_written(p.speaker),
            occasion=p.occasion,
            kind="quote" if "quote" in kinds else p.kind,
            source_id=p.source_id,
            source_title=src.title if src else p.source_id,
            source_url=src.url if src else None,
            paragraphs=(p.paragraph,),
            score=round(score, 4),
            source_language=src.language if src else "",
        )

    @staticmethod
    def _as_written(name: str | None) -> dict[str, str]:
        """A speaker not in speakers.yaml is shown as the source writes it, in every language."""
        return {lang: name for lang in LANGUAGES} if name else {}

    @staticmethod
    def _paragraph_rows(state: LoadedVersion, row: int) -> list[int]:
        para = state.row_para[row]
        lo = row
        while lo > 0 and state.row_para[lo - 1] == para:
            lo -= 1
        hi = row
        while hi + 1 < len(state.passages) and state.row_para[hi + 1] == para:
            hi += 1
        return list(range(lo, hi + 1))

    # -- browsing -------------------------------------------------------------------------

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self.loaded.passages if p.id == passage_id), None)

    def paragraph(self, source_id: str, number: int) -> str | None:
        return self.loaded.paragraph_text(source_id, number)

    def timeline(self) -> list[Event]:
        """The dated events, oldest first (a month-only event has no day to stand on)."""
        return sorted((e for e in self.loaded.events if e.date), key=lambda e: (e.date or "", e.source_id, e.index))

    def sources(self) -> list[SourceInfo]:
        return list(self.loaded.sources.values())

    def source(self, source_id: str) -> SourceInfo | None:
        return self.loaded.sources.get(source_id)

    def speaker_name(self, speaker_id: str | None, lang: str) -> str:
        sp = self.loaded.speakers.get(speaker_id)
        if not sp:
            return speaker_id or ""  # not in speakers.yaml: the name as the source writes it
        return sp.name.get(lang) or sp.name.get("en") or sp.id

    def occasion_name(self, occasion: str, lang: str) -> str:
        return self._lexicon.occasion_name(occasion, lang)

    def status(self) -> dict[str, Any]:
        m = self.loaded.manifest.raw
        return {
            "version": m["version"],
            "built_at": m["built_at"],
            "model": m["model"]["name"],
            "passages": m["passage_count"],
            "sources": len(m["sources"]),
            "events": len(self.loaded.events),
            "faiss": m["vectors"].get("faiss"),
            "uptime_s": round(time.time() - self._opened_at),
            "parent": m.get("parent"),
        }
