"""Changing the corpus: add, remove, roll back — each a new published index version.

Every operation takes the writer lock, changes nothing until its index version is
published (see :func:`index.build.build_locked`), and is appended to the audit log while the
lock is held (journalled with the change, so recovery writes it if the process dies).
Source files are never deleted: a removed source's text stays under ``sources/`` so that a
rollback can bring it back.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .build import BuildReport, Encoder, build_locked
from .config import Settings
from .corpus.corrections import ParagraphView, paragraph_views
from .corpus.documents import document_text, normalise_text
from .corpus.passages import build_passages
from .corpus.sources import (
    ISO_DATE,
    LANGUAGES,
    SOURCES_DIR,
    Source,
    load_sources,
    load_speakers,
)
from .errors import CorpusError, SourceRejected
from .store import faults
from .store.auditlog import audit
from .store.auditlog import entry as audit_entry
from .store.checksums import sha256_text
from .store.durable import atomic_write
from .store.writer import audit_failure, audited, finish_publish, writing
from .yamlio import parse_yaml

__all__ = [
    "Preview",
    "add_source",
    "audit",
    "audit_failure",
    "list_sources",
    "parse_metadata",
    "prepare_source",
    "rebuild",
    "recover_data",
    "remove_source",
    "rollback",
    "validate_metadata",
]
from .types import SourceInfo

META_KEYS = ("title", "url", "date", "language")
log = logging.getLogger("quotebot.corpus")


@dataclass(frozen=True)
class Preview:
    """What a new source would add, for the moderator to confirm."""

    source: Source
    paragraphs: int
    passages: int
    events: list[dict[str, Any]]  # date, speaker, occasion, summary
    speakers: list[str]
    dated_samples: list[dict[str, Any]]  # the first few dated passages: date, speaker, text
    paragraph_rows: list[ParagraphView] = field(default_factory=list)  # each paragraph's date, speaker, kind


def parse_metadata(text: str | None) -> dict[str, str]:
    """``key: value`` lines (title, url, date, language) → dict; unknown keys are refused."""
    meta: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if ":" not in line:
            raise SourceRejected(f"cannot read {line[:40]!r}: write one 'key: value' per line ({', '.join(META_KEYS)})")
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key not in META_KEYS:
            raise SourceRejected(f"unknown key {key!r}: use {', '.join(META_KEYS)}")
        meta[key] = value
    return validate_metadata(meta)


def validate_metadata(meta: Mapping[str, str | None]) -> dict[str, str]:
    clean = {k: str(v).strip() for k, v in meta.items() if v is not None and str(v).strip()}
    if "date" in clean and not (ISO_DATE.match(clean["date"]) and _real_date(clean["date"])):
        raise SourceRejected(f"bad date {clean['date']!r}: use YYYY-MM-DD")
    if "url" in clean and not re.match(r"^https?://\S+$", clean["url"]):
        raise SourceRejected(f"bad url {clean['url']!r}: use an http(s) address")
    if "language" in clean and clean["language"] not in LANGUAGES:
        raise SourceRejected(f"bad language {clean['language']!r}: use {', '.join(LANGUAGES)}")
    if len(clean.get("title", "")) > 300:
        raise SourceRejected("the title is longer than 300 characters")
    return clean


def _real_date(iso: str) -> bool:
    try:
        datetime.strptime(iso, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _guess_language(text: str) -> str:
    """Script counts: Cyrillic is Russian; Latin with Azerbaijani letters (ə, ğ, ı, ş) is
    Azerbaijani; other Latin is English."""
    cyr = len(re.findall(r"[а-яА-ЯёЁ]", text))
    lat = len(re.findall(r"[a-zA-Z]", text))
    if cyr >= lat:
        return "ru"
    az = len(re.findall(r"[əƏğĞıİşŞ]", text))
    return "az" if az * 50 >= lat else "en"


def _title_of(text: str, filename: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return (first[:117] + "…") if len(first) > 120 else first or filename


def prepare_source(
    settings: Settings, data: bytes, filename: str, meta: dict[str, str] | None = None, *, added_by: str | None = None
) -> Preview:
    """Validate an upload and show what it would add; changes nothing on disk."""
    if len(data) > settings.max_source_bytes:
        raise SourceRejected(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {settings.max_source_bytes / 1e6:.1f} MB"
        )
    meta = validate_metadata(meta or {})
    text = document_text(data, filename)
    digest = sha256_text(text)
    existing = load_sources(settings.data_dir)
    for src in existing:
        if digest in (src.info.sha256, sha256_text(normalise_text(src.text))):
            raise SourceRejected(f"this text is already in the corpus as {src.id!r} ({src.info.title})")
    source_id = f"{len(existing):03d}_{digest[:16]}"
    while any(s.id == source_id for s in existing):
        source_id = f"{int(source_id[:3]) + 1:03d}_{digest[:16]}"
    info = SourceInfo(
        id=source_id,
        title=meta.get("title") or _title_of(text, filename),
        language=meta.get("language") or _guess_language(text),
        file=f"{SOURCES_DIR}/{source_id}.txt",
        url=meta.get("url"),
        published=meta.get("date"),
        added=datetime.now(UTC).isoformat(timespec="seconds"),
        added_by=added_by,
        sha256=digest,
    )
    source = Source(info, text)
    speakers = load_speakers(settings.data_dir)
    passages, events, paragraphs = build_passages(source, speakers)
    if not passages:
        raise SourceRejected("the file has no paragraphs of text")
    return Preview(
        source=source,
        paragraphs=len(paragraphs),
        passages=len(passages),
        events=[{"date": e.date, "speaker": e.speaker, "occasion": e.occasion, "summary": e.summary} for e in events],
        speakers=sorted({e.speaker for e in events if e.speaker}),
        dated_samples=[{"date": p.date, "speaker": p.speaker, "text": p.text} for p in passages if p.date][:3],
        paragraph_rows=paragraph_views(passages),
    )


def add_source(
    settings: Settings, preview: Preview, *, user: str = "cli", progress: bool = False, encoder: Encoder | None = None
) -> BuildReport:
    """Store the previewed source and publish an index version that includes it."""
    source = preview.source
    with writing(settings) as store:
        existing = load_sources(settings.data_dir)
        if any(s.info.sha256 == source.info.sha256 for s in existing):
            raise SourceRejected(f"this text is already in the corpus ({source.id})")
        if any(s.id == source.id for s in existing):
            raise SourceRejected(f"a source with id {source.id!r} already exists")
        path = settings.data_dir / source.info.file
        change = (user, "add", source.id)
        with audited(settings, change):
            atomic_write(path, source.text.encode("utf-8"), "source")  # a new file; harmless if the build fails
            return build_locked(
                settings,
                store,
                [*existing, source],
                progress=progress,
                encoder=encoder,
                registry_changed=True,
                audit=change,
            )


def remove_source(
    settings: Settings, source_id: str, *, user: str = "cli", progress: bool = False, encoder: Encoder | None = None
) -> BuildReport:
    """Publish a version without ``source_id`` (its text file is kept for rollback)."""
    with writing(settings) as store:
        existing = load_sources(settings.data_dir)
        if not any(s.id == source_id for s in existing):
            raise CorpusError(f"no source with id {source_id!r}; see `quotebot sources list`")
        remaining = [s for s in existing if s.id != source_id]
        change = (user, "remove", source_id)
        with audited(settings, change):
            return build_locked(
                settings, store, remaining, progress=progress, encoder=encoder, registry_changed=True, audit=change
            )


def rebuild(
    settings: Settings, *, user: str = "cli", progress: bool = False, encoder: Encoder | None = None
) -> BuildReport:
    """Rebuild the index of the registered corpus (a moderator's /reindex), audited."""
    change = (user, "reindex", None)
    with writing(settings) as store, audited(settings, change):
        return build_locked(
            settings, store, load_sources(settings.data_dir), progress=progress, encoder=encoder, audit=change
        )


def rollback(settings: Settings, *, user: str = "cli") -> str:
    """Switch back to the parent of the published version, with its source set.

    Journalled like a build: once ``CURRENT`` points at the parent, the rollback is done; the
    registry and the audit entry are written now or by the next writer's recovery."""
    with writing(settings) as store:
        current = store.require_current()
        parent = store.manifest(current).parent
        if not parent or parent not in store.versions():
            raise CorpusError("there is no previous index version to roll back to")
        try:
            # never switch readers to a version they would refuse
            stored = store.open(parent, store.verify(parent))
            registry = stored.registry()
            for entry in (parse_yaml(registry) or {}).get("sources", []):
                target = settings.data_dir / entry["file"]
                snapshot = stored.text_file(entry["id"])
                if not target.is_file() and snapshot.is_file():
                    atomic_write(target, snapshot.read_bytes(), "source")
            record = audit_entry(user, "rollback", None, f"ok: version {parent} (was {current})", parent)
            store.set_pending({"version": parent, "registry": registry, "audit": record})
            faults.point("rollback.journalled")
            store.switch(parent)
        except Exception as exc:
            if store.current() != parent:
                with contextlib.suppress(OSError):
                    if (store.pending() or {}).get("version") == parent:
                        store.clear_pending()
                audit_failure(settings, user, "rollback", None, exc)
                raise
            log.warning("rolled back to %s, but a step after the switch failed", parent, exc_info=True)
        finish_publish(settings, store, registry, record)
    return parent


def list_sources(settings: Settings) -> list[SourceInfo]:
    return [s.info for s in load_sources(settings.data_dir)]


def recover_data(settings: Settings) -> None:
    """Clean up after a crashed update (half-built version, unfinished registry change)."""
    with writing(settings):
        pass
