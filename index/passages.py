"""From a source text to passages that know their event.

The model, in order:

1. **Paragraphs.** Blocks separated by blank lines (or single lines when the text has no
   blank lines), numbered from 1, with their character offsets.
2. **Quote spans.** «…», “…”, „…“ tracked across paragraphs with a depth counter: a quote
   may run over several paragraphs; a paragraph that re-opens «…» while a quote is open
   continues it; a stray closing mark is ignored; a new dated header resets an unclosed
   quote. Spans of fewer than four words are scare quotes, not speech.
3. **Events.** A paragraph that is not inside a quote and whose header zone (its first
   sentence, before any quote opens) holds a calendar day ("6 ноября 2024 года", "22 июля",
   "August 8, 2025") starts an event. A day without a year takes the year of the previous
   event (or the source's publication year); "в тот же день" without a day takes the
   previous event's date. Bare years ("в 1992 году") never date an event. The event's
   speaker is the first known speaker named in the nominative outside quotes, its occasion
   the first occasion keyword of the header.
4. **Carry-over.** Following paragraphs belong to the event while they are inside or hold a
   quote, or name a speaker together with a reporting verb; the first paragraph that does
   neither closes the event, and it and what follows (until the next header) is the
   author's commentary with no date.
5. **Passages.** Each paragraph is split into sentences (razdel) grouped into windows of
   at most ``max_chars``; a passage's text is the exact slice of the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from razdel import sentenize

from .dates import find_dates, mentions_same_day
from .lexicon import load_lexicon
from .sources import Source, Speakers
from .types import Event, Passage

OPENERS = {"«": "»", "“": "”", "„": "“"}
CLOSERS = {"»", "”"}
MIN_SPEECH_WORDS = 4
DEFAULT_MAX_CHARS = 500


@dataclass
class Paragraph:
    number: int
    start: int
    end: int
    text: str
    depth_at_start: int = 0
    speech: list[tuple[int, int]] = field(default_factory=list)  # paragraph-relative spans
    date: str | None = None
    speaker: str | None = None
    occasion: str = "commentary"
    event: int | None = None
    header: bool = False

    def outside_quotes(self) -> str:
        """The paragraph's text with speech quotes blanked out (offsets preserved)."""
        chars = list(self.text)
        for s, e in self.speech:
            for i in range(s, min(e, len(chars))):
                chars[i] = " "
        return "".join(chars)

    def quoted_share(self, s: int, e: int) -> float:
        if e <= s:
            return 0.0
        inside = sum(max(0, min(e, qe) - max(s, qs)) for qs, qe in self.speech)
        return inside / (e - s)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs with offsets. Blank lines separate paragraphs when the text has any."""
    blocks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    paragraphs: list[Paragraph] = []
    pos = 0
    for block in blocks:
        idx = text.index(block, pos)
        pos = idx + len(block)
        stripped = block.strip()
        if not stripped:
            continue
        start = idx + (len(block) - len(block.lstrip()))
        end = start + len(stripped)
        paragraphs.append(Paragraph(len(paragraphs) + 1, start, end, text[start:end]))
    return paragraphs


def _starts_with_day(text: str) -> bool:
    head = text[:40]
    return any(d.is_day and d.start < 5 for d in find_dates(head))


def mark_quotes(paragraphs: list[Paragraph]) -> None:
    """Fill ``depth_at_start`` and ``speech`` spans of every paragraph."""
    depth = 0
    closer_stack: list[str] = []
    open_since: tuple[int, int] | None = None  # (paragraph index, offset) where the outer quote opened
    pending: list[tuple[int, int, int]] = []  # (paragraph index, start, end) pieces of the open quote

    def close_quote(pi: int, end: int) -> None:
        assert open_since is not None
        pieces = [*pending, (pi, 0 if open_since[0] != pi else open_since[1], end)]
        if open_since[0] != pi:
            pieces = [*pending, (pi, 0, end)]
        words = sum(len(paragraphs[i].text[s:e].split()) for i, s, e in pieces)
        if words >= MIN_SPEECH_WORDS or len(pieces) > 1:
            for i, s, e in pieces:
                paragraphs[i].speech.append((s, e))

    for pi, para in enumerate(paragraphs):
        if depth and _starts_with_day(para.text):
            depth, closer_stack, open_since, pending = 0, [], None, []
        para.depth_at_start = depth
        text = para.text
        for ci, ch in enumerate(text):
            if ch in OPENERS and not (ch == "“" and closer_stack and closer_stack[-1] == "“"):
                if depth and ci == 0 and pi > 0 and open_since and open_since[0] != pi:
                    continue  # re-opened at the start of a continuing paragraph
                if depth == 0:
                    open_since, pending = (pi, ci), []
                depth += 1
                closer_stack.append(OPENERS[ch])
            elif ch in CLOSERS or (ch == "“" and closer_stack and closer_stack[-1] == "“"):
                if depth == 0:
                    continue  # stray closing mark
                depth -= 1
                closer_stack.pop()
                if depth == 0:
                    close_quote(pi, ci + 1)
                    open_since = None
        if depth and open_since is not None:
            start = open_since[1] if open_since[0] == pi else 0
            pending.append((pi, start, len(text)))
    if depth and open_since is not None:
        for i, s, e in pending:  # never closed: still speech
            paragraphs[i].speech.append((s, e))


def _header_zone(para: Paragraph) -> str:
    """First sentence of the paragraph, cut where the first quote opens."""
    if para.depth_at_start:
        return ""
    first = next(iter(sentenize(para.text)), None)
    end = first.stop if first else len(para.text)
    if para.speech:
        end = min(end, para.speech[0][0])
    for ch in OPENERS:
        pos = para.text.find(ch, 0, end)
        if pos >= 0:
            end = pos
    return para.text[:end]


def _first_year(text: str) -> int | None:
    years = [d.year for d in find_dates(text) if d.year]
    return years[0] if years else None


def assign_events(source: Source, paragraphs: list[Paragraph], speakers: Speakers) -> list[Event]:
    lex = load_lexicon()
    events: list[Event] = []
    current: dict | None = None
    last_date: str | None = None
    default_year = int(source.info.published[:4]) if source.info.published else None

    def subject(text: str) -> str | None:
        return speakers.subject(text, lex.has_reporting_verb)

    for para in paragraphs:
        zone = _header_zone(para)
        outside = para.outside_quotes()
        days = [d for d in find_dates(zone) if d.is_day]
        date: str | None = None
        if days:
            year_hint = int(last_date[:4]) if last_date else default_year or _first_year(source.text)
            date = days[0].iso(year_hint)
        elif zone and mentions_same_day(zone) and last_date:
            date = last_date
        named = None
        if date:
            header_outside = outside[: len(zone)] if zone else outside
            speaker = subject(header_outside) or subject(outside)
            occasion = lex.occasion_of(header_outside) or lex.occasion_of(outside) or "statement"
            current = {"index": len(events), "date": date, "speaker": speaker, "occasion": occasion,
                       "paragraphs": [para.number], "summary": zone.strip() or para.text[:200]}
            events.append(current)  # type: ignore[arg-type]
            last_date = date
            para.header = True
        elif current is not None:
            named = subject(outside)
            continues = bool(para.depth_at_start or para.speech or (named and lex.has_reporting_verb(outside)))
            if continues:
                current["paragraphs"].append(para.number)
            else:
                current = None
        if current is not None:
            para.date = current["date"]
            para.event = current["index"]
            para.occasion = current["occasion"]
            para.speaker = (None if para.header else named) or current["speaker"]
        else:
            para.date, para.event, para.occasion, para.speaker = None, None, "commentary", None
    return [
        Event(source_id=source.id, index=e["index"], date=e["date"], speaker=e["speaker"],
              occasion=e["occasion"], paragraphs=tuple(e["paragraphs"]), summary=e["summary"])
        for e in events  # type: ignore[union-attr]
    ]


def _windows(para: Paragraph, max_chars: int) -> list[tuple[int, int]]:
    """Consecutive sentences grouped into spans of at most ``max_chars`` (paragraph-relative)."""
    spans: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for sent in sentenize(para.text):
        if cur is None:
            cur = (sent.start, sent.stop)
        elif sent.stop - cur[0] <= max_chars:
            cur = (cur[0], sent.stop)
        else:
            spans.append(cur)
            cur = (sent.start, sent.stop)
    if cur is not None:
        spans.append(cur)
    return spans or [(0, len(para.text))]


def build_passages(
    source: Source, speakers: Speakers, *, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[list[Passage], list[Event], list[Paragraph]]:
    """Split ``source`` into passages, events and annotated paragraphs."""
    paragraphs = split_paragraphs(source.text)
    mark_quotes(paragraphs)
    events = assign_events(source, paragraphs, speakers)
    passages: list[Passage] = []
    for para in paragraphs:
        for s, e in _windows(para, max_chars):
            share = para.quoted_share(s, e)
            if share >= 0.5:
                kind = "quote"
            elif para.event is not None:
                kind = "reported"
            else:
                kind = "commentary"
            start, end = para.start + s, para.start + e
            passages.append(Passage(
                id=f"{source.id}:{para.number}:{start}-{end}", source_id=source.id, paragraph=para.number,
                start=start, end=end, text=source.text[start:end], date=para.date,
                speaker=para.speaker if para.event is not None else None,
                occasion=para.occasion, kind=kind, event=para.event,
            ))
    return passages, events, paragraphs
