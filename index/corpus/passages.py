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

from ..search.lexical import stem
from ..types import Event, Passage, passage_id
from .attribution import JOINT, PRONOUN, Attributor
from .dates import (
    DateMention,
    RelativeDay,
    find_dates,
    later_undated,
    mentions_month_only,
    month_only_at,
    relative_day,
    resolve_weekday,
    shift,
)
from .documents import split_blocks
from .lexicon import Lexicon, load_lexicon
from .names import morph
from .shapes import find_shapes, opens_letter
from .sources import Source, Speakers

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
    role: str | None = None  # "title"; "speaker:<who>": a letter line or an answer; "question:<who>": a question
    context: str = ""  # what a reader knows before this paragraph: title, event header, the question answered
    own_words: bool = False  # a post under its author's header: the text is the author's own words

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
    blocks = split_blocks(text)
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


_SPEECH_LEAD = re.compile(r"(?:[:,]|(?<!\w)(?:что|мол|that|ki))\s*$", re.I)
_SPEECH_TAIL = re.compile(r"^[,.!?]?\s*[—–-]")


def _is_speech(text: str, start: int, end: int) -> bool:
    """Quoted words are speech, not a name ("форум «На пути к новому мировому порядку»"), when
    there are at least four and a colon, "что"/"that" or a dash of attribution frames them,
    or they hold a sentence of their own."""
    inner = text[start + 1 : end - 1]
    if len(inner.split()) < MIN_SPEECH_WORDS:
        return False
    return bool(
        _SPEECH_LEAD.search(text[:start])
        or _SPEECH_TAIL.match(text[end:])
        or re.search(r"[.!?…;]", inner)
        or start == 0
    )


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
        if len(pieces) > 1 or _is_speech(paragraphs[pi].text, pieces[0][1], end):
            for i, s, e in pieces:
                paragraphs[i].speech.append((s, e))

    for pi, para in enumerate(paragraphs):
        if depth and closer_stack[-1] == '"' and not para.text.startswith('"'):
            # a straight quote left open runs on only where the next paragraph re-opens it
            close_quote(pi - 1, len(paragraphs[pi - 1].text))
            depth, closer_stack, open_since, pending = 0, [], None, []
        if depth and _starts_with_day(para.text):
            depth, closer_stack, open_since, pending = 0, [], None, []
        para.depth_at_start = depth
        text = para.text
        for ci, ch in enumerate(text):
            straight = ch == '"'
            if straight and depth and ci == 0 and pi > 0 and open_since and open_since[0] != pi:
                continue  # re-opened at the start of a continuing paragraph
            opens = ch in OPENERS and not (ch == "“" and closer_stack and closer_stack[-1] == "“")
            closes = ch in CLOSERS or (ch == "“" and closer_stack and closer_stack[-1] == "“")
            if straight:  # the same mark opens and closes: it closes the quote it opened
                closes = bool(closer_stack) and closer_stack[-1] == '"'
                opens = not closes
            if opens:
                if depth and ci == 0 and pi > 0 and open_since and open_since[0] != pi:
                    continue  # re-opened at the start of a continuing paragraph
                if depth == 0:
                    open_since, pending = (pi, ci), []
                depth += 1
                closer_stack.append('"' if straight else OPENERS[ch])
            elif closes:
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


def _header_zone(para: Paragraph) -> tuple[int, str]:
    """Where a paragraph says when: its first sentence (the first two when the first is only a
    dateline, "Баку, 10 апреля — АПА."), up to where its speech starts."""
    if para.depth_at_start:
        return 0, ""
    sentences = list(sentenize(para.text))
    end = sentences[0].stop if sentences else len(para.text)
    if len(sentences) > 1 and len(para.text[:end].split()) <= 8:
        end = sentences[1].stop  # a dateline ("Баку, 10 апреля — АПА.") or a lead-in ("The first signal was symbolic.")
    if para.speech:
        end = min(end, para.speech[0][0])
    return end, para.text[:end]


_TURNS = ("speaker:", "question:")  # roles of a letter line, an answer and a question turn
_WORD = re.compile(r"[^\W\d_]{2,}")
_SPEAKER_LABEL = re.compile(r"[A-ZА-ЯЁƏİŞÇĞÖÜ][\w.\-’']*(?:\s+[A-ZА-ЯЁƏİŞÇĞÖÜ][\w.\-’']*){0,3}\s*:(?=\s+\S)")
_BARE_WORDS = 5  # words (digits aside) of a header line that says only when and who: "Posted by @x · Jan 31, 2025"

