"""Dates in Russian and English text: event dates in sources, date ranges in questions.

Recognised: "6 ноября 2024 года", "5 августа 2025 г.", "22 июля" (year from context),
"August 8, 2025", "8 August 2025", "08.08.2025", "2025-08-08"; in questions also
"в марте 2025", "in May 2025", "в 2024 году", "in 2025". A bare year in a source
("в 1992 году") is a mention, never an event date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_RU_MONTHS = {
    1: r"январ[ьяею]", 2: r"феврал[ьяею]", 3: r"март[аеу]?", 4: r"апрел[ьяею]", 5: r"ма[йяею]",
    6: r"июн[ьяею]", 7: r"июл[ьяею]", 8: r"август[аеу]?", 9: r"сентябр[ьяею]",
    10: r"октябр[ьяею]", 11: r"ноябр[ьяею]", 12: r"декабр[ьяею]",
}
_EN_MONTHS = {
    i: name for i, name in enumerate(
        ["", "january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"]) if i
}
_EN_ABBR = {i: n[:3] for i, n in _EN_MONTHS.items()}

_RU_MONTH_RE = "|".join(f"(?P<ru{i}>{p})" for i, p in _RU_MONTHS.items())
_EN_MONTH_RE = "|".join(
    f"(?P<en{i}>{name}|{_EN_ABBR[i]}\\.?)" if i != 5 else f"(?P<en{i}>may)" for i, name in _EN_MONTHS.items()
)
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_YEAR_SUFFIX = r"(?:\s*(?:года|году|год|гг?\.?)(?!\w))?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")),
    ("dotted", re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d)")),
    ("ru_dm", re.compile(
        rf"(?<![\w.])(?P<day>[0-3]?\d)\s+(?:{_RU_MONTH_RE})(?!\w)(?:\s+{_YEAR}{_YEAR_SUFFIX})?", re.I)),
    ("en_md", re.compile(
        rf"(?<!\w)(?:{_EN_MONTH_RE})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?:,?\s+{_YEAR})?", re.I)),
    ("en_dm", re.compile(
        rf"(?<![\w.])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_EN_MONTH_RE})(?!\w)(?:,?\s+{_YEAR})?", re.I)),
    ("ru_my", re.compile(rf"(?<!\w)(?:{_RU_MONTH_RE})(?!\w)\s+{_YEAR}{_YEAR_SUFFIX}", re.I)),
    ("en_my", re.compile(rf"(?<!\w)(?:{_EN_MONTH_RE})(?!\w),?\s+{_YEAR}", re.I)),
    ("year", re.compile(rf"(?<![\w.\-]){_YEAR}(?:\s*(?:года|году|год|г\.))?(?![\w\-])", re.I)),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None

    @property
    def is_day(self) -> bool:
        """A calendar day (with or without year): can date an event."""
        return self.day is not None and self.month is not None

    def iso(self, default_year: int | None = None) -> str | None:
        year = self.year or default_year
        if not (self.is_day and year):
            return None
        return f"{year:04d}-{self.month:02d}-{self.day:02d}"


def _month_of(m: re.Match[str]) -> int | None:
    gd = m.groupdict()
    if gd.get("month"):
        return int(gd["month"])
    for key, value in gd.items():
        if value and key[:2] in ("ru", "en") and key[2:].isdigit():
            return int(key[2:])
    return None


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if month is None or day < 1:
            return False
        return day <= calendar.monthrange(year or 2024, month)[1]
    return True


def find_dates(text: str) -> list[DateMention]:
    """All date mentions in ``text``, most specific first where they overlap, in text order."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for _kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            gd = m.groupdict()
            year = int(gd["year"]) if gd.get("year") else None
            month = _month_of(m)
            day = int(gd["day"]) if gd.get("day") else None
            if not _valid(year, month, day):
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), year, month, day))
    return sorted(found, key=lambda d: d.start)


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive ISO date range read from a question, with the words it came from."""

    start: str
    end: str
    label: str  # "2025-03", "2025-07-22", "2024"
    span: tuple[int, int]

    def contains(self, iso: str | None) -> bool:
        return iso is not None and self.start <= iso <= self.end


_SAME_DAY = re.compile(r"(?<!\w)(?:в\s+тот\s+же\s+день|в\s+этот\s+же\s+день|on\s+the\s+same\s+day)(?!\w)", re.I)


def mentions_same_day(text: str) -> bool:
    return _SAME_DAY.search(text) is not None


_SEASONS = [  # (pattern, first month, last month)
    (r"зим(?:а|ой|у|е)|winter", 12, 2),
    (r"весн(?:а|ой|у|е)|spring", 3, 5),
    (r"лет(?:о|ом|а)|summer", 6, 8),
    (r"осен(?:ь|ью|и)|autumn|fall", 9, 11),
]
_SEASON_RE = [(re.compile(rf"(?<!\w)(?:{p})(?:\s+of)?\s+{_YEAR}(?!\d)", re.I), a, b) for p, a, b in _SEASONS]


def _season_range(text: str) -> DateRange | None:
    for pattern, first, last in _SEASON_RE:
        m = pattern.search(text)
        if not m:
            continue
        year = int(m.group("year"))
        start_year = year - 1 if first > last else year  # "зимой 2025": December 2024 – February 2025
        end_day = calendar.monthrange(year, last)[1]
        return DateRange(f"{start_year:04d}-{first:02d}-01", f"{year:04d}-{last:02d}-{end_day:02d}",
                         f"{start_year:04d}-{first:02d}..{year:04d}-{last:02d}", (m.start(), m.end()))
    return None


def question_range(text: str, default_year: int | None = None) -> DateRange | None:
    """The date range a question asks about, or None. The most specific mention wins;
    a season ("летом 2025", "in summer 2025") ranks between a month and a year."""
    best: DateRange | None = _season_range(text)
    best_rank = 1 if best else -1
    for d in find_dates(text):
        year = d.year or default_year
        if d.is_day and year:
            iso = f"{year:04d}-{d.month:02d}-{d.day:02d}"
            rng, rank = DateRange(iso, iso, iso, (d.start, d.end)), 3
        elif d.month and d.year:
            last = calendar.monthrange(d.year, d.month)[1]
            label = f"{d.year:04d}-{d.month:02d}"
            rng, rank = DateRange(f"{label}-01", f"{label}-{last:02d}", label, (d.start, d.end)), 2
        elif d.year and d.month is None:
            rng, rank = DateRange(f"{d.year}-01-01", f"{d.year}-12-31", str(d.year), (d.start, d.end)), 0
        else:
            continue
        if rank > best_rank:
            best, best_rank = rng, rank
    return best
