"""Moderator screens as Telegram HTML: upload preview, sources, status, 👎 votes. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from index import FixPlan, ParagraphView, Preview
from index.corpus.corrections import CorrectionError
from index.errors import IndexLockedError, QuotebotError, SourceRejected

from ..dates import date_in_words
from ..markup import MESSAGE_LIMIT, esc, pack, split_text, visible_len
from ..render import location, short_title
from ..stats import StatsSnapshot
from ..strings import t, table
from ..types import Names
from .ops import SourceRow

SAMPLE_CHARS = 400
SNIPPET_CHARS = 160
QUESTION_CHARS = 300
MAX_DATES = 20
ROW_TEXT_CHARS = 48  # the start of each paragraph in the preview's paragraph list
ROW_BLOCK_CHARS = MESSAGE_LIMIT - 300  # one message of paragraph lines, with room for the "…and N more" line
ROW_MESSAGES = 2  # at most this many messages of paragraph lines; the rest is counted, not shown


def clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    first = split_text(flat, limit)[0]
    return first + ("…" if len(first) < len(flat) else "")


def _speaker(names: Names, speaker: str | None, lang: str) -> str:
    return (names.speaker_name(speaker, lang) or speaker) if speaker else ""


def _language(code: str, lang: str) -> str:
    return table(lang).language_names.get(code, code)


def _when(iso: str | None) -> str:
    """ "2026-11-25T19:20:01+00:00" → "2026-11-25 19:20 UTC"."""
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
        return t(lang, "busy")
    if isinstance(exc, SourceRejected):
        return t(lang, "rejected", reason=esc(str(exc)))
    if isinstance(exc, QuotebotError):
        return t(lang, "failed", reason=esc(str(exc)))
    return t(lang, "failed", reason=esc(type(exc).__name__))


def preview_chunks(preview: Preview, lang: str, names: Names) -> list[str]:
    """What an upload would add: title, counts, dates and speakers found, the first dated passages."""
    info = preview.source.info
    head = f"<b>{esc(t(lang, 'preview_title'))}</b>: {esc(short_title(info.title))}\n<code>{esc(info.id)}</code>"
    meta = [
        t(
            lang,
            "preview_meta",
            language=esc(_language(info.language, lang)),
            paragraphs=preview.paragraphs,
            passages=preview.passages,
            events=sum(1 for e in preview.events if e.get("date")),
        )
    ]
    if info.published:
        meta.append(esc(t(lang, "preview_published", date=date_in_words(info.published, lang))))
    if info.url:
        meta.append(f"{esc(t(lang, 'preview_url'))}: {esc(info.url)}")
    dates = sorted({str(e["date"]) for e in preview.events if e.get("date")})
    shown = ", ".join(date_in_words(d, lang) for d in dates[:MAX_DATES]) + (" …" if len(dates) > MAX_DATES else "")
    found_ids = [*preview.speakers, *(r.speaker for r in preview.paragraph_rows if r.speaker)]
    speakers = ", ".join(dict.fromkeys(_speaker(names, s, lang) for s in found_ids))
    none = t(lang, "preview_none")
    found = (
        f"{esc(t(lang, 'preview_dates'))}: {esc(shown or none)}\n"
        f"{esc(t(lang, 'preview_speakers'))}: {esc(speakers or none)}"
    )
    blocks = [head + "\n" + "; ".join(meta), found]
    if preview.dated_samples:
        blocks.append(esc(t(lang, "preview_samples")))
        for sample in preview.dated_samples:
            label = " · ".join(
                x for x in (date_in_words(sample.get("date"), lang), _speaker(names, sample.get("speaker"), lang)) if x
            )
            blocks.append(
                f"<blockquote><b>{esc(label)}</b>\n{esc(clip(str(sample['text']), SAMPLE_CHARS))}</blockquote>"
            )
    else:
        blocks.append(esc(t(lang, "preview_no_samples")))
    blocks += paragraph_blocks(preview.paragraph_rows, lang, names)
    blocks.append(f"<b>{esc(t(lang, 'preview_ask'))}</b>")
    return pack(blocks)


def _kind(kind: str, lang: str) -> str:
    return t(lang, f"mod_kind_{kind}") if kind in ("quote", "reported", "commentary") else kind


def paragraph_line(row: ParagraphView, lang: str, names: Names) -> str:
    """``6 · 2025-04-09 · Ilham Aliyev · quote — «Говоря об американской…»``: one paragraph, compact
    (the ISO date is what ``/fix`` takes)."""
    label = " · ".join(
        x
        for x in (
            str(row.number),
            row.date or t(lang, "preview_undated"),
            _speaker(names, row.speaker, lang),
            _kind(row.kind, lang),
        )
        if x
    )
    return f"<code>{esc(label)}</code> — {esc(clip(row.text, ROW_TEXT_CHARS))}"


def paragraph_blocks(rows: Sequence[ParagraphView], lang: str, names: Names) -> list[str]:
    """Each paragraph's date, speaker and kind, one line each, in at most ``ROW_MESSAGES`` messages;
    what does not fit is counted ("…and N more")."""
    if not rows:
        return []
    blocks: list[str] = []
    lines = [esc(t(lang, "preview_paragraphs"))]
    size = visible_len(lines[0])
    shown = 0
    for row in rows:
        line = paragraph_line(row, lang, names)
        n = visible_len(line) + 1
        if size + n > ROW_BLOCK_CHARS:
            blocks.append("\n".join(lines))
            if len(blocks) == ROW_MESSAGES:
                break
            lines, size = [], 0
        lines.append(line)
        size += n
        shown += 1
    else:
        blocks.append("\n".join(lines))
    if shown < len(rows):
        blocks[-1] += "\n" + esc(t(lang, "preview_more", n=len(rows) - shown))
    return blocks


def fix_error_text(exc: CorrectionError, lang: str) -> str:
    """Why ``/fix`` was refused, in the moderator's language."""
    key = f"fix_{exc.code}"
    try:
        return t(lang, key, **{k: esc(str(v)) for k, v in exc.values.items()})
    except KeyError:
        return t(lang, "fix_usage")