_QUOTED = re.compile(r"«[^»]*(?:»|$)|“[^”]*(?:”|$)|„[^“”]*(?:[“”]|$)|\"[^\"]*(?:\"|$)")


def _unquoted(zone: str) -> str:
    """``zone`` with every quoted span blanked: a date inside quotation marks is something
    said or a name, never when the event happened (""форум «Баку, 10 апреля»""), while a date
    after a quoted name is ("интервью газете «Известия» 5 мая")."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), zone)


_EN_PARTICIPLE_BEFORE = re.compile(r",\s+(?:\w+\s+)?\w+(?:ed|en|wn)\s+(?:on|in)\s+$", re.I)
_AZ_PARTICIPLE = re.compile(r"(?:[lnr]an|[lnr]ən|ılan|ilən|ulan|ülən|unan|ünən|dığı|diyi|duğu|düyü|tığı|tiyi)$")


def _attributive(zone: str, start: int, end: int, lang: str) -> bool:
    """Whether the day at ``zone[start:end]`` dates a thing, not the paragraph's event: it sits
    in a participle that qualifies a noun ("The route, announced on August 8, would link …",
    "Декларация, подписанная 8 августа, открывает …", "8 avqustda imzalanan bəyannamə …").
    An analysis names such days in passing; the paragraph itself reports nothing that day. A
    gerund ("выступая 8 августа", "speaking on August 8") is the event's own circumstance and
    still dates it."""
    before, after = zone[:start], zone[end:]
    if lang == "en":
        return bool(_EN_PARTICIPLE_BEFORE.search(before)) and bool(re.match(r"[^,.;:!?]{0,60},", after))
    if lang == "az":
        # the participle a few words on, before its noun: "Avqustun 8-də Ağ Evdə imzalanan bəyannamə"
        words = re.findall(r"\w+", re.sub(r"^-?\w{0,3}", "", after))[:3]
        return any(len(w) >= 6 and w[:1].islower() and _AZ_PARTICIPLE.search(w) for w in words)
    if lang == "ru":
        # the word either side, and the participial clause the day closes (", переизбранную
        # президентом Молдовы 3 ноября,")
        clause = before.rpartition(",")[2] if "," in before else ""
        near = (
            re.findall(r"\w+", before[-40:])[-1:] + re.findall(r"\w+", after[:30])[:1] + re.findall(r"\w+", clause)[-4:]
        )
        return any("PRTF" in morph().parse(w)[0].tag for w in near if w.isalpha())
    return False


def _first_year(text: str) -> int | None:
    years = [d.year for d in find_dates(text) if d.year]
    return years[0] if years else None


def _is_title(para: Paragraph, count: int) -> bool:
    """A heading: "# …", or a short first line without closing punctuation."""
    text = para.text
    if text.startswith("#"):
        return True
    if re.fullmatch(r"«[^«»]+»|\"[^\"]+\"|“[^“”]+”", text.strip()):
        text = text.strip()[1:-1]  # a headline in quotation marks: «Мир стал реальностью»
    text = re.sub(r"(?<![.!?])[»\"”]\s*$", "", text.strip())  # ending in a quoted phrase: Алиев: «Новая страница»
    return (
        para.number == 1
        and count > 1
        and len(text) <= 160
        and not re.search(r"[.!?:»\"”]\s*$", text)
        and not any(d.is_day for d in find_dates(text))
    )


#: what may come before the day of a dateline or a post's timestamp: a place ("Баку, 10 апреля"),
#: or nothing but a bracket or markdown emphasis ("[08.08.2025, 22:14]", "**8 Aug 2025**")
_DATELINE = re.compile(r"^\s*[\[(*_]*\s*(?:[^\W\d][\w\-]*(?:[ \t][^\W\d][\w\-]*){0,2}[,.]\s*)?$")
#: a post's header before its date on the post's own line: "Nikol Pashinyan (@NikolPashinyan) ·",
#: "Secretary Marco Rubio (@SecRubio) ·", "@AzerbaijanMFA —"
_POST_HEAD = re.compile(
    r"^\s*[\[(*_]*\s*(?P<who>(?:[^\W\d][\w.\-’']*\s+){0,4}[^\W\d][\w.\-’']*\s*\(@\w+\)|@\w+)"
    r"[*_]*\s*[·|—–,-]\s*$"
)
#: a wire dateline without a day: "WASHINGTON (AP) —", "МОСКВА (Reuters) -"
_AGENCY_DATELINE = re.compile(
    r"^\s*[^\W\d\sa-zа-яё][^\W\da-zа-яё]+(?:[ \t][^\W\da-zа-яё]+){0,2}\s*\([^()]{2,30}\)\s*[—–-]"
)


_PLACE_AFTER_DAY = re.compile(r"\s*[—–-]\s*[^\W\d\sa-zа-яё][^\W\da-zа-яё]{2,}(?:[ \t][^\W\da-zа-яё]+){0,2}[.,:]")


@dataclass
class _Event:
    index: int
    date: str | None
    explicit: bool  # dated by a calendar day in the text, not by "the next day"
    speaker: str | None
    occasion: str
    paragraphs: list[int]
    summary: str
    header_text: str


def _day_it_was_said(text: str, lex: Lexicon, dating: _Dating) -> str | None:
    """The calendar day of the first sentence of ``text`` that reports speech, when the day
    stands within a few words of its reporting verb ("told local media on November 7 that …")
    and is not a day a participle gives a thing ("the memorandum signed on August 8")."""
    for sent in sentenize(text):
        sentence = text[sent.start : sent.stop]
        verb = lex.reporting.search(sentence)
        if verb is None:
            continue
        for d in find_dates(sentence):
            near = -40 <= d.start - verb.end() <= 40 or -40 <= verb.start() - d.end <= 40
            if d.is_day and near and not _attributive(sentence, d.start, d.end, dating.lang):
                return dating.day_iso(d)
        return None
    return None


def _stem5(word: str) -> str:
    """A word's stem cut to five letters: an anchor phrase and an event's header name the same
    thing in other cases ("встречи" / "встреча", "Sammitdən" / "sammit keçirilib")."""
    return stem(word)[:5]


class _Dating:
    """The dates a source's paragraphs know: the reference (publication date or dateline)
    relative days count from, and the events so far, which "the same day" counts from."""

    def __init__(self, source: Source) -> None:
        self.lang = source.info.language
        self.reference = source.info.published
        self.published = source.info.published
        self.year = int(source.info.published[:4]) if source.info.published else _first_year(source.text)
        self.context_year: int | None = None  # the year of the latest event that named one
        self.placed = False  # the latest header was a dateline with a place ("Баку, 10 апреля — АПА.")

    def header_date(self, zone: str, events: list[_Event]) -> tuple[bool, str | None, bool]:
        """(starts an event, its ISO date or None, dated by a calendar day)."""
        days = [d for d in find_dates(zone) if d.is_day and not _attributive(zone, d.start, d.end, self.lang)]
        rel = relative_day(zone)
        before = zone[: days[0].start] if days else ""
        self.placed = (
            (bool(before.strip()) and bool(_DATELINE.match(before)))
            or bool(_AGENCY_DATELINE.match(zone))
            # the day first, then the place in capitals: "Aug 8, 2025 — WASHINGTON."
            or (bool(days) and not before.strip() and bool(_PLACE_AFTER_DAY.match(zone, days[0].end)))
        )
        if days:
            day = days[0]
            iso = self.day_iso(day)
            if iso:
                self.context_year = int(iso[:4])
            head = zone[: day.start]
            if iso and (_DATELINE.match(head) or _POST_HEAD.match(head)):
                self.reference = iso  # "Баку, 10 апреля — АПА.": relative days below count from here
                if rel is not None and rel.anchor in ("ref", "weekday") and rel.start > day.end:
                    return True, self.relative(rel, events), False
                own = self._own_day(days[1:], iso) if re.search(r"[^\W\d_]", head) and _DATELINE.match(head) else None
                if own is not None:  # only under a dateline with a place: a post's day is its timestamp
                    return True, own, True
            return iso is not None, iso, True
        if later_undated(zone):
            return True, None, False  # "На следующей неделе Госдепартамент объявил …", "bir neçə gün sonra"
        if rel is not None:
            iso = self.relative(rel, events)
            if iso:
                self.context_year = int(iso[:4])
            return True, iso, False
        if mentions_month_only(zone):
            year = _first_year(zone)
            if year:
                self.context_year = year  # "В апреле 2018 года": the days after are 2018's
            return True, None, False
        return False, None, False

    def day_iso(self, day: DateMention) -> str | None:
        """A calendar day as an ISO date, a day without a year taking the year of the latest
        event that named one, else the publication's; one that would fall after the
        publication is last year's ("25 декабря" in a January item)."""
        year_hint = self.context_year or self.year
        iso = day.iso(year_hint if day.year is None else None)
        if iso and day.year is None and self.published and iso > self.published and year_hint:
            iso = day.iso(year_hint - 1)
        return iso

    def _own_day(self, days: list[DateMention], dateline: str) -> str | None:
        """The event's own day after a dateline ("Bakı, 16 oktyabr. … 15 oktyabr tarixində
        müsahibə verib"): a later calendar day of the header, not after the dateline (a day after
        it is a plan the item announces)."""
        for day in days:
            iso = day.iso(int(dateline[:4]) if day.year is None else None)
            if iso and iso < dateline:
                return iso
        return None

    def relative(self, rel: RelativeDay, events: list[_Event]) -> str | None:
        if rel.anchor == "ref":
            return shift(self.reference, rel.offset) if self.reference else None
        if rel.anchor == "weekday":
            return resolve_weekday(self.reference, rel.offset) if self.reference else None
        anchor = self._anchor_event(rel, events)
        return shift(anchor.date, rel.offset) if anchor and anchor.date else None

    @staticmethod
    def _anchor_event(rel: RelativeDay, events: list[_Event]) -> _Event | None:
        """The event "через два дня после встречи в Вашингтоне" counts from: the one whose
        header shares the most word stems with the anchor phrase (the latest on a tie), else the
        previous dated event."""
        dated = [e for e in events if e.date]
        if rel.after:
            words = {_stem5(w) for w in re.findall(r"[^\W\d_]{4,}", rel.after)}
            shared = [
                (len(words & {_stem5(w) for w in re.findall(r"[^\W\d_]{4,}", e.header_text)}), i)
                for i, e in enumerate(dated)
            ]
            best = max(shared, default=(0, 0))
            if best[0]:
                return dated[best[1]]  # most words in common, the latest on a tie
        return dated[-1] if dated else None


