"""Names of people and organisations in a source, and one spelling-free key for a name.

Russian is read with natasha (the NER and morphology models ship in its wheels): it finds
person and organisation names and tags each word's case in context, so "Пашиняну" and
"Никол Пашинян" are the same person and only the nominative one can be the subject of
"заявил". pymorphy3 gives the nominative form of an inflected name. English and
Azerbaijani have no such library installable here; their names are runs of capitalised
words that the text never writes in lower case (so "The" and "According" are not names),
with Azerbaijani case suffixes ("Əliyevə", "Trampın") stripped.

:func:`name_key` folds a name in any script to a consonant skeleton (unidecode, then
digraphs and the Azerbaijani/Russian renderings of the same sounds merged), so Пашинян,
Pashinyan and Paşinyan, or Гаджиев, Hajiyev and Hacıyev, share one key.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from unidecode import unidecode


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    lemma: str  # lower-case dictionary form (Russian), lower-case word without case suffix (az), lower-case word
    case: str | None  # "Nom", "Gen", ... for Russian; "Nom" or "Obl" for az names; None when unknown


@dataclass(frozen=True)
class Analysis:
    """A source text read once: its words with lemmas and cases, and the names in it."""

    tokens: list[Token]
    names: list[NameMention]


@dataclass(frozen=True, slots=True)
class NameMention:
    start: int
    end: int
    text: str  # as written
    lemma: str  # the nominative form ("Никол Пашинян" for "Никола Пашиняна")
    nominative: bool
    kind: str  # "PER" | "ORG"


# -- one key for a name in any script ----------------------------------------------------


def lower(text: str) -> str:
    """Lower case that keeps Azerbaijani's dotted capital: ``"İki".lower()`` is "i̇ki" (an i and
    a combining dot), which no word list holds and which splits a word in two for a tokenizer."""
    return text.replace("İ", "i").lower()


_PRE = str.maketrans(
    {
        "ə": "e",
        "Ə": "E",
        "ı": "i",
        "İ": "I",
        "ş": "sh",
        "Ş": "Sh",
        "ç": "ch",
        "Ç": "Ch",
        "ğ": "g",
        "Ğ": "G",
        "x": "kh",
        "X": "Kh",
        "c": "j",
        "C": "J",
    }
)
_DIGRAPHS = [
    ("shch", "s"),
    ("dzh", "z"),
    ("zh", "z"),
    ("j", "z"),
    ("kh", "h"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("g", "h"),
    ("x", "ks"),
]


def name_key(word: str, *, azerbaijani: bool = False) -> str:
    """Skeleton of a name: the same for its Cyrillic, Latin and Azerbaijani spellings
    (consonant classes kept, every vowel run written "a", glides dropped)."""
    text = word.translate(_PRE) if azerbaijani or re.search(r"[əƏıİşŞçÇğĞ]", word) else word
    text = unidecode(text).lower()
    text = re.sub(r"[^a-z]", "", text)
    for a, b in _DIGRAPHS:
        text = text.replace(a, b)
    text = re.sub(r"[aeiouy]+", "a", text)
    return re.sub(r"(.)\1+", r"\1", text)


# -- Russian: natasha + pymorphy3 ----------------------------------------------------------


@cache
def _natasha() -> tuple[Any, Any, Any]:
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    emb = NewsEmbedding()
    return Segmenter(), NewsMorphTagger(emb), NewsNERTagger(emb)


@cache
def morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


_NAME_TAGS = ("Name", "Surn", "Patr")


def _ru_lemma(word: str, case: str | None) -> str:
    """Nominative of one word of a Russian name, keeping its capitalisation."""
    if case == "Nom" or not re.search(r"[а-яё]", word, re.I):
        return word
    parses = morph().parse(word)
    named = [p for p in parses if any(t in p.tag for t in _NAME_TAGS)] or parses
    lemma = str(named[0].normal_form)
    return lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma


_UD_CASES = {"gent": "Gen", "datv": "Dat", "accs": "Acc", "ablt": "Ins", "loct": "Loc", "voct": "Voc"}


def _ru_case(word: str, tagged: str | None) -> str | None:
    """The case of one word of a Russian name: natasha's, unless it says nominative of a name
    pymorphy3's dictionary has in oblique cases only ("Байрамову задали вопрос": natasha's
    tagger reads a sentence-opening surname as the subject). Guesses for words outside the
    dictionary ("Никол", "Пашинян") are not taken: they bend foreign names at random."""
    if tagged != "Nom" or not re.search(r"[а-яё]", word, re.I):
        return tagged
    named = [p for p in morph().parse(word) if p.is_known and any(t in p.tag for t in _NAME_TAGS)]
    if not named or any("nomn" in p.tag for p in named):
        return tagged
    return _UD_CASES.get(str(named[0].tag.case), tagged)


def _ru_analysis(text: str) -> Analysis:
    from natasha import Doc

    segmenter, morph_tagger, ner_tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph_tagger)
    doc.tag_ner(ner_tagger)
    found: list[NameMention] = []
    starts = [t.start for t in doc.tokens]  # spans are found by bisection: a large upload stays linear
    covered: set[int] = set()  # tokens inside a name already found
    for span in doc.spans:
        if span.type not in ("PER", "ORG"):
            continue
        lo, inside = bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.stop)
        hi = lo
        while hi < inside and doc.tokens[hi].stop <= span.stop:
            hi += 1
        tokens = doc.tokens[lo:hi]
        if not tokens:
            continue
        stop = span.stop
        if span.type == "ORG":
            # "МИД России", "Министерство иностранных дел Армении": the country in the genitive
            # is part of the body's name (natasha tags it apart, as a place)
            while (
                hi < len(doc.tokens)
                and doc.tokens[hi].text[:1].isupper()
                and doc.tokens[hi].feats.get("Case") == "Gen"
                and text[stop : doc.tokens[hi].start].isspace()
            ):
                stop = doc.tokens[hi].stop
                hi += 1
            inside = max(inside, hi)
        head_case = (
            _ru_case(tokens[-1].text, tokens[-1].feats.get("Case"))
            if span.type == "PER"
            else tokens[0].feats.get("Case")
        )
        if span.type == "ORG" and tokens[0].text.isupper() and len(tokens[0].text) > 1:
            head_case = None  # "МИД", "НАТО": an abbreviation does not decline, any case may be its
        if head_case is None:  # a Latin name takes the case of the noun it stands beside ("на платформе Truth Social")
            prev = doc.tokens[lo - 1] if lo else None
            if prev is not None and prev.text[:1].islower() and prev.pos == "NOUN":
                head_case = prev.feats.get("Case")
        lemma = text[span.start : stop]
        if span.type == "PER":
            lemma = " ".join(_ru_lemma(t.text, _ru_case(t.text, t.feats.get("Case"))) for t in tokens)
        nominative = head_case in (None, "Nom")
        found.append(NameMention(span.start, stop, text[span.start : stop], lemma, nominative, span.type))
        covered.update(range(lo, inside))
    # names natasha left out (often a bare surname opening a sentence: "Трамп, по данным ...")
    for i, t in enumerate(doc.tokens):
        if not t.text[:1].isupper() or i in covered:
            continue
        parses = morph().parse(t.text)
        if not parses or not any(tag in parses[0].tag for tag in ("Surn", "Name")):
            continue
        case = _ru_case(t.text, t.feats.get("Case"))
        found.append(NameMention(t.start, t.stop, t.text, _ru_lemma(t.text, case), case in (None, "Nom"), "PER"))
    tokens = [Token(t.start, t.stop, t.text, _lower_lemma(t.text), t.feats.get("Case")) for t in doc.tokens]
    return Analysis(tokens, sorted(found, key=lambda m: m.start))


def _lower_lemma(word: str) -> str:
    if not re.search(r"[а-яё]", word, re.I):
        return word.lower()
    return str(morph().parse(word)[0].normal_form).replace("ё", "е")


def lemmas(text: str, lang: str) -> list[str]:
    """Dictionary forms of the words of a short phrase (an alias), as :class:`Analysis` has them."""
    words = re.findall(r"[^\W_]+", text)
    if lang == "ru":
        return [_lower_lemma(w) for w in words]
    if lang == "az":
        return [strip_az_suffix(w)[0].lower() for w in words]
    return [w.lower() for w in words]


# -- English and Azerbaijani: capitalised runs -------------------------------------------

_TITLES = {
    # English
    "president",
    "prime",
    "minister",
    "secretary",
    "state",
    "senator",
    "sen",
    "national",
    "security",
    "adviser",
    "advisor",
    "special",
    "envoy",
    "deputy",
    "foreign",
    "mr",
    "mrs",
    "ms",
    "dr",
    "general",
    "ambassador",
    "chairman",
    "speaker",
    "representative",
    "rep",
    "vice",
    "assistant",
    "aide",
    "spokesperson",
    "spokesman",
    "former",
    "us",
    "u.s",
    "the",
    "first",
    "lady",
    "senior",
    "director",
    "head",
    "chief",
    "expert",
    "analyst",
    "professor",
    "prof",
    "journalist",
    "correspondent",
    "of",
    "for",
    "and",
    # Azerbaijani
    "prezident",
    "prezidenti",
    "nazir",
    "naziri",
    "baş",
    "xarici",
    "işlər",
    "dövlət",
    "katibi",
    "səfir",
    "səfiri",
    "cənab",
    "xanım",
    "köməkçisi",
    "vitse-prezident",
    "vitse-prezidenti",
    "müşaviri",
    "rəhbəri",
    "ekspert",
    "eksperti",
    "politoloq",
    "analitik",
    "jurnalist",
    "müxbir",
    "deputat",
    "deputatı",
}
_WORD = r"(?:[A-ZƏİŞÇĞÖÜ][\w\-]*(?:['’]s?\w*)?|[A-Z]\.)"
_RUN = re.compile(rf"(?<![\w'’]){_WORD}(?:[ \t]+(?:{_WORD}|of|the|de|van|von))*")
_AZ_SUFFIXES = sorted(
    [
        "ın",
        "in",
        "un",
        "ün",
        "nın",
        "nin",
        "nun",
        "nün",
        "a",
        "ə",
        "ya",
        "yə",
        "ı",
        "i",
        "u",
        "ü",
        "nı",
        "ni",
        "nu",
        "nü",
        "da",
        "də",
        "dan",
        "dən",
        "la",
        "lə",
        "yla",
        "ylə",
        "ın'",
        "'ın",
        "'in",
        "'a",
        "'ə",
        "'ya",
        "'yə",
    ],
    key=len,
    reverse=True,
)
_AZ_SUFFIX_SET = frozenset(_AZ_SUFFIXES)


def az_buffered_stem(word: str) -> str | None:
    """The other reading of a name word that :func:`strip_az_suffix` cuts after an "n" or "y":
    "Avropanın" is "Avropa" + "nın" as well as "Avropan" + "ın" ("Paşinyanın"); no rule of
    the word alone tells which, so a document's name key is taken for both."""
    stem, bare = strip_az_suffix(word)
    if bare or not word.startswith(stem) or word[len(stem) : len(stem) + 1] == "'":
        return None
    rest = word[len(stem) :]
    if stem[-1:] in "ny" and stem[-2:-1] in tuple("aıoueəiöü") and (stem[-1] + rest) in _AZ_SUFFIX_SET:
        return stem[:-1]
    return None


