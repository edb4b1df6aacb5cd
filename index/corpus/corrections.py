"""Moderators' corrections of the corpus model: one paragraph's date, speaker or kind, set by hand.

The passage rules read dates, speakers and kinds from text; when they get a paragraph wrong, a
moderator says what is right (``/fix`` in Telegram, ``quotebot sources fix`` in the shell). A
correction is kept with its source's registry entry (``sources.yaml``, see :mod:`index.corpus.sources`),
so it is journalled, snapshotted in every index version and restored by a rollback like the rest
of the registry, and it is applied in one place, :func:`apply_corrections`, after the rules have
built the passages, so every build (and every rule change) keeps it.

A correction names only the fields the moderator gave; a field given as ``none`` clears the value
(an undated paragraph, no speaker). A later correction of the same paragraph is merged into the
earlier one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date as Date
from typing import Any, Protocol

from ..errors import CorpusError, QuotebotError
from ..types import Passage

FIELDS = ("date", "speaker", "kind")
KINDS = ("quote", "reported", "commentary")
CLEAR = "none"
MAX_SPEAKER_CHARS = 100
_ASSIGNMENT = re.compile(r"(?:^|\s)([A-Za-z_]+)=")


class CorrectionError(QuotebotError):
    """A correction cannot be made; ``code`` lets a front end word the reason in its own language
    (``usage``, ``unknown_key``, ``duplicate_key``, ``no_change``, ``bad_date``, ``bad_kind``,
    ``bad_speaker``, ``bad_paragraph``, ``unknown_source``) with ``values`` filled in."""

    def __init__(self, code: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass(frozen=True, slots=True)
class Correction:
    """The fields a moderator set on one paragraph (``None``: cleared), and who did it when."""

    paragraph: int
    values: tuple[tuple[str, str | None], ...]  # (field, value) in FIELDS order
    by: str | None = None
    at: str | None = None

    def get(self, name: str) -> tuple[bool, str | None]:
        """``(given, value)`` of field ``name``."""
        for key, value in self.values:
            if key == name:
                return True, value
        return False, None

    def merged(self, newer: Correction) -> Correction:
        """This correction with ``newer``'s fields laid over it (``newer``'s author and time)."""
        values = dict(self.values) | dict(newer.values)
        return Correction(self.paragraph, _ordered(values), newer.by, newer.at)

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"paragraph": self.paragraph, **dict(self.values)}
        if self.by:
            entry["by"] = self.by
        if self.at:
            entry["at"] = self.at
        return entry

    def describe(self) -> str:
        """``date=2025-04-08 speaker=none`` — how it was given."""
        return " ".join(f"{k}={CLEAR if v is None else v}" for k, v in self.values)


def _ordered(values: Mapping[str, str | None]) -> tuple[tuple[str, str | None], ...]:
    return tuple((k, values[k]) for k in FIELDS if k in values)


def parse_assignments(text: str) -> dict[str, str | None]:
    """``date=2025-04-08 speaker=Ilham Aliyev kind=quote`` → validated field values.

    A value runs to the next ``key=`` (so a speaker's name may hold spaces) and may be quoted;
    ``none`` clears a field. Every error is a :class:`CorrectionError` naming what to fix.
    """
    text = text.strip()
    marks = list(_ASSIGNMENT.finditer(text))
    if not marks or text[: marks[0].start()].strip():
        raise CorrectionError("usage", "write the changes as date=YYYY-MM-DD, speaker=NAME, kind=KIND "
                                       f"(kind one of {', '.join(KINDS)}; 'none' clears a value)")
    values: dict[str, str | None] = {}
    for i, mark in enumerate(marks):
        key = mark.group(1).lower()
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        raw = text[mark.end():end].strip()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
            raw = raw[1:-1].strip()
        if key not in FIELDS:
            raise CorrectionError("unknown_key", f"unknown field {key!r}: use date=, speaker= or kind=", field=key)
        if key in values:
            raise CorrectionError("duplicate_key", f"field {key!r} is given twice", field=key)
        values[key] = check_value(key, raw)
    return values


def check_value(key: str, raw: str) -> str | None:
    """One field's value, validated; ``none`` (any case) → ``None``."""
    if raw.lower() == CLEAR:
        return None
    if key == "date":
        try:
            ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) is not None and bool(Date.fromisoformat(raw))
        except ValueError:
            ok = False
        if not ok:
            raise CorrectionError("bad_date", f"bad date {raw[:40]!r}: use YYYY-MM-DD or none", value=raw[:40])
        return raw
    if key == "kind":
        if raw.lower() not in KINDS:
            raise CorrectionError("bad_kind", f"unknown kind {raw[:40]!r}: use one of {', '.join(KINDS)}",
                                  value=raw[:40])
        return raw.lower()
    name = " ".join(raw.split())
    if not name or len(name) > MAX_SPEAKER_CHARS or any(ch in name for ch in "<>\n"):
        raise CorrectionError("bad_speaker", f"bad speaker {raw[:40]!r}: give a name of at most "
                                             f"{MAX_SPEAKER_CHARS} characters, or none", value=raw[:40])
    return name


