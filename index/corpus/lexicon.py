"""Loads the language knowledge (occasions, reporting verbs) from ``lexicon.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..yamlio import parse_yaml

_PATH = Path(__file__).with_name("lexicon.yaml")


@dataclass(frozen=True)
class Lexicon:
    occasion_patterns: dict[str, re.Pattern[str]]
    occasion_names: dict[str, dict[str, str]]
    reporting: re.Pattern[str]
    abbreviations: dict[str, str]
    generic_subjects: re.Pattern[str] | None = None
    background: re.Pattern[str] | None = None  # openers of a news item's background paragraph
    name_modifiers: re.Pattern[str] | None = None  # "Trump administration": the name only qualifies
    own_voice: re.Pattern[str] | None = None  # "От админа:", "Kanalın qeydi:": the author's own voice

    def expand_abbreviations(self, text: str) -> str:
        """``text`` with colloquial short forms ("соцсеть", "госдеп") followed by their full form."""

        def add(m: re.Match[str]) -> str:
            full = self.abbreviations.get(m.group(0).lower())
            return f"{m.group(0)} {full}" if full else m.group(0)

        return re.sub(r"[^\W\d_]+", add, text) if self.abbreviations else text

    def occasion_of(self, text: str) -> str | None:
        """The occasion whose keyword appears first in ``text``."""
        best: tuple[int, str] | None = None
        for name, pattern in self.occasion_patterns.items():
            m = pattern.search(text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), name)
        return best[1] if best else None

    def occasions_in(self, text: str) -> frozenset[str]:
        """Every occasion a text mentions ("в телефонном разговоре" → phone_call)."""
        return frozenset(name for name, pattern in self.occasion_patterns.items() if pattern.search(text))

    def has_reporting_verb(self, text: str) -> bool:
        return self.reporting.search(text) is not None

    def reports_someone(self, text: str) -> bool:
        """A reporting verb whose speaker is not an unnamed group ("Наблюдатели отмечают…",
        "Analysts noted…" are the author's commentary)."""
        return self.has_reporting_verb(text) and not self.names_unnamed_group(text)

    def names_unnamed_group(self, text: str) -> bool:
        """Whether ``text`` speaks of an unnamed group or the author ("Наблюдатели", "Analysts")."""
        return self.generic_subjects is not None and self.generic_subjects.search(text) is not None

    def opens_background(self, text: str) -> bool:
        """Whether ``text`` opens with a background marker ("Напомним, …", "Earlier, …")."""
        return self.background is not None and self.background.match(text.lstrip()) is not None

    def opens_own_voice(self, text: str) -> bool:
        """Whether ``text`` opens with a label of the author's or channel's own voice and a colon
        or a dash ("От админа: …", "Kanalın qeydi: …", "Editor's note — …")."""
        if self.own_voice is None:
            return False
        m = self.own_voice.match(text.lstrip(" *_"))
        return m is not None and re.match(r"[*_]*\s*[:—–-]", text.lstrip(" *_")[m.end() :]) is not None

    def qualifies(self, after_name: str) -> bool:
        """Whether the words after a name make it a qualifier of something else ("Trump
        administration", "Tramp administrasiyası"), not a person who speaks."""
        rest = re.sub(r"^(?:['’]s)?\s+", "", after_name)  # "Trump's administration" too
        return self.name_modifiers is not None and rest != after_name and self.name_modifiers.match(rest) is not None

    def occasion_name(self, occasion: str, lang: str) -> str:
        names = self.occasion_names.get(occasion, {})
        return names.get(lang) or names.get("en") or occasion


def _stems_pattern(stems: list[str]) -> re.Pattern[str]:
    """Stems matched at word starts, case-insensitively; an entry written ``re:…`` is a regular
    expression (for the few words whose sense depends on what follows: "called Bayramov")."""
    parts = sorted(
        {s[3:] if s.startswith("re:") else re.escape(s.strip().lower()).replace(r"\ ", r"\s+") for s in stems},
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


@cache
def load_lexicon() -> Lexicon:
    raw = parse_yaml(_PATH.read_text(encoding="utf-8"))
    occ = {
        name: _stems_pattern([*langs.get("ru", []), *langs.get("en", []), *langs.get("az", [])])
        for name, langs in raw["occasions"].items()
    }
    verbs = raw["reporting_verbs"]
    return Lexicon(
        occasion_patterns=occ,
        occasion_names=raw["occasion_names"],
        reporting=_stems_pattern([*verbs["ru"], *verbs["en"], *verbs.get("az", [])]),
        abbreviations={str(k).lower(): str(v) for k, v in (raw.get("abbreviations") or {}).items()},
        generic_subjects=re.compile(
            _stems_pattern([w for ws in raw["generic_subjects"].values() for w in ws]).pattern + r"(?!\w)",
            re.IGNORECASE,
        )
        if raw.get("generic_subjects")
        else None,
        background=_languages_pattern(raw.get("background_openers")),
        name_modifiers=_languages_pattern(raw.get("name_modifiers")),
        own_voice=_languages_pattern(raw.get("own_voice_labels")),
    )


def _languages_pattern(by_language: dict[str, list[str]] | None) -> re.Pattern[str] | None:
    """The stems of every language of an optional lexicon section, as one pattern."""
    return _stems_pattern([w for ws in by_language.values() for w in ws]) if by_language else None
