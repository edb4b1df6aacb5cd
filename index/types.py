"""Plain data types shared by the index package and its callers (the bot, the CLI)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def passage_id(source_id: str, paragraph: int, start: int, end: int) -> str:
    """A passage's stable id (``Passage.id``): its source, paragraph and character span."""
    return f"{source_id}:{paragraph}:{start}-{end}"


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrievable unit: one or more consecutive sentences of one paragraph.

    ``text`` is always the exact slice ``source_text[start:end]``.
    """

    id: str  # stable: "{source_id}:{paragraph}:{start}-{end}"
    source_id: str
    paragraph: int  # 1-based, counting non-empty lines of the source
    start: int  # character offsets into the source text
    end: int
    text: str
    date: str | None  # ISO date of the event the passage belongs to; None for commentary
    speaker: str | None  # speaker id from data/speakers.yaml, or None
    occasion: str  # letter | phone_call | interview | forum_speech | social_post | commentary
    kind: str  # quote | reported | commentary
    event: int | None  # index of the event in its source, None for commentary

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Event:
    """One dated contact (a letter, a call, an interview, ...) found in a source."""

    source_id: str
    index: int
    date: str | None  # ISO; None when the header names no day the text can place
    speaker: str | None
    occasion: str
    paragraphs: tuple[int, ...]
    summary: str  # the header sentence, exact text from the source


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: str
    title: str
    language: str
    file: str
    url: str | None = None
    published: str | None = None
    added: str | None = None
    added_by: str | None = None
    sha256: str | None = None
    passages: int = 0
    paragraphs: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """One answer passage: possibly several adjacent passages of the same quote, grouped."""

    passage_ids: tuple[str, ...]
    text: str  # exact source text covering the grouped passages
    date: str | None
    speaker: str | None  # speaker id
    speaker_name: dict[str, str]  # {"ru": "Ильхам Алиев", "en": "Ilham Aliyev"}; empty if none
    occasion: str
    kind: str
    source_id: str
    source_title: str
    source_url: str | None
    paragraphs: tuple[int, ...]  # the citation: the interface words it ("абзац 6", "paragraph 6", "abzas 6")
    score: float
    source_language: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # how many hits exist beyond paging
    reason: str | None = None  # why not answered: "empty", "too_long", "not_covered", "no_index"
    date_filter: str | None = None  # the date range the question was read as, e.g. "2025-03"
    speaker_filter: str | None = None
