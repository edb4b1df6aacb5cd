"""Correcting one paragraph of the corpus model: a corpus change like add or remove.

:func:`check_fix` validates a correction without changing anything (the bot calls it before it
says it is working); :func:`fix_paragraph` validates again under the writer lock, stores the
correction in the registry and publishes an index version built with it (vectors are reused:
the texts did not change), audited as ``fix`` like any corpus change (journalled, written under
the lock, completed by recovery if a crash interrupts it). Bad input raises
:class:`~index.corpus.corrections.CorrectionError` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from .build import BuildReport, Encoder, build_locked
from .config import Settings
from .corpus.corrections import (
    Correction,
    CorrectionError,
    ParagraphView,
    apply_corrections,
    check_paragraph,
    paragraph_views,
    parse_assignments,
    with_correction,
)
from .corpus.passages import build_passages
from .corpus.sources import Source, Speakers, load_sources, load_speakers
from .store.writer import audited, writing
from .types import Passage


@dataclass(frozen=True)
class FixPlan:
    """A validated correction and the paragraph as the model reads it before and after it."""

    source: Source
    correction: Correction
    before: ParagraphView
    after: ParagraphView


@dataclass(frozen=True)
class FixReport:
    plan: FixPlan
    build: BuildReport


def _view(passages: list[Passage], source: Source, speakers: Speakers, number: int) -> ParagraphView:
    corrected = apply_corrections(passages, source.corrections, speakers)
    return next(v for v in paragraph_views(corrected) if v.number == number)


def _plan(
    sources: list[Source],
    speakers: Speakers,
    source_id: str,
    paragraph: str | int,
    changes: str | Mapping[str, str | None],
    user: str | None,
) -> FixPlan:
    source = next((s for s in sources if s.id == source_id), None)
    if source is None:
        raise CorrectionError(
            "unknown_source", f"no source with id {source_id[:64]!r}; see `quotebot sources list`", id=source_id[:64]
        )
    values = parse_assignments(changes) if isinstance(changes, str) else dict(changes)
    if not values:
        raise CorrectionError("usage", "give at least one of date=, speaker=, kind=")
    passages, _, paragraphs = build_passages(source, speakers)  # once: the rules are the slow part
    number = check_paragraph(paragraph, len(paragraphs))
    correction = Correction(
        number,
        tuple((k, values[k]) for k in ("date", "speaker", "kind") if k in values),
        user,
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    fixed = replace(source, corrections=with_correction(source.corrections, correction))
    return FixPlan(
        fixed, correction, _view(passages, source, speakers, number), _view(passages, fixed, speakers, number)
    )


def check_fix(
    settings: Settings,
    source_id: str,
    paragraph: str | int,
    changes: str | Mapping[str, str | None],
    *,
    user: str | None = None,
) -> FixPlan:
    """Validate a correction against the registered corpus; changes nothing."""
    return _plan(load_sources(settings.data_dir), load_speakers(settings.data_dir), source_id, paragraph, changes, user)


def fix_paragraph(
    settings: Settings,
    source_id: str,
    paragraph: str | int,
    changes: str | Mapping[str, str | None],
    *,
    user: str = "cli",
    progress: bool = False,
    encoder: Encoder | None = None,
) -> FixReport:
    """Store a correction of one paragraph and publish an index version built with it."""
    with writing(settings) as store:
        sources = load_sources(settings.data_dir)
        plan = _plan(sources, load_speakers(settings.data_dir), source_id, paragraph, changes, user)
        changed = [plan.source if s.id == source_id else s for s in sources]
        note = f"paragraph {plan.correction.paragraph} {plan.correction.describe()}"
        change = (user, "fix", source_id)
        with audited(settings, change):
            report = build_locked(
                settings,
                store,
                changed,
                progress=progress,
                encoder=encoder,
                registry_changed=True,
                audit=change,
                audit_note=note,
            )
    return FixReport(plan, report)