def assign_events(source: Source, paragraphs: list[Paragraph], speakers: Speakers) -> list[Event]:
    lex = load_lexicon()
    who = Attributor(source.text, source.info.language, speakers, lex)
    shapes = find_shapes(paragraphs, who, source.info.language)
    dating = _Dating(source)
    events: list[_Event] = []
    current: _Event | None = None
    story: _Event | None = None  # a news item's lead event, opened by a dateline: see _story_goes_on
    previous: Paragraph | None = None

    for para in paragraphs:
        role = shapes.get(para.number)
        outside = para.outside_quotes()
        if role == "title" or (para.number == 1 and _is_title(para, len(paragraphs))):
            para.date, para.event, para.occasion, para.speaker = None, None, "commentary", None
            para.role = "title"
            continue
        if role is None and lex.opens_own_voice(outside[_after_timestamp(outside) :]):
            # "[09.08.2025, 14:40] Kanalın qeydi: …": the channel's own commentary, not an event
            para.date, para.event, para.occasion, para.speaker = None, None, "commentary", None
            current, previous = None, para
            continue
        in_block = role is not None and current is not None
        zone_end, zone = _header_zone(para) if not in_block else (0, "")
        said = _unquoted(zone)  # the zone outside its quotations
        starts, date, explicit = dating.header_date(said, events) if zone else (False, None, False)
        if starts and date is None and mentions_month_only(said):
            verb = lex.reporting.search(said)
            if (story is not None and not _month_opens(said, lex)) or (
                verb is not None and not mentions_month_only(said[: verb.start()])
            ):
                # a month named inside a news item's sentence ("talks will take place in
                # September"), or after a reporting verb ("отметил, что встреча пройдет в
                # сентябре"), is a plan told in the event, not an event of its own; one that opens
                # the paragraph ("In April, Aliyev met Rubio") is an undated event of that month
                starts = False
        own = _paragraph_speaker(para, outside, who)
        if not starts and current is None and role is None and (own or lex.reports_someone(outside)):
            # "… заявил, что Баку готов … Об этом он сказал в пятницу": a wire item's day, named
            # after its first sentence, counts from the publication date like one in the header
            rel = relative_day(_unquoted(outside))
            if rel is not None and rel.anchor in ("ref", "weekday"):
                date = dating.relative(rel, events)
                starts, explicit = date is not None, False
            elif own not in (None, PRONOUN, JOINT) and (told := _day_it_was_said(_unquoted(outside), lex, dating)):
                # "Energy is the least glamorous strand … Spokesman Hajizada told local media on
                # November 7 that …": a day in the sentence that reports the speech dates it
                starts, date, explicit = True, told, True
        if (
            not starts
            and role is None
            and para.speech
            and para.speech[0][0] <= 1
            and own not in (None, PRONOUN, JOINT)
            and (current is None or own != current.speaker)
        ):
            # «…», — сказал в пятницу … Никол Пашинян.": a quote that opens its paragraph is
            # dated by its attribution after it, like a header
            tail = outside[para.speech[0][1] : para.speech[0][1] + 160]
            rel = relative_day(tail)
            days = [d for d in find_dates(tail) if d.is_day]
            if days and (rel is None or days[0].start < rel.start):
                date = dating.day_iso(days[0])
                starts, explicit = date is not None, date is not None
            elif rel is not None:
                date = dating.relative(rel, events)
                starts, explicit = date is not None, False
        letter_by = None
        if not starts and current is None:
            # a letter no event introduces (a press release that is the letter), or one that an
            # introduction naming no day announces ("Prezident İlham Əliyev Donald Trampa məktub
            # ünvanlayıb."): an event of its own, the signer's, dated by the date line under the
            # signature, else by the publication. An interview's introduction that names no day
            # ("Гаджиев ответил на вопросы агентства «Интерфакс».") still opens it, so its answers
            # are the interviewee's, dated by the publication.
            letter = _letter_at(paragraphs, para, role, shapes)
            if letter is not None:
                letter_by = shapes[letter].partition(":")[2] or None
                starts, date, explicit = True, _letter_date(paragraphs, letter, shapes[letter], shapes, dating), True
            elif role is None and _turns_follow(shapes, para.number):
                starts, date, explicit = True, dating.published, True
        elif not starts and (role or "").startswith("speaker:") and opens_letter(para.text):
            # a letter is the event of its sending, whatever came between its announcement and
            # it ("Письмо направлено после того, как в минувшую пятницу …"): the letter event an
            # earlier paragraph dates by a calendar day, else an event of its own
            announced = next((e for e in reversed(events) if e.occasion == "letter" and e.explicit), None)
            if announced is not None:
                current = announced
                signer = (role or "").partition(":")[2]
                if current.speaker is None and signer:
                    # "Aliyev received a letter from Trump": the letter event is its signer's
                    current.speaker = signer
                    next(p for p in paragraphs if p.number == current.paragraphs[0]).speaker = signer
            elif current is not None and current.occasion != "letter":
                letter_by = (role or "").partition(":")[2] or None
                starts, date, explicit = True, _letter_date(paragraphs, para.number, role or "", shapes, dating), True
        if starts:
            header_outside = outside[:zone_end] if zone_end else outside
            speaker = own if own not in (PRONOUN, JOINT) else (current.speaker if own == PRONOUN and current else None)
            occasion = lex.occasion_of(header_outside) or lex.occasion_of(outside) or "statement"
            if letter_by is not None:
                speaker, occasion = letter_by, "letter"
            turns_follow = _turns_follow(shapes, para.number)
            if turns_follow and occasion == "statement":
                occasion = "interview"  # "… spoke with Politico on August 22." / "Q: …" / "A: …"
            if speaker is None and own is None and occasion == "interview":
                # the interviewee its answers are by: the one person named, else the first
                speaker = who.sole_person(para.start, para.end) or (
                    who.first_nominative(para.start, para.end, outside) if turns_follow else None
                )
            current = _Event(
                len(events),
                date,
                explicit,
                speaker,
                occasion,
                [para.number],
                zone.strip() or para.text[:200],
                para.text,
            )
            events.append(current)
            para.header = True
            para.speaker = speaker
            if dating.placed and len(events) == 1:
                story = current  # the lead under a dateline: the item's story
        elif current is not None or story is not None:
            first = _first_sentence(outside)
            reports = bool(para.depth_at_start or para.speech or own or lex.reports_someone(first))
            background = story is not None and lex.opens_background(first)  # "Earlier, X said …"
            if current is None and reports and story is not None and not background:
                current = story  # the item's story goes on after a background paragraph
            elif (
                story is not None
                and current is not None
                and current is not story
                and not in_block
                and not background
                and own not in (None, PRONOUN, JOINT)
                and own != current.speaker
            ):
                # an aside on another day ("A senior official, briefing reporters a day earlier,
                # said …") is its own speaker's; someone else's words after it are the story's again
                current = story
            elif (
                story is None
                and current is not None
                and not in_block
                and own not in (None, PRONOUN, JOINT)
                and own != current.speaker
                and _views_now(first, lex, dating.lang)
            ):
                # "Как считает эксперт …", "Cornell argues …": a new voice in the present tense is
                # a view the author cites, not more of the event before it
                current = None
            continues = (
                current is not None
                and not background  # a background marker opens its own aside, never more of an event
                and bool(in_block or reports or _bare(current) or (current is story and _story_goes_on(first, lex)))
            )
            if not continues or current is None:
                current = None
            else:
                current.paragraphs.append(para.number)
                if role is not None and role.startswith(_TURNS):
                    para.speaker = role.partition(":")[2] or current.speaker
                elif own == PRONOUN and previous is not None and previous.event == current.index and previous.speaker:
                    para.speaker = previous.speaker  # "He added …": the one the paragraph before quoted
                elif own == PRONOUN or (own is None and (para.speech or para.depth_at_start)):
                    para.speaker = current.speaker
                elif own is None and outside.rstrip().endswith(":"):
                    para.speaker = current.speaker  # "Məktubda deyilir:": it announces the speaker's words
                elif own == JOINT:
                    para.speaker = None
                else:
                    para.speaker = own
        if current is not None:
            para.date = current.date
            para.event = current.index
            para.occasion = current.occasion
            if role is not None:
                para.role = role
        else:
            # outside any event (an analysis quoting an expert, undated): still the named speaker's
            # words; "«…», — говорит он." right after them is that expert's too
            para.date, para.event, para.occasion = None, None, "commentary"
            para.speaker = own if own not in (PRONOUN, JOINT) else None
            if own == PRONOUN and previous is not None and previous.event is None and previous.role != "title":
                para.speaker = previous.speaker
        previous = para
    _set_context(source, paragraphs, events)
    return [
        Event(
            source_id=source.id,
            index=e.index,
            date=e.date,
            speaker=e.speaker,
            occasion=e.occasion,
            paragraphs=tuple(e.paragraphs),
            summary=e.summary,
        )
        for e in events
    ]


