"""Lexical side of retrieval: tokenisation with Snowball stemming (PyStemmer) and BM25 (bm25s).

Cyrillic words are stemmed with the Russian stemmer, Latin words with the English one;
stop words and one-letter tokens are dropped. The BM25 index saves as JSON + ``.npy``
files (no pickle).

bm25s builds and saves the index. Serving only reads its saved arrays (the precomputed
per-document score of every token, a CSC matrix) and sums the columns of the question's
tokens exactly as ``bm25s.BM25.get_scores`` does: importing bm25s pulls in scipy, ~0.3 s of
a cold start (over a second on a loaded machine), for three ``np.load`` calls and one
``np.add.at`` per token. A test checks the scores against bm25s's own.
"""

from __future__ import annotations

import bisect
import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import Stemmer

from ..corpus.names import az_buffered_stem, lower, name_key, strip_az_suffix
from .cognates import Cognates

if TYPE_CHECKING:
    import bm25s

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|ci|cı|cu|cü|ий|ый|ой|й|го|ого|его|е|я|ю|м|х)$")

RU_STOP = frozenset(
    """
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до
его ее ей ему если есть еще же за здесь и из или им их к как какая какие каким какой когда кто ли
либо мне может мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от очень
по под при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей чем
что чтобы чье чья эта эти это этот я ли ко мой моя мое мои свой своя свое свои себя который которая
которое которые между через после будет будут было раз ещё всё её сам сама само сами один одна одно
""".split()
)
EN_STOP = frozenset(
    """
a an the and or but if of to in on at by for with about from into over after before is are was were
be been being do does did done have has had this that these those it its he she they them his her
their what which who whom whose when where why how i you we my your our me us not no so as than then
there here can could would should will shall may might must also just any some all
""".split()
)

# Question words that carry no topic: "what did X say" must not match "said" everywhere.
QUESTION_STOP = frozenset(
    """
что как когда где почему зачем какой какая какие каким какую кто чем о об про ли сказал сказала
говорил говорила писал писала написал написала what when where why how who whom which did does do
say said tell told write wrote about было были был была произошло происходило случилось
happen happened happening going on каков какова каково каковы сколько кого кому каком какому каких
""".split()
)


@cache
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(lang)


def normalise(text: str) -> str:
    """Lower case (keeping "İlham" one word, see ``names.lower``) with "ё" as "е"."""
    return lower(text).replace("ё", "е")


def stem(word: str) -> str:
    word = normalise(word)
    return str(_stemmer("russian" if _CYRILLIC.search(word) else "english").stemWord(word))


KEY = "~"  # prefix of a name's script-free key token (see names.name_key)


@lru_cache(maxsize=65536)
def name_token(stem: str) -> str | None:
    """The key token of a stem, or None when the key is too short to be telling. Memoised: a
    question looks up the key of every token and of every expansion (transliteration is the
    costliest step of reading a question)."""
    if re.search(r"[əıöüğşç]", stem):
        stem = strip_az_suffix(stem)[0]  # "trampın" is "tramp"
    key = re.sub(r"a$", "", name_key(stem))
    return KEY + key if len(key) >= 3 else None


def _consonants(key: str) -> str:
    """A name key without its vowels (every vowel run of a key is written "a")."""
    return key.replace("a", "")


def _buffered_key(stem: str) -> str | None:
    """The key of an Azerbaijani name's other reading ("avropanın": "avropa" + "nın"), see
    :func:`index.corpus.names.az_buffered_stem`."""
    if not re.search(r"[əıöüğşç]", stem):
        return None
    other = az_buffered_stem(stem)
    return name_token(other) if other else None


def tokenize(text: str, *, query: bool = False) -> list[str]:
    """Stemmed content tokens of ``text``; ``query`` also drops question words. A capitalised
    word of a document also yields its name key, so "Rubio" is found by "Рубио" and
    "Səngəçal" by "Сангачале" (queries look keys up through :meth:`LexicalIndex.expand`)."""
    tokens = []
    ru, en = _stemmer("russian"), _stemmer("english")
    names = set() if query else {normalise(w) for w in _WORD.findall(text) if w[:1].isupper()}
    for whole in _WORD.findall(normalise(text)):
        words = [whole, *whole.split("-")] if "-" in whole else [whole]
        for word in words:
            if len(word) < 2 or word in RU_STOP or word in EN_STOP:
                continue
            if query and word in QUESTION_STOP:
                continue
            ordinal = _ORDINAL.match(word)
            if ordinal:
                tokens.append(ordinal.group(1))  # "25th", "25-й", "25-ci" are all "25"
            elif word.isdigit():
                tokens.append(word)
            else:
                stemmed = ru.stemWord(word) if _CYRILLIC.search(word) else en.stemWord(word)
                tokens.append(stemmed)
                if whole in names and (key := name_token(stemmed)):
                    tokens.append(key)
                    if (other := _buffered_key(stemmed)) and other != key:
                        tokens.append(other)
    return tokens


