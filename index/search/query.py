"""Reading a question: cleaning, validation, date range, speaker, lexical tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..corpus.attribution import surname_keys
from ..corpus.dates import DateRange, find_dates, question_range
from ..corpus.lexicon import load_lexicon
from ..corpus.names import name_key, strip_az_suffix
from ..corpus.sources import Speakers
from .lexical import stem, tokenize

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


class BadQuery(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "empty" | "too_long" | "bad_input"


@dataclass(frozen=True)
class Intent:
    text: str
    semantic_text: str  # what is embedded: the question without its dates, unless it is only a date
    date_range: DateRange | None
    month_day: tuple[int, int] | None  # "22 июля" with no year: matches that day in any year
    speaker: str | None
    tokens: list[str]
    names: list[str]  # stems of the named things (proper nouns, codes) the question asks about
    occasions: frozenset[str] = frozenset()  # occasions the question mentions (letter, phone_call, ...)
    latin_names: tuple[str, ...] = ()  # an English question's capitalised words, lower case


def clean(question: str, max_chars: int) -> str:
    """Normalise a raw question or raise :class:`BadQuery`."""
    if not isinstance(question, str):
        raise BadQuery("bad_input")
    if len(question) > max_chars * 4:
        raise BadQuery("too_long")
    text = unicodedata.normalize("NFC", question)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadQuery("empty")
    if len(text) > max_chars:
        raise BadQuery("too_long")
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2:
        raise BadQuery("empty")
    replacement = text.count("\ufffd")
    if replacement and replacement * 4 >= len(text):
        raise BadQuery("bad_input")
    return text


def parse(text: str, speakers: Speakers) -> Intent:
    rng = question_range(text)
    month_day = None
    if rng is None:
        days = [d for d in find_dates(text) if d.is_day and d.year is None]
        if days:
            month_day = (days[0].month or 0, days[0].day or 0)
    mentions = speakers.mentions(text)
    mentions = sorted(
        [
            *mentions,
            *(m for m in surname_mentions(text, speakers) if not any(m[0] < e and s < m[1] for s, e, _ in mentions)),
        ]
    )
    speaker = mentions[0][2] if mentions else None
    undated = strip_dates(text, rng)
    tokens = tokenize(load_lexicon().expand_abbreviations(undated), query=True)
    return Intent(
        text=text,
        semantic_text=undated if tokens else text,
        date_range=rng,
        month_day=month_day,
        speaker=speaker,
        tokens=tokens,
        names=named_things(text, mentions),
        latin_names=latin_names(text, mentions),
        occasions=load_lexicon().occasions_in(text),
    )


def surname_mentions(text: str, speakers: Speakers) -> list[tuple[int, int, str]]:
    """Known speakers named in a spelling or script their aliases leave out ("Paşinyanın",
    "Pashinian"): the same transliteration keys of surnames that sources are read with."""
    keys = surname_keys(speakers)
    found = []
    for m in re.finditer(r"[^\W\d_]{4,}", text):
        if m.group()[:1].isupper():
            stem, _ = strip_az_suffix(m.group())
            sid = keys.get(name_key(m.group())) or keys.get(name_key(stem))
            if sid:
                found.append((m.start(), m.end(), sid))
    return found


_DATE_WORDS = re.compile(r"(?<!\w)(?:в|во|на|от|за|in|on|of|during)?\s*$", re.I)


def strip_dates(text: str, rng: DateRange | None = None) -> str:
    """The question without its date mentions (the date is a filter, not a topic)."""
    spans = [(d.start, d.end) for d in find_dates(text)]
    rng = rng or question_range(text)
    if rng:
        spans.append(rng.span)
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            pos = max(pos, end)
            continue
        out.append(_DATE_WORDS.sub("", text[pos:start]))
        pos = end
    out.append(text[pos:])
    return re.sub(r"\s+", " ", " ".join(out)).strip(" ,")


_NAME_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _free_words(text: str, mentions: list[tuple[int, int, str]]) -> Iterator[tuple[int, str]]:
    """The words of a question (with their place among its words) outside speakers' names and
    dates: what is left to name things."""
    dates = [(d.start, d.end) for d in find_dates(text)]
    for i, m in enumerate(_NAME_WORD.finditer(text)):
        if any(s <= m.start() < e for s, e, _ in mentions) or any(s <= m.start() < e for s, e in dates):
            continue
        yield i, m.group()


def named_things(text: str, mentions: list[tuple[int, int, str]]) -> list[str]:
    """Stems of what a question names: codes such as "COP29" or "F-16" in any language, and in
    a Russian question its capitalised words after the first. Speakers' names and dates are
    not counted. An English question's proper names are :func:`latin_names`, checked another
    way: a Russian corpus cannot confirm them word by word."""
    cyrillic = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    russian = cyrillic > latin
    names = []
    for i, word in _free_words(text, mentions):
        latin_word = bool(re.search(r"[A-Za-z]", word))
        is_code = latin_word and any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
        is_proper = russian and i > 0 and word[0].isupper() and len(word) >= 4 and not word.isupper()
        if is_code or (russian and latin_word and len(word) > 1) or is_proper:
            names.append(stem(word))
    return names


def latin_names(text: str, mentions: list[tuple[int, int, str]]) -> tuple[str, ...]:
    """The capitalised words of an English question after its first ("Bagrat",
    "Galstanyan"), speakers' names and dates left out, as written in lower case. Unlike a
    Russian question's names they are not stemmed: a corpus in another script is checked
    through their transliteration keys and cognates (see the engine's abstention)."""
    if sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "ёЁ") * 2 > sum(ch.isalpha() for ch in text):
        return ()
    if re.search(r"[əƏıİğĞşŞçÇöÖüÜ]", text):
        return ()  # Azerbaijani capitalises institutions it translates ("Strateji Tərəfdaşlıq Xartiyası")
    found = []
    for i, word in _free_words(text, mentions):
        if i > 0 and word[:1].isupper() and len(word) >= 4 and not word.isupper() and word.isalpha():
            found.append(word.lower())
    return tuple(found)
