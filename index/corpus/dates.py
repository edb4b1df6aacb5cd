"""Dates in Russian, English and Azerbaijani text: event dates in sources, date ranges in questions.

Recognised: "6 ноября 2024 года", "5 августа 2025 г.", "22 июля" (year from context),
"August 8, 2025", "8 August 2025", "08.08.2025", "2025-08-08", "30 may 2018-ci il",
"mayın 29-da"; in questions also "в марте 2025", "in May 2025", "в 2024 году", "in 2025",
"2025-ci ilin mayında". A bare year in a source ("в 1992 году") is a mention, never an
event date. Relative days ("вчера", "on Thursday", "the next day", "через два дня",
"ertəsi gün") are read by :func:`relative_day`; the passage model resolves them against
the publication date or the previous event, because only it knows which one they count from.

Regular expressions, not a date-parsing library: ``dateparser`` reads one date per string
and cannot tell a mentioned year from an event day or report offsets into a paragraph,
which is what the passage model needs.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .names import lower

_RU_MONTHS = {
    1: r"январ[ьяею]",
    2: r"феврал[ьяею]",
    3: r"март[аеу]?",
    4: r"апрел[ьяею]",
    5: r"ма[йяею]",
    6: r"июн[ьяею]",
    7: r"июл[ьяею]",
    8: r"август[аеу]?",
    9: r"сентябр[ьяею]",
    10: r"октябр[ьяею]",
    11: r"ноябр[ьяею]",
    12: r"декабр[ьяею]",
}
_EN_MONTHS = {
    i: name
    for i, name in enumerate(
        [
            "",
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
    if i
}
_EN_ABBR = {i: n[:3] for i, n in _EN_MONTHS.items()}
_AZ_MONTHS = {
    i: name
    for i, name in enumerate(
        [
            "",
            "yanvar",
            "fevral",
            "mart",
            "aprel",
            "may",
            "iyun",
            "iyul",
            "avqust",
            "sentyabr",
            "oktyabr",
            "noyabr",
            "dekabr",
        ]
    )
    if i
}
_AZ_SUFFIX = r"(?:(?:ın|in|un|ün|ı|i|u|ü|y?a|y?ə)?(?:da|də|dan|dən)?)"

_RU_MONTH_RE = "|".join(f"(?P<ru{i}>{p})" for i, p in _RU_MONTHS.items())
_EN_MONTH_RE = "|".join(
    f"(?P<en{i}>{name}|{_EN_ABBR[i]}\\.?)" if i != 5 else f"(?P<en{i}>may)" for i, name in _EN_MONTHS.items()
)
_AZ_MONTH_RE = "|".join(f"(?P<az{i}>{name}){_AZ_SUFFIX}" for i, name in _AZ_MONTHS.items())
_AZ_MONTH_GEN_RE = "|".join(f"(?P<az{i}>{name})(?:ın|in|un|ün)" for i, name in _AZ_MONTHS.items())
_AZ_YEAR_SUFFIX = r"(?:-?(?:ci|cı|cu|cü)\s+il(?:in|də|dən|i)?)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY13, _MONTH = r"1[3-9]|2\d|3[01]", r"0?[1-9]|1[0-2]"  # a day no month number can be; a month
_YEAR_SUFFIX = r"(?:\s*(?:года|году|год|гг?\.?)(?!\w))?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")),
    ("dotted", re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d)")),
    # a post's stamp with a two-digit year, told from a version number by the time after it:
    # "[10.08.25 12:30]", "10.08.25, 18:05"
    (
        "dotted_yy",
        re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<yy>\d\d)(?=[,\s]+[0-2]?\d:[0-5]\d)"),
    ),
    # a slashed date only where its order is plain: one of day and month is over 12
    ("slashed_dm", re.compile(rf"(?<![\d/])(?P<day>{_DAY13})/(?P<month>{_MONTH})/{_YEAR}(?!\d)")),
    ("slashed_md", re.compile(rf"(?<![\d/])(?P<month>{_MONTH})/(?P<day>{_DAY13})/{_YEAR}(?!\d)")),
    (
        "ru_dm",
        re.compile(rf"(?<![\w.])(?P<day>[0-3]?\d)\s+(?:{_RU_MONTH_RE})(?!\w)(?:\s+{_YEAR}{_YEAR_SUFFIX})?", re.I),
    ),
    (
        "en_md",
        re.compile(rf"(?<!\w)(?:{_EN_MONTH_RE})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?:,?\s+{_YEAR})?", re.I),
    ),
    (
        "en_dm",
        re.compile(
            rf"(?<![\w.])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_EN_MONTH_RE})(?!\w)(?:,?\s+{_YEAR})?", re.I
        ),
    ),
    (
        "az_dm",
        re.compile(rf"(?<![\w.])(?P<day>[0-3]?\d)\s+(?:{_AZ_MONTH_RE})(?!\w)(?:\s+{_YEAR}{_AZ_YEAR_SUFFIX})?", re.I),
    ),
    (
        "az_md",
        re.compile(
            rf"(?<!\w)(?:{_AZ_MONTH_GEN_RE})\s+(?P<day>[0-3]?\d)(?:-?(?:də|da|i|ı|u|ü|dək|dan|dən))?(?!\w)", re.I
        ),
    ),
    ("ru_my", re.compile(rf"(?<!\w)(?:{_RU_MONTH_RE})(?!\w)\s+{_YEAR}{_YEAR_SUFFIX}", re.I)),
    ("en_my", re.compile(rf"(?<!\w)(?:{_EN_MONTH_RE})(?!\w),?\s+{_YEAR}", re.I)),
    ("az_my", re.compile(rf"(?<!\w){_YEAR}{_AZ_YEAR_SUFFIX}\s+(?:{_AZ_MONTH_RE})(?!\w)", re.I)),
    ("az_my2", re.compile(rf"(?<!\w)(?:{_AZ_MONTH_RE})(?!\w)\s+{_YEAR}{_AZ_YEAR_SUFFIX}", re.I)),
    (
        "year",
        re.compile(rf"(?<![\w.\-]){_YEAR}(?:\s*(?:года|году|год|г\.)|-?(?:ci|cı|cu|cü)\s+il\w*)?(?![\w\-])", re.I),
    ),
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
        if value and key[:2] in ("ru", "en", "az") and key[2:].isdigit():
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
            year = int(gd["year"]) if gd.get("year") else (2000 + int(gd["yy"]) if gd.get("yy") else None)
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
        return DateRange(
            f"{start_year:04d}-{first:02d}-01",
            f"{year:04d}-{last:02d}-{end_day:02d}",
            f"{start_year:04d}-{first:02d}..{year:04d}-{last:02d}",
            (m.start(), m.end()),
        )
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


# -- relative days and month-only mentions in sources -----------------------------------------

_NUMBER_WORDS = {
    "один": 1,
    "одного": 1,
    "день": 1,
    "два": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "трёх": 3,
    "четыре": 4,
    "четырех": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "две": 2,
    "двумя": 2,
    "тремя": 3,
    "четырьмя": 4,
    "пятью": 5,
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "bir": 1,
    "iki": 2,
    "üç": 3,
    "dörd": 4,
    "beş": 5,
    "altı": 6,
    "yeddi": 7,
}
_NUMBERS = r"\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))


_SINGULAR_UNITS = {
    "день",
    "днём",
    "днем",
    "сутки",
    "неделю",
    "неделей",
    "gün",
    "həftə",
}  # "через неделю": one, without a number


def _num(i: int) -> str:
    return rf"(?P<n{i}>{_NUMBERS})"


_WEEKDAYS = {  # Monday = 0
    0: r"понедельник|monday|bazar\s+ertəsi",
    1: r"вторник|tuesday|çərşənbə\s+axşamı",
    2: r"среду|wednesday|çərşənbə(?!\s+axşamı)",
    3: r"четверг|thursday|cümə\s+axşamı",
    4: r"пятницу|friday|cümə(?!\s+axşamı)",
    5: r"субботу|saturday|şənbə",
    6: r"воскресенье|sunday|bazar(?!\s+ertəsi)",
}

# (pattern, anchor, offset): anchor "ref" counts from the publication date or dateline,
# "prev" from the previous event; offset None means "the number in the match".
_RELATIVE: list[tuple[re.Pattern[str], str, int | None]] = [
    (re.compile(p, re.I), anchor, off)
    for p, anchor, off in [
        (r"позавчера|the day before yesterday|srağagün", "ref", -2),
        (r"вчера|yesterday|dünən", "ref", -1),
        (r"сегодня|today|this morning|this evening", "ref", 0),
        (
            r"в\s+(?:тот|этот)\s+же\s+день|тогда\s+же|(?:on\s+)?(?:the|that)\s+same\s+day|later\s+that\s+day"
            r"|həmin\s+gün|eyni\s+gün",
            "prev",
            0,
        ),
        (
            r"на\s+следующий\s+день|на\s+другой\s+день|назавтра|наутро|(?:on\s+)?the\s+(?:next|following)\s+day"
            r"|a\s+day\s+later|ertəsi\s+gün|növbəti\s+gün",
            "prev",
            1,
        ),
        (
            r"накануне|за\s+день\s+до|the\s+(?:day|evening)\s+before|the\s+previous\s+day|a\s+day\s+earlier"
            r"|bir\s+gün\s+(?:əvvəl|öncə)",
            "prev",
            -1,
        ),
        (
            rf"(?:через|спустя)\s+(?:{_num(1)}\s+)?(?P<u1>дн\w*|день|сут\w*|недел\w*)"
            rf"|{_num(2)}\s+(?P<u2>days?|weeks?)\s+later|(?:{_num(3)}\s+)?(?P<u3>gün|həftə)\s+sonra"
            rf"|(?:{_num(4)}\s+)?(?P<u4>дн(?:ём|ем|ями|я|ей)|недел(?:ей|ями|и|ю))\s+(?:позже|позднее|спустя)",
            "prev",
            None,
        ),
        (
            rf"за\s+(?:{_num(1)}\s+)?(?P<u1>дн\w*|день|сут\w*|недел\w*)\s+до|{_num(2)}\s+(?P<u2>days?|weeks?)\s+"
            rf"(?:earlier|before)|(?:{_num(3)}\s+)?(?P<u3>gün|həftə)\s+(?:əvvəl|öncə)"
            rf"|(?:{_num(4)}\s+)?(?P<u4>дн(?:ём|ем|ями|я|ей)|недел(?:ей|ями|и|ю))\s+(?:раньше|ранее)",
            "prev",
            -999,
        ),
    ]
]
_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:в|во|on|last)?\s*(?:"
    + "|".join(f"(?P<w{i}>{p})" for i, p in _WEEKDAYS.items())
    + r")(?:\s+günü)?(?!\w)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class RelativeDay:
    """A day named relative to something: ``anchor`` "ref" (the publication date or the
    dateline), "prev" (the previous event) or "weekday" (the last such weekday on or before
    the reference); ``after`` is the anchor phrase of "через два дня после встречи"."""

    anchor: str
    offset: int
    start: int
    after: str = ""


def relative_day(text: str) -> RelativeDay | None:
    """The first relative-day expression in ``text``, or None."""
    found: list[RelativeDay] = []
    for pattern, anchor, offset in _RELATIVE:
        m = pattern.search(text)
        if not m or not _word_bounded(text, m.start(), m.end()):
            continue
        if offset is None or offset == -999:
            n = next((v for k, v in m.groupdict().items() if k[0] == "n" and v), "")
            unit = lower(next((v for k, v in m.groupdict().items() if k[0] == "u" and v), ""))
            if not n and unit not in _SINGULAR_UNITS:
                continue  # "спустя несколько дней": no day to count
            value = int(n) if n.isdigit() else _NUMBER_WORDS.get(lower(n), 1)
            value *= 7 if unit.startswith(("недел", "week", "həftə")) else 1
            offset = value if offset is None else -value
        after = ""
        tail = re.match(r"\s*(?:после|after|since|sonra)\s+([^,.;:!?]{2,80})", text[m.end() :], re.I)
        if tail:
            after = tail.group(1)
        elif anchor == "prev" and (ablative := re.search(r"([^\W\d_]{3,}?)(?:dan|dən|tan|tən)\s*$", text[: m.start()])):
            after = ablative.group(1)  # Azerbaijani names the anchor first: "Sammitdən iki gün sonra"
        found.append(RelativeDay(anchor, offset, m.start(), after))
    m = _WEEKDAY_RE.search(text)
    if m:
        day = next(int(k[1:]) for k, v in m.groupdict().items() if v)
        found.append(RelativeDay("weekday", day, m.start()))
    return min(found, key=lambda r: r.start) if found else None


_LATER_UNDATED = re.compile(
    r"(?<!\w)(?:(?:спустя|через)\s+(?:несколько|пару|считанные)\s+(?:дн\w*|недел\w*|месяц\w*)"
    r"|на\s+следующей\s+неделе|в\s+следующем\s+месяце|через\s+месяц"
    r"|(?:a\s+few|several|some)\s+(?:days|weeks|months)\s+later|(?<!\w\s)(?:days|weeks|months)\s+later"
    r"|(?:the\s+)?(?:following|next)\s+(?:week|month)|later\s+that\s+(?:week|month)"
    r"|bir\s+neçə\s+(?:gün|həftə|ay)\s+sonra|(?:növbəti|sonrakı)\s+(?:həftə|ay)(?:da|də)?)(?!\w)",
    re.I,
)


def later_undated(text: str) -> bool:
    """Whether ``text`` moves time on without giving a day: "спустя несколько дней", "на
    следующей неделе", "weeks later", "the following month", "bir neçə gün sonra". Such an
    entry is an event of its own with no date, never more of the previous one."""
    return _LATER_UNDATED.search(text) is not None


def _word_bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def resolve_weekday(reference: str, weekday: int) -> str:
    """The last ``weekday`` (Monday = 0) on or before the ISO date ``reference``."""
    ref = date.fromisoformat(reference)
    return (ref - timedelta(days=(ref.weekday() - weekday) % 7)).isoformat()


def shift(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


_MONTH_ONLY = re.compile(
    r"(?<!\w)(?i:в|во|к|с|до|в\s+(?:начале|конце|середине)|in|by|since|until|early|late|mid-?|"
    r"in\s+(?:early|late|mid-?)|the\s+(?:start|end|middle)\s+of)\s*(?:"
    + "|".join(_RU_MONTHS.values())
    + "|"
    + "|".join(n.capitalize() for n in _EN_MONTHS.values())
    + r")(?!\w)"
)
_AZ_MONTH_ONLY = re.compile(
    r"(?<!\w)(?:" + "|".join(_AZ_MONTHS.values()) + r")(?:(?:ın|in|un|ün)?(?:da|də)|\s+ay(?:ın|ı)da"
    # "Sentyabrın əvvəlində", "iyulun ortasında"
    r"|(?:ın|in|un|ün)\s+(?:əvvəli|ortası|sonu|axırı|(?:birinci|ikinci)\s+yarısı)n(?:da|də))(?!\w)",
    re.I,
)


def mentions_month_only(text: str) -> bool:
    """A month named without a day ("в конце мая 2018 года", "In mid-May", "sentyabrda"): an
    event whose day the source does not give."""
    return month_only_at(text) is not None


def month_only_at(text: str) -> int | None:
    """Where the first month named without a day starts in ``text``, or None."""
    found = [d.start for d in find_dates(text) if d.month and not d.day]
    found += [m.start() for pattern in (_MONTH_ONLY, _AZ_MONTH_ONLY) if (m := pattern.search(text))]
    return min(found, default=None)