def fixed_text(plan: FixPlan, version: str, seconds: float, lang: str, names: Names) -> str:
    """The result of ``/fix``: which paragraph, each field before → after, the new version."""
    after, before = plan.after, plan.before
    lines = [
        esc(t(lang, "fixed", paragraph=after.number, id=plan.source.id, version=version, seconds=f"{seconds:.1f}"))
    ]
    none = t(lang, "status_none")

    def show(name: str, value: Any) -> str:
        if name == "date":
            return str(value or none)
        if name == "speaker":
            return _speaker(names, value, lang) or none
        return _kind(value, lang)

    for name in ("date", "speaker", "kind"):
        old, new = getattr(before, name), getattr(after, name)
        key = "fix_field" if old != new else "fix_same"
        lines.append("• " + esc(t(lang, key, name=t(lang, f"field_{name}"), old=show(name, old), new=show(name, new))))
    lines.append(f"<i>{esc(clip(after.text, SAMPLE_CHARS))}</i>")
    return "\n".join(lines)


def sources_chunks(rows: Sequence[SourceRow], version: str, lang: str) -> list[str]:
    """Every registered source: id, title, passage counts, when it was added and by whom."""
    blocks = [t(lang, "sources_title", n=len(rows), version=esc(version))]
    unknown = t(lang, "unknown")
    for row in rows:
        info, served = row.info, row.served
        line = f"• <code>{esc(info.id)}</code> — {esc(clip(info.title, 200))}\n"
        if served is None:
            line += esc(t(lang, "sources_unserved"))
        else:
            line += esc(
                t(
                    lang,
                    "sources_entry",
                    passages=served.passages,
                    paragraphs=served.paragraphs,
                    added=_when(info.added) or unknown,
                    by=info.added_by or unknown,
                )
            )
        blocks.append(line)
    blocks.append(f"<i>{esc(t(lang, 'sources_hint'))}</i>")
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


def status_chunks(
    status: Mapping[str, Any], stats: StatsSnapshot, change: Mapping[str, Any] | None, now: float, lang: str
) -> list[str]:
    none = t(lang, "status_none")
    p50 = f"{stats.p50_seconds:.2f} s" if stats.p50_seconds is not None else none
    lines = [
        t(lang, "status_title"),
        esc(
            t(
                lang,
                "status_version",
                version=status.get("version"),
                built_at=_when(status.get("built_at")),
                parent=status.get("parent") or none,
            )
        ),
        esc(t(lang, "status_model", model=status.get("model"), faiss=status.get("faiss") or none)),
        esc(
            t(
                lang,
                "status_corpus",
                sources=status.get("sources"),
                passages=status.get("passages"),
                events=status.get("events"),
            )
        ),
        esc(t(lang, "status_last", change=_change(change, status))),
        esc(t(lang, "status_uptime", uptime=_duration(now - stats.since))),
        esc(t(lang, "status_questions", answered=stats.answered, declined=stats.declined, p50=p50)),
    ]
    return ["\n".join(lines)]


def vote_block(
    number: int,
    record: Mapping[str, Any],
    snippets: Mapping[str, str],
    titles: Mapping[str, str],
    lang: str,
    names: Names,
) -> str:
    """One 👎 vote: when, who, which version, the question and the passages that were shown."""
    head = f"<b>{number}. {esc(_when(record.get('ts')))}</b> · " + esc(
        t(lang, "feedback_meta", user=record.get("user_id"), version=record.get("index_version") or "?")
    )
    question = f"{esc(t(lang, 'feedback_question'))}: «{esc(clip(str(record.get('query', '')), QUESTION_CHARS))}»"
    lines = [head, question]
    shown = record.get("shown") or []
    for hit in shown:
        source = str(hit.get("source_id", ""))
        label = " · ".join(
            x
            for x in (
                date_in_words(hit.get("date"), lang),
                _speaker(names, hit.get("speaker"), lang),
                short_title(titles.get(source, source)),
            )
            if x
        )
        paragraphs = [int(n) for n in hit.get("paragraphs") or []]
        where = f", {location(paragraphs, lang)}" if paragraphs else ""
        ids = hit.get("passage_ids") or []
        text = snippets.get(str(ids[0])) if ids else None
        quote = f": «{esc(clip(text, SNIPPET_CHARS))}»" if text else ""
        lines.append(f"  • {esc(label + where)}{quote}")
    if not shown:
        lines.append(esc(t(lang, "feedback_no_hits")))
    return "\n".join(lines)


def feedback_chunks(blocks: Sequence[str], total: int, lang: str) -> list[str]:
    if not blocks:
        return [esc(t(lang, "feedback_empty"))]
    return pack([t(lang, "feedback_title", shown=len(blocks), total=total), *blocks])
