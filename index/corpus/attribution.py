"""Who speaks in a paragraph: the subject of its reporting verb, found the same way in every
source shape and language.

A speaker is a known one (an id from ``speakers.yaml``, matched on word lemmas, so
"Пашиняну" and "Pashinyan" resolve to the same person) or, for anyone else quoted, the
name as the source writes it in the nominative ("Хафиз Пашаев", "Steve Daines").

The rule, per sentence with a reporting verb (``lexicon.yaml``): the closest name before
the verb that can be a grammatical subject (nominative in Russian, no case suffix in
Azerbaijani, not after a preposition or with "'s" in English); else a name right after it
("заявил президент", "said Rubio"); "according to X" / "по словам X" name X. A pronoun
("он", "he", "по его словам") points back to the speaker already in play. Names joined by
"и"/"and" or a joint statement have no single speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .lexicon import Lexicon
from .names import Analysis, NameMention, analyse, is_title, lemmas, name_key
from .sources import Speakers

PRONOUN = "\x00pronoun"  # subject() result: "the speaker already in play"
JOINT = "\x00joint"  # subject() result: several speakers at once, so none

_PREPOSITIONS = {
    "to",
    "with",
    "by",
    "of",
    "from",
    "for",
    "at",
    "on",
    "about",
    "in",
    "near",
    "after",
    "before",
    "during",
    "under",
    "over",
    "through",
    "across",
    "via",
    "within",
    "without",
    "per",
    "and",
    "toward",
    "towards",
    "against",
    "between",
    "among",
    "than",
    "like",
    "into",
    "onto",
    "upon",
    "congratulated",
    "thanked",
    "told",
    "called",
    "met",
    "urged",
    "received",
    "invited",
    "phoned",
    "visited",
    "hosted",
    "briefed",
    "greeted",
    "praised",
    "assured",
}
_PRONOUN_RE = re.compile(
    r"(?<!\w)(?:он|она|его|её|ее|he|she|his|her|him|in\s+his\s+words|in\s+her\s+words|onun)"
    r"(?!\w)|^\s*(?-i:O)(?=\s)",  # Azerbaijani "O bildirib ki …" opens its sentence ("o gün" is "that day")
    re.I,
)
_OWN_WORDS = re.compile(
    r"(?<!\w)(?:по\s+(?:его|её|ее)\s+(?:словам|мнению|данным)|in\s+(?:his|her)\s+(?:words|view)"
    r"|onun\s+sözlərinə\s+görə)(?!\w)",
    re.I,
)
_ACCORDING = re.compile(
    r"(?<!\w)(?:according\s+to|по\s+словам|по\s+мнению|as\s+quoted\s+by|sözlərinə\s+görə|fikrincə|fikrinə\s+görə)[\s,]+",
    re.I,
)
_JOINT_RE = re.compile(
    r"(?<!\w)(?:совместн\w*\s+(?:заявлени|декларац|коммюнике|обращени)|joint\s+(?:statement|"
    r"declaration|communiqu)|birgə\s+(?:bəyanat|bəyannamə))",
    re.I,
)
_ABOUT_BEFORE = re.compile(r"(?<!\w)(?:о|об|about|on|regarding)\s+(?:the\s+|a\s+)?$", re.I)
_ABOUT_AFTER = re.compile(r"\w*\s+(?:ilə\s+bağlı|haqqında|barədə|barəsində)(?!\w)", re.I)
#: a speaker the source does not name, as the subject before the verb: "A senior administration
#: official, briefing reporters …, said", "Высокопоставленный представитель администрации заявил"
_UNNAMED_SPEAKER = re.compile(
    r"(?:^|(?<=[\s,;]))(?:an?\s+(?P<who>(?:(?:senior|top|high-ranking|unnamed|anonymous|U\.S\.|US|American|"
    r"White\s+House|State\s+Department|Pentagon|administration|government)\s+){0,3}"
    r"(?:official|spokesperson|spokesman|spokeswoman|diplomat|source))"
    r"|(?P<ru>(?:высокопоставленн\w+|неназванн\w+|анонимн\w+)\s+(?:представител\w+|источник\w*|дипломат\w*|чиновник\w*)"
    r"(?:\s+(?:[а-яё]+|США|МИД|ООН)){0,2}|источник\w*\s+в\s+\w+(?:\s+(?:США|[А-ЯЁ]\w+))?))\b(?=[^.!?]*$)",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(r"(?<!\w)(?:in|at|near|в|во)\s+$", re.I)
_THAT = re.compile(r"(?<!\w)(?:that|что|чтобы|ki)(?!\w)", re.I)
#: an English appositive between a name and its verb: "Frank Pallone, a co-chair of …, said"
_APPOSITIVE = re.compile(r"\s*,\s*(?:a|an|the|who|whose|which|one\s+of|himself|herself)\b[^;.!?]*,\s*$", re.I)
_JOINER = re.compile(r"^\s*,?\s*(?:и|and|və)\s*$", re.I)
_NOT_PEOPLE = re.compile(
    r"(?:^|\s)(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|yanvar|fevral|mart|aprel|iyun|iyul|avqust|sentyabr|oktyabr|"
    r"noyabr|dekabr|январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|"
    r"ноябр\w*|декабр\w*)(?:\s|$)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    speaker: str  # a speakers.yaml id, or a display name as written
    nominative: bool
    known: bool
    kind: str = "PER"  # "PER" | "ORG"


_TABLES: dict[tuple[int, str], tuple[Speakers, Any]] = {}


def _cached(speakers: Speakers, lang: str, make: Callable[[Speakers, str], Any]) -> Any:
    """Per-speakers-object tables (a Speakers holds dicts, so it cannot be an lru_cache key)."""
    key = (id(speakers), f"{make.__name__}:{lang}")
    hit = _TABLES.get(key)
    if hit is None or hit[0] is not speakers:
        hit = (speakers, make(speakers, lang))
        _TABLES[key] = hit
    return hit[1]


def _alias_lemmas(speakers: Speakers, lang: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First lemma → [(alias lemmas, speaker id)], longest first."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for sp in speakers.items:
        for alias in sp.aliases:
            seq = tuple(lemmas(alias, lang))
            if seq:
                table.setdefault(seq[0], []).append((seq, sp.id))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    return table


def _surname_keys(speakers: Speakers, _lang: str = "") -> dict[str, str]:
    """Transliteration key of each known person's surname → id. A surname is the last word of
    a name that is also a one-word alias ("Алиев" of "Ильхам Алиев"); institutions have none."""
    keys: dict[str, str] = {}
    for sp in speakers.items:
        single = {a.lower() for a in sp.aliases if len(a.split()) == 1}
        for name in (*sp.name.values(), *sp.aliases):
            words = name.split()
            if len(words) >= 2 and all(w[:1].isupper() for w in words) and words[-1].lower() in single:
                keys.setdefault(name_key(words[-1]), sp.id)
    return keys


def _first_name_keys(speakers: Speakers, _lang: str = "") -> dict[str, frozenset[str]]:
    """Speaker id → transliteration keys of the first names its full names use ("Jeyhun",
    "Джейхун", "Ceyhun"); a name with another first name is another person ("Вугар Байрамов")."""
    keys: dict[str, frozenset[str]] = {}
    for sp in speakers.items:
        firsts = {
            name_key(n.split()[0])
            for n in (*sp.name.values(), *sp.aliases)
            if len(n.split()) >= 2 and n.split()[0][:1].isupper()
        }
        if firsts:
            keys[sp.id] = frozenset(k for k in firsts if k)
    return keys


def surname_keys(speakers: Speakers) -> dict[str, str]:
    """Transliteration key of each known person's surname → speaker id (cached per Speakers)."""
    return _cached(speakers, "", _surname_keys)  # type: ignore[no-any-return]


