"""Moderator screens as Telegram HTML: upload preview, sources, status, 👎 votes. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from index import Preview
from index.errors import IndexLockedError, QuotebotError, SourceRejected

from ..dates import date_in_words
from ..markup import esc, pack, split_text
from ..render import Names, location, short_title
from ..stats import StatsSnapshot
from ..texts import LANGUAGE_NAMES
from .ops import SourceRow
from .texts import mt

SAMPLE_CHARS = 400
SNIPPET_CHARS = 160
QUESTION_CHARS = 300
MAX_DATES = 20


def clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    first = split_text(flat, limit)[0]
    return first + ("…" if len(first) < len(flat) else "")


def _speaker(names: Names, speaker: str | None, lang: str) -> str:
    return (names.speaker_name(speaker, lang) or speaker) if speaker else ""


def _language(code: str, lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["en"]).get(code, code)


def _when(iso: str | None) -> str:
    """"2026-11-25T19:20:01+00:00" → "2026-11-25 19:20 UTC"."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def failure_text(exc: BaseException, lang: str) -> str:
    """Why a change did not happen, for the moderator (internals are not shown)."""
    if isinstance(exc, IndexLockedError):
        return mt(lang, "busy")
    if isinstance(exc, SourceRejected):
        return mt(lang, "rejected", reason=esc(str(exc)))
    if isinstance(exc, QuotebotError):
        return mt(lang, "failed", reason=esc(str(exc)))
    return mt(lang, "failed", reason=esc(type(exc).__name__))


def preview_chunks(preview: Preview, lang: str, names: Names) -> list[str]:
    """What an upload would add: title, counts, dates and speakers found, the first dated passages."""
    info = preview.source.info
    head = f"<b>{esc(mt(lang, 'preview_title'))}</b>: {esc(short_title(info.title))}\n<code>{esc(info.id)}</code>"
    meta = [mt(lang, "preview_meta", language=esc(_language(info.language, lang)), paragraphs=preview.paragraphs,
               passages=preview.passages, events=sum(1 for e in preview.events if e.get("date")))]
    if info.published:
        meta.append(esc(mt(lang, "preview_published", date=date_in_words(info.published, lang))))
    if info.url:
        meta.append(f"{esc(mt(lang, 'preview_url'))}: {esc(info.url)}")
    dates = sorted({str(e["date"]) for e in preview.events if e.get("date")})
    shown = ", ".join(date_in_words(d, lang) for d in dates[:MAX_DATES]) + (" …" if len(dates) > MAX_DATES else "")
    speakers = ", ".join(_speaker(names, s, lang) for s in preview.speakers)
    none = mt(lang, "preview_none")
    found = (f"{esc(mt(lang, 'preview_dates'))}: {esc(shown or none)}\n"
             f"{esc(mt(lang, 'preview_speakers'))}: {esc(speakers or none)}")
    blocks = [head + "\n" + "; ".join(meta), found]
    if preview.dated_samples:
        blocks.append(esc(mt(lang, "preview_samples")))
        for sample in preview.dated_samples:
            label = " · ".join(x for x in (date_in_words(sample.get("date"), lang),
                                            _speaker(names, sample.get("speaker"), lang)) if x)
            blocks.append(f"<blockquote><b>{esc(label)}</b>\n{esc(clip(str(sample['text']), SAMPLE_CHARS))}"
                          "</blockquote>")
    else:
        blocks.append(esc(mt(lang, "preview_no_samples")))
    blocks.append(f"<b>{esc(mt(lang, 'preview_ask'))}</b>")
    return pack(blocks)


def sources_chunks(rows: Sequence[SourceRow], version: str, lang: str) -> list[str]:
    """Every registered source: id, title, passage counts, when it was added and by whom."""
    blocks = [mt(lang, "sources_title", n=len(rows), version=esc(version))]
    unknown = mt(lang, "unknown")
    for row in rows:
        info, served = row.info, row.served
        line = f"• <code>{esc(info.id)}</code> — {esc(clip(info.title, 200))}\n"
        if served is None:
            line += esc(mt(lang, "sources_unserved"))
        else:
            line += esc(mt(lang, "sources_entry", passages=served.passages, paragraphs=served.paragraphs,
                           added=_when(info.added) or unknown, by=info.added_by or unknown))
        blocks.append(line)
    blocks.append(f"<i>{esc(mt(lang, 'sources_hint'))}</i>")
    return pack(blocks)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    parts.append(f"{minutes} min" if hours or days or minutes else f"{secs} s")
    return " ".join(parts)


def _change(change: Mapping[str, Any] | None, status: Mapping[str, Any]) -> str:
    if not change:
        return f"{_when(str(status.get('built_at') or ''))} (build)"
    parts = [_when(change.get("time")), str(change.get("action", ""))]
    if change.get("source_id"):
        parts.append(str(change["source_id"]))
    if change.get("user"):
        parts.append(f"by {change['user']}")
    return " · ".join(p for p in parts if p)


def status_chunks(status: Mapping[str, Any], stats: StatsSnapshot, change: Mapping[str, Any] | None,
                  now: float, lang: str) -> list[str]:
    none = mt(lang, "status_none")
    p50 = f"{stats.p50_seconds:.2f} s" if stats.p50_seconds is not None else none
    lines = [
        mt(lang, "status_title"),
        esc(mt(lang, "status_version", version=status.get("version"), built_at=_when(status.get("built_at")),
               parent=status.get("parent") or none)),
        esc(mt(lang, "status_model", model=status.get("model"), faiss=status.get("faiss") or none)),
        esc(mt(lang, "status_corpus", sources=status.get("sources"), passages=status.get("passages"),
               events=status.get("events"))),
        esc(mt(lang, "status_last", change=_change(change, status))),
        esc(mt(lang, "status_uptime", uptime=_duration(now - stats.since))),
        esc(mt(lang, "status_questions", answered=stats.answered, declined=stats.declined, p50=p50)),
    ]
    return ["\n".join(lines)]


def vote_block(number: int, record: Mapping[str, Any], snippets: Mapping[str, str], titles: Mapping[str, str],
               lang: str, names: Names) -> str:
    """One 👎 vote: when, who, which version, the question and the passages that were shown."""
    head = f"<b>{number}. {esc(_when(record.get('ts')))}</b> · " + esc(mt(
        lang, "feedback_meta", user=record.get("user_id"), version=record.get("index_version") or "?"))
    question = f"{esc(mt(lang, 'feedback_question'))}: «{esc(clip(str(record.get('query', '')), QUESTION_CHARS))}»"
    lines = [head, question]
    shown = record.get("shown") or []
    for hit in shown:
        source = str(hit.get("source_id", ""))
        label = " · ".join(x for x in (date_in_words(hit.get("date"), lang), _speaker(names, hit.get("speaker"), lang),
                                        short_title(titles.get(source, source))) if x)
        paragraphs = [int(n) for n in hit.get("paragraphs") or []]
        where = f", {location(paragraphs, lang)}" if paragraphs else ""
        ids = hit.get("passage_ids") or []
        text = snippets.get(str(ids[0])) if ids else None
        quote = f": «{esc(clip(text, SNIPPET_CHARS))}»" if text else ""
        lines.append(f"  • {esc(label + where)}{quote}")
    if not shown:
        lines.append(esc(mt(lang, "feedback_no_hits")))
    return "\n".join(lines)


def feedback_chunks(blocks: Sequence[str], total: int, lang: str) -> list[str]:
    if not blocks:
        return [esc(mt(lang, "feedback_empty"))]
    return pack([mt(lang, "feedback_title", shown=len(blocks), total=total), *blocks])