#: the locative and ablative endings of an Azerbaijani place ("Bakıda", "Vaşinqtondan"); not a
#: surname's "-zadə" ("Hacızadə")
_AZ_PLACE_CASE = re.compile(r"^(?!.*zad[əa]$)[\w\-’']{3,}(?:da|də|dan|dən|ta|tə|tan|tən)$", re.I)


def strip_az_suffix(word: str) -> tuple[str, bool]:
    """An Azerbaijani name word without its case suffix, and whether it had none."""
    for apostrophe in ("'", "’"):
        if apostrophe in word:
            return word.split(apostrophe, 1)[0], False
    for suffix in _AZ_SUFFIXES:
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= 4
            and re.search(r"(?:ev|ov|yev|an|yan|p|ç)$", word[: -len(suffix)])
        ):
            return word[: -len(suffix)], False
    for suffix in _AZ_SUFFIXES:  # a buffer consonant after a vowel: "Şahinoğlunun", "Rubionun"
        if (
            suffix[0] in "ny"
            and len(suffix) >= 2
            and word.endswith(suffix)
            and len(word) - len(suffix) >= 4
            and word[-len(suffix) - 1] in "aıoueəiöü"
        ):
            return word[: -len(suffix)], False
    return word, True


#: head nouns of organisation names: a run that has one is one organisation up to it and its
#: "of …" tail, titles and nationalities included ("Armenian National Committee of America")
_ORG_HEADS = {
    *"committee ministry department council assembly institute institution center centre agency".split(),
    *"union party office foundation commission embassy parliament congress senate administration".split(),
    *"nazirliyi komitəsi şurası assambleyası institutu mərkəzi agentliyi partiyası səfirliyi".split(),
}


