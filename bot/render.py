"""Engine results → Telegram HTML messages. Pure functions: no network, no PTB calls.

Every piece of corpus and user text goes through :func:`bot.markup.esc`; messages are packed
at block (passage) boundaries so none exceeds Telegram's 4096-character limit, and a single
passage longer than that is cut at sentence boundaries into continued quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index import Answer, Event, Hit, SourceInfo

from .dates import date_in_words, period_in_words
from .markup import MESSAGE_LIMIT, esc, esc_attr, pack, split_text, utf16_len, visible_len
from .strings import t, table
from .types import HitRef, Names

QUERY_ECHO_CHARS = 200
TITLE_CHARS = 300  # a source title is shown at most this long: one huge title must not break every answer
INLINE_DESCRIPTION_CHARS = 120


@dataclass(frozen=True, slots=True)
class InlineArticle:
    title: str
    description: str
    html: str


def _speaker(speaker: str | None, names_by_lang: dict[str, str], lang: str, names: Names) -> str:
    if not speaker:
        return ""
    return names_by_lang.get(lang) or names.speaker_name(speaker, lang) or next(iter(names_by_lang.values()), "")


def location(paragraphs: Sequence[int], lang: str) -> str:
    if len(paragraphs) == 1:
        return t(lang, "paragraph_one", n=paragraphs[0])
    return t(lang, "paragraph_many", first=paragraphs[0], last=paragraphs[-1])


def headline(date: str | None, speaker: str, occasion: str, kind: str, lang: str, names: Names) -> str:
    """Plain text "25 ноября 2024 · Ильхам Алиев · телефонный разговор (пересказ)"."""
    parts = [date_in_words(date, lang) or t(lang, "no_date")]
    if speaker:
        parts.append(speaker)
    if kind == "commentary":
        parts.append(t(lang, "kind_commentary"))
    else:
        occ = names.occasion_name(occasion, lang) if occasion else ""
        if occ:
            parts.append(occ)
        if kind == "reported":
            parts.append(t(lang, "kind_reported"))
    return " · ".join(parts)


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """``title`` on one line, cut at a word boundary to ``limit`` characters with "…" if longer."""
    flat = " ".join(title.split())
    first = split_text(flat, limit)[0] if flat else flat
    return first + ("…" if len(first) < len(flat) else "")


def citation(title: str, url: str | None, paragraphs: Sequence[int], lang: str) -> str:
    title = short_title(title)
    name = f'<a href="{esc_attr(url)}">{esc(title)}</a>' if url else esc(title)
    return f"{t(lang, 'source')}: {name}, {location(paragraphs, lang)}"


def _quote(number: int | None, head: str, text: str) -> str:
    prefix = f"{number}. " if number is not None else ""
    return f"<blockquote><b>{esc(prefix + head)}</b>\n{esc(text)}</blockquote>"


def _pieces(number: int | None, head: str, text: str, cite: str, lang: str, limit: int, reserve: int = 0) -> list[str]:
    cont_head = f"{head} ({t(lang, 'continued')})"
    overhead = max(visible_len(_quote(number, cont_head, "")), visible_len(_quote(number, head, "")))
    room = max(1, limit - overhead - visible_len(cite) - 2 - reserve)
    return split_text(text, room)


def quote_blocks(
    number: int | None, head: str, text: str, cite: str, lang: str, limit: int = MESSAGE_LIMIT
) -> list[str]:
    """One quote as HTML blocks: header + exact text in a blockquote, citation below.

    A text too long for one message is split at sentence boundaries into several blockquotes
    marked as continued; the citation follows the last one.
    """
    whole = f"{_quote(number, head, text)}\n{cite}"
    if visible_len(whole) <= limit:
        return [whole]
    cont_head = f"{head} ({t(lang, 'continued')})"
    pieces = _pieces(number, head, text, cite, lang, limit)
    blocks = [_quote(number, head if i == 0 else cont_head, piece) for i, piece in enumerate(pieces)]
    blocks[-1] = f"{blocks[-1]}\n{cite}"
    return blocks


def hit_blocks(hit: Hit, number: int | None, lang: str, names: Names, limit: int = MESSAGE_LIMIT) -> list[str]:
    speaker = _speaker(hit.speaker, hit.speaker_name, lang, names)
    head = headline(hit.date, speaker, hit.occasion, hit.kind, lang, names)
    cite = citation(hit.source_title, hit.source_url, hit.paragraphs, lang)
    return quote_blocks(number, head, hit.text, cite, lang, limit)


def _echo(query: str) -> str:
    pieces = split_text(" ".join(query.split()), QUERY_ECHO_CHARS)
    return pieces[0] + ("…" if len(pieces) > 1 else "")


def answer_header(answer: Answer, offset: int, lang: str, names: Names) -> str:
    first = offset + 1
    last = offset + len(answer.hits)
    total = max(answer.total, last)
    line = f"<b>{esc(t(lang, 'results', first=first, last=last, total=total, query=_echo(answer.query)))}</b>"
    notes = []
    if answer.date_filter:
        notes.append(t(lang, "period", value=period_in_words(answer.date_filter, lang)))
    if answer.speaker_filter:
        notes.append(t(lang, "speaker", value=names.speaker_name(answer.speaker_filter, lang)))
    if notes:
        line += f"\n<i>{esc('; '.join(notes))}</i>"
    return line


def render_answer(answer: Answer, offset: int, lang: str, names: Names, limit: int = MESSAGE_LIMIT) -> list[str]:
    """An answered question as one or more HTML messages, split only between quotes."""
    if not answer.answered or not answer.hits:
        return [render_unanswered(answer, lang)]
    blocks = [answer_header(answer, offset, lang, names)]
    for i, hit in enumerate(answer.hits, start=offset + 1):
        blocks.extend(hit_blocks(hit, i, lang, names, limit))
    return pack(blocks, limit)


def render_unanswered(answer: Answer, lang: str) -> str:
    """Why there is no answer; never a quote."""
    reason = answer.reason if answer.reason in {"empty", "too_long", "bad_input"} else "not_covered"
    return esc(t(lang, reason)) if reason != "not_covered" else t(lang, "not_covered")


def render_paragraphs(
    ref: HitRef, texts: Sequence[str], lang: str, names: Names, limit: int = MESSAGE_LIMIT
) -> list[str]:
    """The full paragraph(s) a hit comes from, with the hit's header and citation."""
    speaker = names.speaker_name(ref.speaker, lang) if ref.speaker else ""
    head = f"{t(lang, 'paragraph_title')} · " + headline(ref.date, speaker, ref.occasion, ref.kind, lang, names)
    cite = citation(ref.title, ref.url, ref.paragraphs, lang)
    return pack(quote_blocks(None, head, "\n\n".join(texts), cite, lang, limit), limit)