class Attributor:
    """Speaker mentions of one source and the subject rule over them."""

    def __init__(self, text: str, lang: str, speakers: Speakers, lexicon: Lexicon) -> None:
        self.text = text
        self.lang = lang
        self.speakers = speakers
        self.lexicon = lexicon
        self.analysis: Analysis = analyse(text, lang)
        self.mentions = self._all_mentions()
        self._starts = [m.start for m in self.mentions]

    # -- mentions ---------------------------------------------------------------------

    def _other_person(self, sid: str, name: NameMention) -> bool:
        """Whether ``name`` (a full name) gives another first name than speaker ``sid`` has."""
        words = name.lemma.split()
        # the first name is the word before the surname: a capitalised opener may precede it
        # ("Hücumu Nikol Paşinyan da pisləyib": the attack, Nikol Pashinyan condemned it too)
        first = words[-2] if len(words) >= 2 else ""
        if name.kind != "PER" or len(first.strip(".")) <= 2:
            return False  # a surname alone, or an initial ("И. Алиев")
        if name_key(first) in _cached(self.speakers, "", _surname_keys):
            return False  # two people side by side, not a first name: "Tramp Əliyevə məktub göndərib"
        firsts = _cached(self.speakers, "", _first_name_keys).get(sid)
        return bool(firsts) and name_key(first) not in firsts

    def _all_mentions(self) -> list[Mention]:
        known = [
            m
            for m in self._known_mentions()
            # a name that ends with this mention and gives another first name is another person;
            # a run that goes on past it names more people ("Donald Tramp İlham Əliyevi təbrik edib")
            if not any(
                n.start <= m.start and m.end <= n.end and n.end - m.end <= 1 and self._other_person(m.speaker, n)
                for n in self.analysis.names
            )
        ]
        full_names: dict[str, str] = {}
        for name in self.analysis.names:
            words = name.lemma.split()
            if len(words) >= 2 and name.kind == "PER":
                full_names.setdefault(name_key(words[-1]), name.lemma)
        found = list(known)
        surname_keys = _cached(self.speakers, "", _surname_keys)
        for name in self.analysis.names:
            if any(m.start < name.end and name.start < m.end for m in known):
                continue
            if _NOT_PEOPLE.search(name.lemma):
                continue
            words = name.lemma.split()
            key = name_key(words[-1]) if words else ""
            sid = surname_keys.get(key) if name.kind == "PER" else None
            if sid and not self._other_person(sid, name):
                found.append(Mention(name.start, name.end, sid, self._nominative(name), True))
                continue
            display = full_names.get(key, name.lemma) if len(words) == 1 and name.kind == "PER" else name.lemma
            found.append(Mention(name.start, name.end, display, self._nominative(name), False, name.kind))
        return sorted(found, key=lambda m: m.start)

    def _nominative(self, name: NameMention) -> bool:
        if not name.nominative:
            return False
        if self.lang == "en":
            return not self._governed(name.start)
        return True

    def _governed(self, start: int) -> bool:
        """Whether an English name at ``start`` is the object of a preposition or a contact
        verb, looking past its titles: "met U.S. special envoy Steve Witkoff" is an object as
        much as "met Witkoff"."""
        before = self.text[max(0, start - 60) : start].split()
        while before:
            word = before[-1].lower()
            title = is_title(word) and word not in _PREPOSITIONS
            inside_title = word in ("of", "the") and len(before) > 1 and is_title(before[-2])  # "Secretary of State"
            if not (title or inside_title):
                break
            before.pop()
        return bool(before) and before[-1].lower() in _PREPOSITIONS

    def _known_mentions(self) -> list[Mention]:
        table = _cached(self.speakers, self.lang, _alias_lemmas)
        tokens = self.analysis.tokens
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            match = None
            for seq, sid in table.get(tokens[i].lemma, ()):
                if tuple(t.lemma for t in tokens[i : i + len(seq)]) == seq:
                    match = (seq, sid)
                    break
            if match is None:
                i += 1
                continue
            span = tokens[i : i + len(match[0])]
            start, end = span[0].start, span[-1].end
            if self.lang == "ru":
                cases = [t.case for t in span if re.search(r"[а-яё]", t.text, re.I)]
                nominative = not cases or "Nom" in cases
            elif self.lang == "az":
                nominative = span[-1].case != "Obl"
            else:
                nominative = not self._governed(start) and not re.match(r"['’]s\b", self.text[end : end + 3])
            found.append(Mention(start, end, match[1], nominative, True))
            i += len(match[0])
        # a known surname in another script or spelling ("Tramp", "Pashinyan" for Пашинян)
        keys = _cached(self.speakers, "", _surname_keys)
        for t in tokens:
            if not t.text[:1].isupper() or len(t.text) < 4 or any(m.start <= t.start < m.end for m in found):
                continue
            sid = keys.get(name_key(t.lemma if self.lang == "az" else t.text))
            if sid is None:
                continue
            if self.lang == "ru":
                nominative = t.case in (None, "Nom")
            elif self.lang == "az":
                nominative = t.case != "Obl"
            else:
                nominative = not self._governed(t.start) and not re.match(r"['’]s\b", self.text[t.end : t.end + 3])
            found.append(Mention(t.start, t.end, sid, nominative, True))
        return sorted(found, key=lambda m: m.start)

    def sole_person(self, start: int, end: int) -> str | None:
        """The one person ``text[start:end]`` names as a subject (nominative), or None when it
        names none or several: the interviewee of an introduction that has no reporting verb
        ("In an interview with Politico, presidential aide Hikmet Hajiyev discussed …")."""
        people = {m.speaker for m in self.mentions_in(start, end) if m.kind == "PER" and m.nominative}
        return people.pop() if len(people) == 1 else None

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions inside ``text[start:end]`` (bisection over the sorted starts: called per sentence)."""
        lo, hi = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end]

    # -- the subject rule ---------------------------------------------------------------

    def subject(self, start: int, end: int, blanked: str) -> str | None:
        """Speaker of the sentence ``text[start:end]``; ``blanked`` is that sentence with its
        quotations blanked out. Returns a speaker, :data:`PRONOUN`, :data:`JOINT` or None."""
        mentions = [
            m
            for m in self.mentions_in(start, end)
            if blanked[m.start - start : m.end - start].strip()
            and not self.lexicon.qualifies(self.text[m.end : m.end + 30])
        ]
        if _OWN_WORDS.search(blanked):
            return PRONOUN
        acc = _ACCORDING.search(blanked)
        if acc and _PRONOUN_RE.match(blanked[acc.end() :]):
            return PRONOUN  # "по его словам", "according to him"
        if acc and self.lang == "az":  # "Elxan Şahinoğlunun fikrincə, …": the name comes first
            owner = [m for m in mentions if m.end - start <= acc.start() and acc.start() - (m.end - start) <= 40]
            if owner:
                return owner[-1].speaker
        if acc:  # "по мнению эксперта Центра … Вугара Байрамова": the person, else the body
            after = [
                m
                for m in mentions
                if m.start - start >= acc.end()
                and m.start - start - acc.end() <= 80
                and not _PLACE_BEFORE.search(self.text[max(0, m.start - 6) : m.start])  # "embassy in Washington"
            ]
            people = [m for m in after if m.kind == "PER"]
            near = [m for m in after if m.start - start - acc.end() <= 40]
            if people or near:
                return (people or near)[0].speaker
        verbs = list(self.lexicon.reporting.finditer(blanked))
        if not verbs:
            return None
        for verb in verbs:
            vs, ve = start + verb.start(), start + verb.end()
            before = [
                m
                for m in mentions
                if m.end <= vs and m.nominative and (m.kind == "PER" or len(self.text[m.end : vs].split()) <= 3)
            ]
            if before:
                # Azerbaijani puts the verb last and the subject first; elsewhere the closest wins
                chosen = next((m for m in before if m.known), before[0]) if self.lang == "az" else before[-1]
                if self.lang == "en" and verb.group().lower().endswith("ing"):
                    # ", reminding the audience …": the participle's subject is the clause's first
                    people = [m for m in before if m.kind == "PER"]
                    chosen = next((m for m in people if m.known), people[0] if people else chosen)
                if self.lang == "en":  # the name an appositive follows, not a name inside it
                    chosen = next(
                        (m for m in before if m.kind == "PER" and _APPOSITIVE.match(self.text[m.end : vs])), chosen
                    )
                if self._joint(blanked, verb.end()) or self._joined(chosen, mentions):
                    return JOINT
                return chosen.speaker
            if _PRONOUN_RE.search(blanked[: verb.start()]):
                return PRONOUN
            unnamed = _UNNAMED_SPEAKER.search(blanked[: verb.start()])
            if unnamed is not None:
                # an unnamed speaker by the role the source gives: "senior administration official"
                return re.sub(r"\s+", " ", unnamed.group("who") or unnamed.group("ru"))
            after = [
                m
                for m in mentions
                if m.start >= ve and self._within_clause(ve, m.start) and m.nominative and self._names_next(ve, m.start)
            ]
            if after:
                # "Как считает эксперт Carnegie Europe Томас де Ваал": the person, not his body
                chosen = next((m for m in after if m.kind == "PER"), after[0])
                if self._joint(blanked, verb.end()) or self._joined(chosen, mentions):
                    return JOINT
                return chosen.speaker
        if _PRONOUN_RE.search(blanked):
            return PRONOUN
        return None

    def _within_clause(self, verb_end: int, name_start: int) -> bool:
        """Whether a name after the verb is its subject's place: near it (40 characters), or
        further in the same clause ("— сказал в пятницу на пресс-конференции в Вашингтоне
        премьер-министр Армении Никол Пашинян": the day, the place and the title come first)."""
        gap = name_start - verb_end
        return gap <= 40 or (gap <= 100 and not re.search(r"[,;:.!?«»\"“”]", self.text[verb_end:name_start]))

    @staticmethod
    def _joint(blanked: str, verb_end: int) -> bool:
        """Whether a sentence tells a joint statement, not one person's words about it ("birgə
        bəyannamə ilə bağlı Tramp deyib", "Трамп сказал о совместном заявлении", "Rubio told
        reporters that the joint declaration was a turning point")."""
        return any(
            not _ABOUT_BEFORE.search(blanked[: j.start()])
            and not _ABOUT_AFTER.match(blanked, j.end())
            and not (j.start() >= verb_end and _THAT.search(blanked[verb_end : j.start()]))
            for j in _JOINT_RE.finditer(blanked)
        )

    def _names_next(self, verb_end: int, name_start: int) -> bool:
        """Whether an English verb is followed by the name with nothing but titles and
        capitalised words between ("said the US Secretary of State Marco Rubio"), not by a
        clause of its own ("announced on August 8 would link mainland Azerbaijan")."""
        if self.lang != "en":
            return True
        between = self.text[verb_end:name_start].replace(",", " ").split()
        return all(
            w[:1].isupper()
            or is_title(w)
            or w.lower() in ("the", "a", "an", "of", "by")
            or not any(c.isalpha() for c in w)
            for w in between
        )

    def _joined(self, chosen: Mention, mentions: list[Mention]) -> bool:
        """Is ``chosen`` one of several names listed together ("Трамп, Макрон и Путин")?"""
        for other in mentions:
            if other is chosen or other.speaker == chosen.speaker:
                continue
            lo, hi = (other.end, chosen.start) if other.end <= chosen.start else (chosen.end, other.start)
            # the second of "Bayramov and Mirzoyan initialled" is a subject too, though "and"
            # before it reads as governing it in English
            if (
                0 <= hi - lo <= 6
                and _JOINER.match(self.text[lo:hi])
                and (other.nominative or other.start > chosen.start)
            ):
                return True
        return False

    def last_person(self, start: int, end: int, blanked: str) -> str | None:
        """The last person named in ``text[start:end]`` outside its quotations, in any case."""
        people = [
            m
            for m in self.mentions_in(start, end)
            if m.kind == "PER" and blanked[m.start - start : m.end - start].strip()
        ]
        return people[-1].speaker if people else None

    def first_nominative(self, start: int, end: int, blanked: str) -> str | None:
        """The first name in the subject's form in ``text[start:end]`` (the intro of a quote:
        "Ильхам Алиев в X о стрельбе: «…»")."""
        for m in self.mentions_in(start, end):
            if m.nominative and m.kind == "PER" and blanked[m.start - start : m.end - start].strip():
                return m.speaker
        return None