def _is_org_head(word: str) -> bool:
    return word.lower().strip(".,") in _ORG_HEADS


def is_title(word: str) -> bool:
    """Whether ``word`` is a title or rank word of English or Azerbaijani ("Secretary", "envoy")."""
    return word.lower().strip(".,") in _TITLES


def _org_part(words: list[str]) -> list[int] | None:
    """The indices of the organisation a capitalised run names, if it has an organisation head."""
    head = next((i for i, w in enumerate(words) if _is_org_head(w)), None)
    if head is None:
        return None
    # the organisation starts after the last "of"/"the" before its head: "Svante Cornell of the
    # American Foreign Policy Council" is a person of an organisation
    start = max((i + 1 for i in range(head) if words[i].lower() in ("of", "the")), default=0)
    end, i = head, head + 1
    while i < len(words) and words[i].lower() in ("of", "the"):  # "… Committee of America"
        while i < len(words) and words[i].lower() in ("of", "the"):
            i += 1
        if i >= len(words) or is_title(words[i]):
            break
        end = i
        while end + 1 < len(words) and words[end + 1].lower() not in ("of", "the") and not is_title(words[end + 1]):
            end += 1
        i = end + 1
    return list(range(start, end + 1)) if start <= head else None


def _segments(words: list[str]) -> list[list[int]]:
    """Indices of the name parts of a capitalised run, split at titles ("Prime Minister");
    an organisation's name is one part (:func:`_org_part`)."""
    org = _org_part(words)
    if org:
        before = _segments(words[: org[0]])
        rest = _segments(words[org[-1] + 1 :])
        return [*before, org, *([i + org[-1] + 1 for i in part] for part in rest)]
    parts: list[list[int]] = [[]]
    for i, w in enumerate(words):
        if w.lower().strip(".") in _TITLES or re.fullmatch(r"\w+(?:ian|ani|ese|ish|can|ci|li|lı)", w.lower()):
            parts.append([])
        else:
            parts[-1].append(i)
    return [p for p in parts if p]