def _set_context(source: Source, paragraphs: list[Paragraph], events: list[_Event]) -> None:
    """The same context for every shape: the source's title, the header of the paragraph's
    event (who, when, on what occasion) and, for an interview answer, its question. Embedded
    with the paragraph, it lets "what did Aliyev tell Euronews about X" find an answer that
    names neither Aliyev nor Euronews."""
    by_number = {p.number: p for p in paragraphs}
    for para in paragraphs:
        parts = [source.info.title]
        if para.event is not None and not para.header:
            header = by_number.get(events[para.event].paragraphs[0])
            if header is not None:
                parts.append(events[para.event].summary)
        prev = by_number.get(para.number - 1)
        if prev is not None and (para.role or "").startswith("speaker:") and (prev.role or "").startswith("question:"):
            parts.append(prev.text)
        para.context = "\n".join(x for x in parts if x and x not in para.text)


def _story_goes_on(first_sentence: str, lex: Lexicon) -> bool:
    """Whether narration after a news item's dateline lead is still its story ("Стороны обсудили
    мирный процесс.", "The two discussed …"): yes, unless it is background, which opens with a
    marker ("Напомним, …", "Earlier, …"), names a year ("в 1992 году") or is an unnamed group's
    view ("Наблюдатели отмечают …"). Only news items under a dateline tell one story this way;
    in an analysis or a chronology undated narration is the author's."""
    background = lex.opens_background(first_sentence) or _first_year(first_sentence) is not None
    return not background and not lex.names_unnamed_group(first_sentence)