def check_paragraph(raw: str | int, count: int) -> int:
    """A 1-based paragraph number within ``1..count``."""
    try:
        number = int(str(raw).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= count:
        raise CorrectionError("bad_paragraph", f"paragraph {str(raw)[:20]!r} is out of range: the source has "
                                               f"paragraphs 1–{count}", value=str(raw)[:20], count=count)
    return number


def load_corrections(raw: Any, where: str) -> tuple[Correction, ...]:
    """The ``corrections`` list of a registry entry (validated; a :class:`CorpusError` names ``where``)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise CorpusError(f"{where}: field 'corrections' must be a list")
    found: dict[int, Correction] = {}
    for i, entry in enumerate(raw):
        at = f"{where}: corrections[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("paragraph"), int) or entry["paragraph"] < 1:
            raise CorpusError(f"{at}: needs a positive integer 'paragraph'")
        values: dict[str, str | None] = {}
        for key in FIELDS:
            if key in entry:
                value = entry[key]
                try:
                    values[key] = None if value is None else check_value(key, str(value))
                except CorrectionError as exc:
                    raise CorpusError(f"{at}: {exc}") from exc
        unknown = set(entry) - {"paragraph", "by", "at", *FIELDS}
        if unknown or not values:
            raise CorpusError(f"{at}: needs date, speaker or kind"
                              + (f"; unknown field(s) {sorted(unknown)}" if unknown else ""))
        correction = Correction(entry["paragraph"], _ordered(values),
                                str(entry["by"]) if entry.get("by") else None,
                                str(entry["at"]) if entry.get("at") else None)
        previous = found.get(correction.paragraph)
        found[correction.paragraph] = previous.merged(correction) if previous else correction
    return tuple(found[k] for k in sorted(found))


def with_correction(corrections: Iterable[Correction], new: Correction) -> tuple[Correction, ...]:
    """``corrections`` with ``new`` merged into any earlier one of the same paragraph."""
    by_paragraph = {c.paragraph: c for c in corrections}
    old = by_paragraph.get(new.paragraph)
    by_paragraph[new.paragraph] = old.merged(new) if old else new
    return tuple(by_paragraph[k] for k in sorted(by_paragraph))


class _Speaker(Protocol):
    id: str
    name: Mapping[str, str]
    aliases: Sequence[str]


class _Speakers(Protocol):
    @property
    def items(self) -> Sequence[Any]: ...


def resolve_speaker(name: str, speakers: _Speakers | None) -> str:
    """A moderator's speaker as the model stores it: the ``speakers.yaml`` id when the name is an
    id, a name or an alias there (case-insensitive), else the name as given."""
    wanted = name.casefold()
    for sp in (speakers.items if speakers is not None else ()):
        forms = [sp.id, *sp.name.values(), *sp.aliases]
        if any(str(f).casefold() == wanted for f in forms):
            return str(sp.id)
    return name


def _corrected(obj: Any, correction: Correction, speakers: _Speakers | None, kinds: bool) -> Any:
    changes: dict[str, Any] = {}
    for key, value in correction.values:
        if key == "speaker" and value is not None:
            value = resolve_speaker(value, speakers)
        if key != "kind" or kinds:
            changes[key] = value
    return replace(obj, **changes) if changes else obj


def apply_corrections(passages: Sequence[Passage], corrections: Iterable[Correction],
                      speakers: _Speakers | None = None) -> list[Passage]:
    """``passages`` with every correction of their paragraph applied (others unchanged).

    Corrections of paragraphs the source no longer has are ignored (the source's text is
    fixed by its hash, so this only happens to a hand-edited registry).
    """
    by_paragraph = {c.paragraph: c for c in corrections}
    if not by_paragraph:
        return list(passages)
    return [_corrected(p, by_paragraph[p.paragraph], speakers, kinds=True) if p.paragraph in by_paragraph else p
            for p in passages]


def correct_paragraphs(paragraphs: Sequence[Any], corrections: Iterable[Correction],
                       speakers: _Speakers | None = None) -> list[Any]:
    """The same corrections on the paragraph rows (``number``, ``date``, ``speaker``), so that
    paragraph-level scoring sees the corrected speaker too."""
    by_paragraph = {c.paragraph: c for c in corrections}
    return [_corrected(p, by_paragraph[p.number], speakers, kinds=False) if p.number in by_paragraph else p
            for p in paragraphs]


@dataclass(frozen=True, slots=True)
class ParagraphView:
    """What the model says of one paragraph: its date, speaker and kind (the kind of most of its
    passages; a tie goes to the kind with more text), and how it starts."""

    number: int
    date: str | None
    speaker: str | None
    kind: str
    text: str  # the first passage's text


def paragraph_views(passages: Iterable[Passage]) -> list[ParagraphView]:
    """One :class:`ParagraphView` per paragraph of ``passages`` (one source), in paragraph order."""
    grouped: dict[int, list[Passage]] = {}
    for p in passages:
        grouped.setdefault(p.paragraph, []).append(p)
    views = []
    for number in sorted(grouped):
        group = grouped[number]
        count = Counter(p.kind for p in group)
        chars: Counter[str] = Counter()
        for p in group:
            chars[p.kind] += len(p.text)
        kind = max(count, key=lambda k: (count[k], chars[k]))
        dated = next((p for p in group if p.date), group[0])
        spoken = next((p for p in group if p.speaker), group[0])
        views.append(ParagraphView(number, dated.date, spoken.speaker, kind, group[0].text))
    return views