_CALENDAR = {
    *"january february march april may june july august september october november december".split(),
    *"jan feb mar apr jun jul aug sep sept oct nov dec".split(),
    *"monday tuesday wednesday thursday friday saturday sunday".split(),
    *"yanvar fevral mart aprel iyun iyul avqust sentyabr oktyabr noyabr dekabr".split(),
}  # capitalised, but never a name ("Posted by @x · Feb 1, 2025")


_OPENERS = {
    *"as according in on at for but and or when while after before if though although since because".split(),
    *"so yet the a an this that these those with without by from to under over during despite unlike".split(),
    *"like meanwhile however also then still even only both".split(),
}  # English function words, capitalised at a sentence's start, never the first word of a name


def _latin_names(text: str, lang: str) -> list[NameMention]:
    lower_words = {w for w in re.findall(r"[^\W\d_]+", text) if w[:1].islower()}
    mid_caps = {m.group(1) for m in re.finditer(r"(?<=[\w,;] )([A-ZƏİŞÇĞÖÜ]\w+)", text)}
    found: list[NameMention] = []
    for m in _RUN.finditer(text):
        spans = [(w.start(), w.end(), w.group()) for w in re.finditer(r"\S+", m.group())]
        words = [w for _, _, w in spans]
        parts = _segments(words)
        if lang == "az":
            parts = [piece for part in parts for piece in _az_name_pieces(words, part)]
        for part in parts:
            part = [
                i
                for i in part
                if (words[i].lower() not in lower_words or i > part[0])
                and words[i].lower().strip(".,") not in _CALENDAR
            ]
            while part and words[part[-1]].lower() in ("of", "the", "de", "van", "von"):
                part = part[:-1]
            while part and words[part[0]].lower().strip(",") in _OPENERS:
                part = part[1:]  # "As Svante Cornell put it": a sentence's first word, not a name's
            if not part:
                continue
            first, last = part[0], part[-1]
            start, end = m.start() + spans[first][0], m.start() + spans[last][1]
            # a sentence or a quotation opens here ("… unconvinced. \"This is …\"", "«Это …»")
            sentence_start = start == 0 or re.search(
                r"(?:^|[.!?:,]\s+|\n\s*|\s)[«\"“„'‘(\[]+$|(?:^|[.!?:]\s+|\n\s*)$", text[max(0, start - 4) : start]
            )
            lemma_words = [words[i] for i in part]
            if len(part) == 1 and sentence_start and lemma_words[0] not in mid_caps:
                continue  # "Məktubun", "Neither": a capitalised sentence opener, not a name
            tail = lemma_words[-1]
            nominative = True
            if re.search(r"['’]s$", tail):
                tail, nominative = re.sub(r"['’]s$", "", tail), False
            elif lang == "az":
                tail, nominative = strip_az_suffix(tail.rstrip("."))
                if nominative and _AZ_PLACE_CASE.search(tail):
                    nominative = False  # "Nyu-Yorkda", "Şarm-əş-Şeyxdə": where, never who
            lemma_words[-1] = tail
            if len(tail) < 3:
                continue
            kind = "ORG" if any(_is_org_head(words[i]) for i in part) else "PER"
            found.append(NameMention(start, end, text[start:end], " ".join(lemma_words), nominative, kind))
    if lang == "en":
        found = _possessive_bodies(text, found)
    return found


