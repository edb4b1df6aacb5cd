"""ISO dates in words: "2024-11-25" → "25 ноября 2024" / "25 November 2024"."""

from __future__ import annotations

import re

from .strings import table

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_in_words(iso: str | None, lang: str) -> str:
    """A day, a month ("март 2025") or a year in words; unknown shapes are returned unchanged."""
    if not iso:
        return ""
    m = _ISO.match(iso)
    if not m:
        return iso
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month is None:
        return year
    mi = int(month)
    if not 1 <= mi <= 12:
        return iso
    if day is None:
        return f"{table(lang).months_nominative[mi - 1]} {year}"
    return f"{int(day)} {table(lang).months_genitive[mi - 1]} {year}"


def period_in_words(value: str | None, lang: str) -> str:
    """A date filter such as "2025-03" or "2025-03-01..2025-03-31" in words."""
    if not value:
        return ""
    for sep in ("..", "/"):
        if sep in value:
            a, b = value.split(sep, 1)
            return f"{date_in_words(a, lang)} – {date_in_words(b, lang)}"
    return date_in_words(value, lang)
