"""Types shared by the bot's layers (rendering, the view store, the handlers), so that none of them
imports another's internals for a type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from index import Hit


@dataclass(frozen=True, slots=True)
class HitRef:
    """What a button needs to know about a shown hit, stored with the view (restart-safe)."""

    passage_ids: tuple[str, ...]
    source_id: str
    paragraphs: tuple[int, ...]
    title: str
    url: str | None
    date: str | None
    speaker: str | None
    occasion: str
    kind: str

    @classmethod
    def of(cls, hit: Hit) -> HitRef:
        return cls(
            hit.passage_ids,
            hit.source_id,
            hit.paragraphs,
            hit.source_title,
            hit.source_url,
            hit.date,
            hit.speaker,
            hit.occasion,
            hit.kind,
        )


class Names(Protocol):
    """Display names for speaker ids and occasions (the engine provides them)."""

    def speaker_name(self, speaker_id: str, lang: str) -> str: ...

    def occasion_name(self, occasion: str, lang: str) -> str: ...