def _letter_date(
    paragraphs: list[Paragraph], first: int, role: str, shapes: dict[int, str], dating: _Dating
) -> str | None:
    """The day a letter's own lines name last (its date line: "Баку, 3 июля 2025 года"), else
    the publication date."""
    found = None
    for p in paragraphs:
        if p.number < first:
            continue
        if shapes.get(p.number) != role:
            break
        for d in find_dates(p.text):
            if d.is_day:
                iso = d.iso(int(dating.published[:4]) if dating.published else None)
                found = iso or found
    return found or dating.published


def _letter_at(paragraphs: list[Paragraph], para: Paragraph, role: str | None, shapes: dict[int, str]) -> int | None:
    """The paragraph a letter opens with (its salutation): ``para`` itself, or, for a paragraph
    outside any shape, one of the three after it (a line such as "Məktubda deyilir:" or the
    addressee's may come between)."""
    if role is not None:
        return para.number if role.startswith("speaker:") and opens_letter(para.text) else None
    return next(
        (
            p.number
            for p in paragraphs
            if para.number < p.number <= para.number + 3
            and (shapes.get(p.number) or "").startswith("speaker:")
            and opens_letter(p.text)
        ),
        None,
    )


def _turns_follow(shapes: dict[int, str], number: int) -> bool:
    """Whether an interview's question turn is among the three paragraphs after ``number``."""
    return any(r.startswith("question:") for n, r in shapes.items() if number < n <= number + 3)


