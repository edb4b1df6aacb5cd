"""Cognates across scripts: "геополитических" finds "geopolitical", "интервью" finds "interview".

Political news in Russian, English and Azerbaijani shares a large international vocabulary
(администрация / administration, стратегический / strategic, энергетика / energy,
университет / universitet). A question in one script and a source in another often share no
word but these, and the e5 model's cross-lingual match alone is weak on them (a Russian
question about "глобальных геополитических перемен" did not find the English answer that
says "global geopolitical change"). Names already cross scripts through their keys
(:func:`index.corpus.names.name_key`); this does the same for ordinary stems.

Two stems in different scripts are cognates when

* their consonant skeletons (``name_key``: transliterated, every vowel run one letter) agree
  and the shorter is at least ``MIN_KEY`` letters long and a prefix of the longer (the
  stems of one word differ in their endings: "территориальн" / "territori"), and
* their plain transliterations (unidecode) agree on the first ``MIN_PLAIN`` letters, which
  the skeleton alone cannot tell apart ("получа" and "polici" have one skeleton).

No library pairs cognates across scripts; transliteration itself is unidecode's. The
skeletons of a vocabulary are computed once, when its index is built (~10 µs a stem), and
saved beside it (:meth:`Cognates.save` / :meth:`Cognates.load`).
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path

from unidecode import unidecode

from ..corpus.names import name_key

MIN_KEY = 6  # letters of skeleton two cognates share at least
MIN_PLAIN = 5  # letters of transliteration they begin with alike
MAX_COGNATES = 4  # stems one token may find
FILE = "cognates.index.json"
_CYRILLIC = re.compile(r"[а-яё]")


def _plain(stem: str) -> str:
    return re.sub(r"[^a-z]", "", unidecode(stem).lower())


class Cognates:
    """The skeletons of an index's vocabulary, sorted, and the cognates of a token in it."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = sorted(pairs)  # (skeleton, stem)

    @classmethod
    def of(cls, vocabulary: list[str]) -> Cognates:
        """Skeletons of the stems worth matching: words of four or more letters (not numbers
        and not the name keys, which already cross scripts)."""
        pairs = []
        for stem in vocabulary:
            if len(stem) >= 4 and stem.isalpha():
                key = name_key(stem)
                if len(key) >= MIN_KEY:
                    pairs.append((key, stem))
        return cls(pairs)

    def save(self, directory: Path) -> None:
        (directory / FILE).write_text(json.dumps(self._pairs, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Cognates | None:
        """The saved skeletons, or None for an index built before they were saved."""
        path = directory / FILE
        if not path.is_file():
            return None
        return cls([(k, s) for k, s in json.loads(path.read_text(encoding="utf-8"))])

    def of_token(self, token: str) -> list[str]:
        """Stems of the other script (Cyrillic against Latin) that are cognates of ``token``."""
        if len(token) < 4 or not token.isalpha():
            return []
        key = name_key(token)
        if len(key) < MIN_KEY:
            return []
        cyrillic, plain = bool(_CYRILLIC.search(token)), _plain(token)[:MIN_PLAIN]
        found: list[str] = []
        i = bisect.bisect_left(self._pairs, (key[:MIN_KEY], ""))
        while i < len(self._pairs) and self._pairs[i][0].startswith(key[:MIN_KEY]) and len(found) < MAX_COGNATES:
            skeleton, stem = self._pairs[i]
            i += 1
            if bool(_CYRILLIC.search(stem)) == cyrillic or _plain(stem)[:MIN_PLAIN] != plain:
                continue
            shorter, longer = sorted((skeleton, key), key=len)
            if longer.startswith(shorter):
                found.append(stem)
        return found