def render_timeline(events: Sequence[Event], lang: str, names: Names, limit: int = MESSAGE_LIMIT) -> list[str]:
    """One line per dated event: date, who, what (the exact header sentence)."""
    if not events:
        return [esc(t(lang, "timeline_empty"))]
    blocks = [t(lang, "timeline_header", n=len(events))]
    for ev in sorted(events, key=lambda e: (e.date, e.source_id, e.index)):
        who = names.speaker_name(ev.speaker, lang) if ev.speaker else ""
        what = names.occasion_name(ev.occasion, lang)
        meta = ", ".join(x for x in (who, what) if x)
        line = f"• <b>{esc(date_in_words(ev.date, lang))}</b>"
        if meta:
            line += f" — {esc(meta)}"
        summary = ev.summary
        room = limit - visible_len(line) - 2
        if utf16_len(summary) > room:
            summary = split_text(summary, room - 1)[0] + "…"
        blocks.append(f"{line}: {esc(summary)}")
    return pack(blocks, limit, sep="\n")


def render_sources(
    sources: Sequence[SourceInfo], status: dict[str, object], lang: str, limit: int = MESSAGE_LIMIT
) -> list[str]:
    """What the corpus contains: one entry per source, then the index version."""
    total = sum(s.passages for s in sources)
    blocks = [t(lang, "sources_header", sources=len(sources), passages=status.get("passages", total))]
    for s in sources:
        name = short_title(s.title)
        title = f'<a href="{esc_attr(s.url)}">{esc(name)}</a>' if s.url else esc(name)
        language = table(lang).language_names.get(s.language, s.language)
        entry = "• " + t(
            lang, "source_line", title=title, language=esc(language), paragraphs=s.paragraphs, passages=s.passages
        )
        if s.published:
            entry += f"; {esc(t(lang, 'source_published', date=date_in_words(s.published, lang)))}"
        blocks.append(entry)
    if status.get("version"):
        note = t(lang, "sources_version", version=status.get("version"), built_at=status.get("built_at", "?"))
        blocks.append(f"<i>{esc(note)}</i>")
    return pack(blocks, limit)


def render_inline_article(hit: Hit, lang: str, names: Names, limit: int = MESSAGE_LIMIT) -> InlineArticle:
    """One inline result: title = date + speaker, description = start of the quote, message = quote + citation."""
    speaker = _speaker(hit.speaker, hit.speaker_name, lang, names)
    title = " · ".join(x for x in (date_in_words(hit.date, lang) or t(lang, "no_date"), speaker) if x)
    flat = " ".join(hit.text.split())
    description = split_text(flat, INLINE_DESCRIPTION_CHARS)[0]
    if len(description) < len(flat):
        description += "…"
    head = headline(hit.date, speaker, hit.occasion, hit.kind, lang, names)
    cite = citation(hit.source_title, hit.source_url, hit.paragraphs, lang)
    whole = f"{_quote(None, head, hit.text)}\n{cite}"
    if visible_len(whole) > limit:  # one inline message only: keep the start and mark the cut
        first = _pieces(None, head, hit.text, cite, lang, limit, reserve=4)[0]
        whole = f"{_quote(None, head, first + ' […]')}\n{cite}"
    return InlineArticle(title, description, whole)