def _bare(event: _Event) -> bool:
    """An event whose header says only when (and who posted): a timestamp line, a dateline. It
    cannot be the whole event, so the next paragraph is its body. A short line that tells
    something ("20 августа Рубио встретился с Байрамовым.", a chronology's entry) has a word in
    lower case outside its dates and is whole."""
    if len(event.paragraphs) != 1 or len(_WORD.findall(event.header_text)) > _BARE_WORDS:
        return False
    text = event.header_text
    for d in reversed(find_dates(text)):
        text = text[: d.start] + " " + text[d.end :]
    return not any(w[:1].islower() and len(w) >= 4 for w in _WORD.findall(text))


def _month_opens(text: str, lex: Lexicon) -> bool:
    """Whether a month without a day opens ``text``: only short words ("In", "В конце") or a
    background marker ("Напомним, в апреле", "Earlier in April") come before it."""
    at = month_only_at(text)
    if at is None:
        return False
    before = text[:at]
    if lex.opens_background(before):
        before = lex.background.sub("", before.lstrip(), count=1) if lex.background else before
    return all(len(w) <= 5 for w in re.findall(r"[^\W\d_]+", before)) and len(before.split()) <= 3


_EN_PRESENT = re.compile(r"(?:[^s]s|[^aeiou]es)$")  # "says", "argues", "believes"; not "has", "was"
_AZ_PRESENT = re.compile(r"(?:[ıiuü]r|yır|yir|yur|yür)$")  # "hesab edir", "deyir", "düşünür"