#: "Iran's foreign ministry", "Armenia's parliament": a country's body in lower case
_POSSESSIVE_BODY = re.compile(
    r"\b([A-Z][a-z]+)['’]s\s+((?:[a-z]+\s+){0,2}(?:" + "|".join(sorted(_ORG_HEADS)) + r"|government))\b"
)


def _possessive_bodies(text: str, found: list[NameMention]) -> list[NameMention]:
    """A body named by its country's possessive and a head noun in lower case ("Iran's foreign
    ministry said …"): one organisation, the subject it stands as, not the country "Iran"
    in the genitive."""
    for m in _POSSESSIVE_BODY.finditer(text):
        found = [n for n in found if not (m.start() <= n.start < m.end())]
        found.append(NameMention(m.start(), m.end(), m.group(), m.group(), True, "ORG"))
    return sorted(found, key=lambda n: n.start)


def _az_name_pieces(words: list[str], part: list[int]) -> list[list[int]]:
    """An Azerbaijani name takes its case suffix on its last word only, so an inflected word
    ends it: "Əliyev X-də Trampa" is Əliyev, X and Tramp, not one person."""
    pieces: list[list[int]] = [[]]
    for i in part:
        pieces[-1].append(i)
        w = words[i].rstrip(".,;:")
        if re.search(r"['’-][a-zəıöüğşç]{1,4}$", w) or not strip_az_suffix(w)[1] or _AZ_PLACE_CASE.search(w):
            pieces.append([])
    return [p for p in pieces if p]


def analyse(text: str, lang: str) -> Analysis:
    """Words and names of ``text`` (a whole source)."""
    if lang == "ru" or (lang not in ("en", "az") and re.search(r"[а-яё]", text, re.I)):
        return _ru_analysis(text)
    tokens = []
    for m in re.finditer(r"[^\W_]+", text):
        w = m.group()
        if lang == "az" and w[:1].isupper():
            stem, nominative = strip_az_suffix(w)
            tokens.append(Token(m.start(), m.end(), w, stem.lower(), "Nom" if nominative else "Obl"))
        else:
            tokens.append(Token(m.start(), m.end(), w, w.lower(), None))
    return Analysis(tokens, _latin_names(text, lang))


def find_names(text: str, lang: str) -> list[NameMention]:
    """Person and organisation names in ``text`` (a whole source), in text order."""
    return analyse(text, lang).names
