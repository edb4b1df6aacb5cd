"""The corpus registry (``sources.yaml``), the speakers (``speakers.yaml``) and source texts.

Loading validates every entry and fails with a :class:`CorpusError` naming the file and
the field. Writing goes through a temporary file and an atomic rename.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import CorpusError
from ..store.checksums import sha256_text
from ..store.durable import atomic_write
from ..types import SourceInfo
from ..yamlio import parse_yaml
from .corrections import Correction, load_corrections

REGISTRY_FILE = "sources.yaml"
SPEAKERS_FILE = "speakers.yaml"
SOURCES_DIR = "sources"
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGES = ("ru", "en", "az")
NAME_LANGUAGES = ("ru", "en")  # a known speaker needs at least these names; "az" is optional


@dataclass(frozen=True)
class Source:
    """A registered source, its text and the moderators' corrections of its paragraphs."""

    info: SourceInfo
    text: str
    corrections: tuple[Correction, ...] = ()

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True)
class Speaker:
    id: str
    name: dict[str, str]
    role: dict[str, str]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Speakers:
    items: tuple[Speaker, ...]
    _patterns: tuple[tuple[re.Pattern[str], str], ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, items: Iterable[Speaker]) -> Speakers:
        items = tuple(items)
        pairs = []
        for sp in items:
            for alias in sp.aliases:
                words = r"\s+".join(re.escape(w) for w in alias.split())
                pairs.append((len(alias), re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE), sp.id))
        pairs.sort(key=lambda p: -p[0])
        return cls(items, tuple((p, sid) for _, p, sid in pairs))

    def get(self, speaker_id: str | None) -> Speaker | None:
        return next((s for s in self.items if s.id == speaker_id), None)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping alias matches ``(start, end, speaker_id)`` in text order.

        This is the question-side matcher: a question is a line, read on every ask, so it is
        matched on the aliases (every inflected form ``speakers.yaml`` lists) by one regex pass.
        Sources are read once, at build time, by :class:`index.corpus.attribution.Attributor`,
        which also resolves forms the aliases leave out (natasha lemmas, transliteration keys)
        at a cost of tens of milliseconds a text: too slow for the ask path."""
        found: list[tuple[int, int, str]] = []
        for pattern, sid in self._patterns:
            for m in pattern.finditer(text):
                if not any(m.start() < e and s < m.end() for s, e, _ in found):
                    found.append((m.start(), m.end(), sid))
        return sorted(found)


def _need(entry: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    value = entry.get(key)
    if value is None or (kind is str and not str(value).strip()):
        raise CorpusError(f"{where}: field '{key}' is required")
    if not isinstance(value, kind):
        raise CorpusError(f"{where}: field '{key}' must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise CorpusError(f"{path}: file not found")
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid YAML: {exc}") from exc


def _source_info(entry: Any, where: str) -> SourceInfo:
    if not isinstance(entry, dict):
        raise CorpusError(f"{where}: each source must be a mapping")
    sid = str(_need(entry, "id", where))
    if not SOURCE_ID.match(sid):
        raise CorpusError(f"{where}: field 'id' must match {SOURCE_ID.pattern}, got {sid!r}")
    lang = str(_need(entry, "language", where))
    if lang not in LANGUAGES:
        raise CorpusError(f"{where}: field 'language' must be one of {LANGUAGES}, got {lang!r}")
    file = str(_need(entry, "file", where))
    if Path(file).is_absolute() or ".." in Path(file).parts:
        raise CorpusError(f"{where}: field 'file' must be a path inside the data directory, got {file!r}")
    published = entry.get("published")
    if published is not None:
        published = str(published)
        if not ISO_DATE.match(published):
            raise CorpusError(f"{where}: field 'published' must be an ISO date YYYY-MM-DD, got {published!r}")
    url = entry.get("url")
    if url is not None and not re.match(r"^https?://\S+$", str(url)):
        raise CorpusError(f"{where}: field 'url' must be an http(s) URL, got {url!r}")
    return SourceInfo(
        id=sid,
        title=str(_need(entry, "title", where)),
        language=lang,
        file=file,
        url=str(url) if url else None,
        published=published,
        added=str(entry["added"]) if entry.get("added") else None,
        added_by=str(entry["added_by"]) if entry.get("added_by") else None,
        sha256=str(entry["sha256"]) if entry.get("sha256") else None,
    )


def load_registry(data_dir: Path) -> list[SourceInfo]:
    return [info for info, _ in _load_entries(data_dir)]


def _load_entries(data_dir: Path) -> list[tuple[SourceInfo, tuple[Correction, ...]]]:
    path = data_dir / REGISTRY_FILE
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise CorpusError(f"{path}: top-level field 'sources' must be a list")
    entries: list[tuple[SourceInfo, tuple[Correction, ...]]] = []
    for i, entry in enumerate(raw["sources"]):
        where = f"{path}: sources[{i}]"
        info = _source_info(entry, where)
        if any(o.id == info.id for o, _ in entries):
            raise CorpusError(f"{where}: duplicate id {info.id!r}")
        entries.append((info, load_corrections(entry.get("corrections"), where)))
    return entries


def read_source_text(data_dir: Path, info: SourceInfo) -> str:
    path = data_dir / info.file
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CorpusError(f"{data_dir / REGISTRY_FILE}: source {info.id!r}: file {info.file!r} not found") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_sources(data_dir: Path) -> list[Source]:
    sources = []
    for info, corrections in _load_entries(data_dir):
        text = read_source_text(data_dir, info)
        sources.append(Source(replace(info, sha256=sha256_text(text)), text, corrections))
    return sources


def load_speakers(data_dir: Path) -> Speakers:
    path = data_dir / SPEAKERS_FILE
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("speakers"), list):
        raise CorpusError(f"{path}: top-level field 'speakers' must be a list")
    items = []
    for i, entry in enumerate(raw["speakers"]):
        where = f"{path}: speakers[{i}]"
        if not isinstance(entry, dict):
            raise CorpusError(f"{where}: each speaker must be a mapping")
        sid = str(_need(entry, "id", where))
        name = _need(entry, "name", where, dict)
        for lang in NAME_LANGUAGES:
            if not name.get(lang):
                raise CorpusError(f"{where}: field 'name.{lang}' is required")
        aliases = _need(entry, "aliases", where, dict)
        flat = [str(a) for lang in aliases for a in (aliases[lang] or [])]
        if not flat:
            raise CorpusError(f"{where}: field 'aliases' needs at least one alias")
        flat += [name["ru"], name["en"]]
        items.append(
            Speaker(
                sid,
                {k: str(v) for k, v in name.items()},
                {k: str(v) for k, v in (entry.get("role") or {}).items()},
                tuple(dict.fromkeys(flat)),
            )
        )
    return Speakers.of(items)


def write_registry(data_dir: Path, infos: list[SourceInfo | Source]) -> None:
    """Atomically rewrite ``sources.yaml`` with ``infos``."""
    atomic_write(data_dir / REGISTRY_FILE, registry_yaml(infos).encode("utf-8"), "registry")


def registry_yaml(infos: list[SourceInfo | Source]) -> str:
    """The registry text of ``infos``; a :class:`Source` brings its corrections along."""
    entries = []
    for item in infos:
        info = item.info if isinstance(item, Source) else item
        entry: dict[str, Any] = {"id": info.id, "title": info.title, "language": info.language, "file": info.file}
        for key in ("url", "published", "added", "added_by", "sha256"):
            value = getattr(info, key)
            if value:
                entry[key] = value
        if isinstance(item, Source) and item.corrections:
            entry["corrections"] = [c.to_dict() for c in item.corrections]
        entries.append(entry)
    header = "# Registry of the corpus; see docs/passages.md. Written by quotebot.\n"
    return header + yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False, width=1000)