def _views_now(sentence: str, lex: Lexicon, lang: str) -> bool:
    """Whether the reporting verb of ``sentence`` is in the present tense ("считает", "says",
    "hesab edir"): an opinion held, not something said on a day. pymorphy3 tells a Russian
    verb's tense; English and Azerbaijani present forms are told by their endings."""
    verb = lex.reporting.search(sentence)
    if verb is None:
        return False
    words = re.findall(r"[^\W\d_]+", sentence[verb.start() :])[: len(verb.group().split())]
    if not words:
        return False
    tail = words[-1].lower()  # the whole word the verb ends in ("считает", "says", "edir" of "hesab edir")
    if lang == "ru":
        return "pres" in morph().parse(tail)[0].tag
    if lang == "en":
        return tail not in ("has", "was", "is", "does") and _EN_PRESENT.search(tail) is not None
    if lang == "az":
        return _AZ_PRESENT.search(tail) is not None
    return False


def _first_sentence(text: str) -> str:
    sentences = list(sentenize(text))
    return text[: sentences[0].stop] if sentences else text


def _paragraph_speaker(para: Paragraph, outside: str, who: Attributor) -> str | None:
    """The paragraph's own speaker: the first sentence (outside quotes) whose reporting verb has
    a subject, else the name that introduces the paragraph's quote. A paragraph opened by a
    person's or a body's name and a colon ("Secretary Rubio: …", "МИД России: …"), or whose
    second line is (after a post's header line), is theirs."""
    label = _SPEAKER_LABEL.match(outside)
    if label is None and "\n" in outside[:80]:  # a post's header line first ("Aug 8, 2025 · 9:14 PM")
        label = _SPEAKER_LABEL.match(outside, outside.index("\n") + 1)
    if label is None:  # "10.08.2025 12:30 — Paşinyan: …": after the post's timestamp
        label = _SPEAKER_LABEL.match(outside, _after_timestamp(outside))
    if label:
        names = who.mentions_in(para.start + label.start(), para.start + label.end())  # a person or a body
        if names:
            return names[-1].speaker
    author = _post_author(para, who)
    if author:
        para.own_words = True  # the post's text is its author's, as a letter's lines are the signer's
        return author
    joint = False
    for sent in sentenize(para.text):
        blanked = outside[sent.start : sent.stop]
        if not blanked.strip():
            continue
        found = who.subject(para.start + sent.start, para.start + sent.stop, blanked)
        if joint and found in (None, PRONOUN, JOINT):
            continue
        if joint:
            # "Aliyev and Pashinyan said they would … «…?» Aliyev asked": one person's words
            # after a joint sentence are the paragraph's quote
            return found
        if found == JOINT and para.speech:
            joint = True
            continue
        if found == PRONOUN and sent.start > 0:
            # "Secretary Rubio reacted the next day. In a statement he praised …": the name before
            # "Байрамову задали вопрос … Министр ответил, …": else the person the sentences before name
            before = outside[: sent.start]
            return (
                who.first_nominative(para.start, para.start + sent.start, before)
                or who.last_person(para.start, para.start + sent.start, before)
                or PRONOUN
            )
        if found is not None:
            return found
    if joint:
        return JOINT
    if para.speech:
        first_quote = para.speech[0][0]
        return who.first_nominative(para.start, para.start + first_quote, outside[:first_quote])
    return None