MIN_PREFIX = 5
MAX_EXPANSIONS = 8


def coverage(groups: list[list[str]], passage_tokens: set[str]) -> int:
    """How many query tokens (each a group of its expansions) occur in a passage."""
    return sum(1 for g in groups if any(t in passage_tokens for t in g))


#: bm25s's file names in a saved index directory
_DATA, _INDICES, _INDPTR = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
_VOCAB, _PARAMS = "vocab.index.json", "params.index.json"
_EXPANSION_MEMO = 50_000  # token expansions remembered per loaded index


class LexicalIndex:
    """BM25 over passage texts; scores come back for every passage, in passage order."""

    def __init__(
        self,
        vocab: dict[str, int],
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        size: int,
        *,
        retriever: bm25s.BM25 | None = None,
        cognates: Cognates | None = None,
    ) -> None:
        """``data``/``indices``/``indptr``: bm25s's CSC matrix of precomputed scores (column =
        token id, row = document); ``retriever``: the bm25s object of a fresh build (to save);
        ``cognates``: the vocabulary's, as saved (computed here for a fresh build, and on first
        need for an index saved before they were)."""
        self._ids = vocab
        self._data, self._indices, self._indptr = data, indices, indptr
        self._retriever = retriever
        self._vocab = set(vocab)
        self._sorted_vocab = sorted(self._vocab)
        self._expanded: dict[str, list[str]] = {}
        self._reversed: list[str] | None = None  # reversed stems, sorted (see prefixed)
        self._cognates = cognates if cognates is not None or retriever is None else Cognates.of(self._sorted_vocab)
        self._consonant_keys: frozenset[str] | None = None  # see knows_name
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [tokenize(t) or ["∅"] for t in texts]
        retriever.index(corpus, show_progress=False)
        scores = retriever.scores
        return cls(
            dict(retriever.vocab_dict or {}),
            scores["data"],
            scores["indices"],
            scores["indptr"],
            len(texts),
            retriever=retriever,
        )

    def save(self, directory: Path) -> None:
        if self._retriever is None:
            raise ValueError("only a freshly built index is saved (a loaded one is already on disk)")
        self._retriever.save(str(directory))
        self.cognates.save(directory)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        """Read what ``bm25s.BM25.save`` wrote, without bm25s. Only the methods bm25s scores
        without a non-occurrence array are read (quotebot builds ``lucene``)."""
        params = json.loads((directory / _PARAMS).read_text(encoding="utf-8"))
        if params.get("method", "lucene") not in ("lucene", "robertson", "atire"):
            raise ValueError(f"unsupported BM25 method {params.get('method')!r} in {directory}")
        vocab = json.loads((directory / _VOCAB).read_text(encoding="utf-8"))
        data = np.load(directory / _DATA).astype(params.get("dtype", "float32"), copy=False)
        indices, indptr = np.load(directory / _INDICES), np.load(directory / _INDPTR)
        return cls(vocab, data, indices, indptr, size, cognates=Cognates.load(directory))

    @property
    def cognates(self) -> Cognates:
        """The vocabulary's cross-script cognates (an index saved before they were computes them
        on first use)."""
        if self._cognates is None:
            self._cognates = Cognates.of(self._sorted_vocab)
        return self._cognates

    @property
    def consonant_keys(self) -> frozenset[str]:
        """The name keys of the vocabulary without their vowels (made on first use)."""
        if self._consonant_keys is None:
            self._consonant_keys = frozenset(_consonants(t) for t in self._vocab if t.startswith(KEY))
        return self._consonant_keys

    def known(self, tokens: list[str]) -> list[str]:
        return [t for t in tokens if t in self._vocab]

    def expand(self, token: str) -> list[str]:
        """The token, the longest vocabulary stem that is a prefix of it ("новрузск" → "новруз")
        and the vocabulary stems it is a prefix of ("вашингтон" → "вашингтонск"), for stems of
        five or more characters, at most ``MAX_EXPANSIONS``; then its cognates in the other
        script ("геополитическ" → "geopolit", see :mod:`.cognates`), unless it is a name whose
        key the index knows (the key already crosses scripts). Memoised per index (the vocabulary
        never changes; a question expands each token two or three times)."""
        found = self._expanded.get(token)
        if found is None:
            found = self._expand(token)
            if len(self._expanded) >= _EXPANSION_MEMO:
                self._expanded.clear()
            self._expanded[token] = found
        return list(found)

    def _expand(self, token: str) -> list[str]:
        found = [token] if token in self._vocab else []
        key = name_token(token) if not token.startswith(KEY) else None
        if key and key in self._vocab:
            found.append(key)
        for cut in range(len(token) - 1, MIN_PREFIX - 1, -1):  # a shorter stem of the same word
            if token[:cut] in self._vocab:
                found.append(token[:cut])
                break
        if len(token) >= MIN_PREFIX:
            i = bisect.bisect_right(self._sorted_vocab, token)
            while (
                i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(token) and len(found) < MAX_EXPANSIONS
            ):
                found.append(self._sorted_vocab[i])
                i += 1
        if not key or key not in self._vocab:
            found.extend(c for c in self.cognates.of_token(token) if c not in found)
        return found

    def prefixed(self, token: str) -> list[str]:
        """Vocabulary stems that are ``token`` with a short prefix before it: "позвон" for
        "звон" (Russian verbs pair up by prefix: звонил/позвонил, писал/написал), for tokens of
        four or more characters and prefixes of one to three. The reversed vocabulary is sorted
        once per index, on first use."""
        if len(token) < 4:
            return []
        if self._reversed is None:
            self._reversed = sorted(t[::-1] for t in self._vocab)
        key = token[::-1]
        found: list[str] = []
        i = bisect.bisect_right(self._reversed, key)
        while i < len(self._reversed) and self._reversed[i].startswith(key) and len(found) < MAX_EXPANSIONS:
            if len(self._reversed[i]) - len(key) <= 3:
                found.append(self._reversed[i][::-1])
            i += 1
        return found

    def knows_latin_name(self, word: str) -> bool:
        """Whether a Latin-script name of a question ("davos", "shusha", "galstanyan") occurs in
        the corpus in any script: as a name (stemmed, or by the key of the word as written,
        which a stemmer may have cut: "davo" / "давос"), or as a cognate of its stem ("global" /
        "глобальн")."""
        stems = tokenize(word, query=True)
        return self.knows_name(word) or any(self.knows_name(s) or self.cognates.of_token(s) for s in stems)

    def knows_name(self, stem: str) -> bool:
        """Whether a name's stem occurs in the corpus, allowing other inflections of it (stems
        shorter than four letters only as they are: "ира" of "Ирана" must not find "ирак"), and
        other vowels in its key: a transliteration adds or drops them ("Тегеран" / "Tehran",
        "~taharan" / "~tahran"), so three or more consonants in the same order count as the
        same name here, where a false "known" only lets the other checks decide."""
        if ordinal := _ORDINAL.match(stem):
            stem = ordinal.group(1)  # "25th" is indexed as "25"
        key = name_token(stem) or ""
        if stem in self._vocab or (key and key in self._vocab):
            return True
        if len(bare := _consonants(key)) >= 4 and bare in self.consonant_keys:
            return True
        if any(stem[cut:] in self._vocab for cut in range(1, len(stem) - 5)):
            return True  # a compound abbreviation: "генпрокуратур" names "прокуратур"
        if len(stem) < 4:
            return False
        if any(stem[:cut] in self._vocab for cut in range(len(stem) - 1, 3, -1)):
            return True
        i = bisect.bisect_left(self._sorted_vocab, stem)
        return len(stem) >= 4 and i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(stem)

    def expand_all(self, tokens: list[str]) -> list[list[str]]:
        return [self.expand(t) for t in tokens]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every document for ``tokens`` (repeats count again), summed column by column
        in the order bm25s sums them, so the floats are the same to the last bit."""
        ids = [self._ids[t] for t in tokens if t in self._ids]
        scores = np.zeros(self.size, dtype=np.float32)
        if not ids or self.size == 0:
            return scores
        for tid in ids:
            start, end = int(self._indptr[tid]), int(self._indptr[tid + 1])
            np.add.at(scores, self._indices[start:end], self._data[start:end])
        return scores

    def doc_count(self, tokens: list[str]) -> int:
        """How many documents contain any of ``tokens``: the documents whose BM25 for them is
        positive, read off the matrix instead of scoring every document. A mask, not
        ``np.unique`` over the postings: a token common to the corpus ("Азербайджан") has
        a posting in most of 100k documents, and hashing them cost ~7 ms a question."""
        cols = [self._ids[t] for t in tokens if t in self._ids]
        if not cols or self.size == 0:
            return 0
        if len(cols) == 1:
            start, end = int(self._indptr[cols[0]]), int(self._indptr[cols[0] + 1])
            return int(np.count_nonzero(self._data[start:end] > 0))
        seen = np.zeros(self.size, dtype=bool)
        for c in cols:
            start, end = int(self._indptr[c]), int(self._indptr[c + 1])
            seen[self._indices[start:end][self._data[start:end] > 0]] = True
        return int(np.count_nonzero(seen))