def _post_author(para: Paragraph, who: Attributor) -> str | None:
    """The person a post's header line opens with ("Ilham Aliyev (@presidentaz) · Aug 9, 2025"):
    a first line that names a person first and holds a date, or a header on the post's own
    line ("Nikol Pashinyan (@NikolPashinyan) · Aug 9, 2025 — Yesterday …"), whose author is the
    name before the handle, else the handle ("@AzerbaijanMFA — 9 Aug 2025, 10:15 — …")."""
    if "\n" not in para.text[:120]:
        dates = find_dates(para.text[:120])
        head = _POST_HEAD.match(para.text[: dates[0].start]) if dates else None
        if head is None:
            return None
        named = who.mentions_in(para.start + head.start("who"), para.start + head.end("who"))
        if named:
            return named[0].speaker
        handle = re.search(r"@(\w+)", head.group("who"))
        return handle.group(1) if handle else None
    end = para.text.index("\n")
    dates = find_dates(para.text[:end])
    if not dates:
        return None
    header = re.sub(r"@\w+|\([^()]*\)", " ", para.text[: dates[0].start])  # handles: "(@realDonaldTrump)"
    before = [m for m in who.mentions_in(para.start, para.start + dates[0].start) if m.kind == "PER"]
    if not before or (len(_WORD.findall(header)) > 4 and before[0].start - para.start > 2):
        return None
    return before[0].speaker  # the line opens with the person, whatever follows (platform, time)


_TIME_AND_DASH = re.compile(
    r"(?:[\s,·|]*(?:в\s+)?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?)?[\]\)*_]*[\s,·|]*(?:[—–-]\s*)?"
)  # "08.08.2025 22:14 —", "[08.08.2025, 22:14]", "**Aug 8, 2025 · 9:14 PM**"


def _after_timestamp(text: str) -> int:
    """Where a paragraph's text starts after the date and time it opens with, if any."""
    dates = find_dates(text[:40])
    if not dates or dates[0].start > 2:
        return 0
    m = _TIME_AND_DASH.match(text, dates[0].end)
    return m.end() if m else dates[0].end


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
            if share > 0 or (para.role or "").startswith(_TURNS) or para.own_words:
                kind = "quote"
            elif para.event is not None or para.speaker:
                kind = "reported"
            else:
                kind = "commentary"
            start, end = para.start + s, para.start + e
            passages.append(
                Passage(
                    id=passage_id(source.id, para.number, start, end),
                    source_id=source.id,
                    paragraph=para.number,
                    start=start,
                    end=end,
                    text=source.text[start:end],
                    date=para.date,
                    speaker=para.speaker,
                    occasion=para.occasion,
                    kind=kind,
                    event=para.event,
                )
            )
    return passages, events, paragraphs
