"""Source shapes whose speech carries no quotation marks: reproduced letters and interviews.

* **A letter** runs from its salutation ("Уважаемый господин Президент!", "Dear Mr.
  President,", "Hörmətli cənab Prezident!") to its closing ("С уважением,", "Sincerely,",
  "Hörmətlə,") and the signature after it. Every line of it is the signer's (the name in
  the signature), or the event's speaker when the signature names nobody.
* **An interview** is a run of turns, in one of the three ways interviews are printed:
  labelled "Question:"/"Answer:" ("Вопрос:"/"Ответ:", "Sual:"/"Cavab:", "Q:"/"A:"); led by a
  dash, as Russian papers print them ("— Господин президент, …?" / "— Мы …"), a turn that
  ends with a question mark being a question; or labelled with the speaker's name
  ("Ильхам Алиев: …", "Euronews: …"). Dash and name turns count only in a text that says it
  is an interview (the lexicon's interview words: "интервью", "answered questions", …),
  so a quote opened by a dash or an "Источник:" line in a news item is not one. Labels may be
  set in markdown emphasis ("**Question:**", "**Aliyev:**"), as sources pasted from the web
  often are. Answers are the interviewee's (the event's speaker, or the named one); questions are
  the interviewer's, named after the outlet the introduction gives ("an interview to
  Euronews" → "Euronews correspondent"). Unlabelled paragraphs between an answer and the
  next turn continue that answer.

:func:`find_shapes` returns a role per paragraph number: ``"speaker:<who>"`` (``<who>``
empty means "the event's speaker").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from .attribution import Attributor

_SALUTATION = re.compile(
    r"^(?:Уважаем\w*|Дорог\w*|Глубокоуважаем\w*|Dear|Hörmətli|Əziz|Dəyərli|Möhtərəm|Çox\s+hörmətli)(?!\w)", re.I
)
_CLOSING = re.compile(
    r"^(?:С\s+уважением|С\s+глубоким\s+уважением|С\s+наилучшими\s+пожеланиями|Искренне(?:\s+Ваш)?|"
    r"Sincerely|Respectfully|Yours(?:\s+(?:sincerely|truly|faithfully))?|(?:With\s+)?(?:best|kind|warm)\s+regards|"
    r"Hörmətlə|Səmimiyyətlə|Ehtiramla|Dərin\s+hörmətlə)\b[\s,.!]*",
    re.I,
)
_QUESTION = re.compile(
    r"^(?:Question|Q|Interviewer|Вопрос|В|Корреспондент|Журналист|Sual|Müxbir|Jurnalist)\s*[:—–-]\s", re.I
)
_ANSWER = re.compile(r"^(?:Answer|A|Ответ|О|Cavab)\s*[:—–-]\s", re.I)
_DASH_TURN = re.compile(r"^[—–-]\s*\w")
_NAME_LABEL = re.compile(r"^(?P<label>[A-ZА-ЯЁƏİŞÇĞÖÜ][\w.\-’']*(?:\s+[A-ZА-ЯЁƏİŞÇĞÖÜ][\w.\-’']*){0,3})\s*:\s+\S")
_ASKS = re.compile(r"\?[\s»\"”)]*$")
#: markdown emphasis around a turn's label ("**Question:**", "*Ильхам Алиев:*", "__Q__:")
_EMPHASIS = re.compile(r"[*_]{1,3}")
_OUTLET = [
    re.compile(
        r"(?:interview|spoke|talked|sat\s+down)\s+(?:to|with|for|given\s+to)\s+(?:the\s+)?"
        r"(?P<o>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})"
    ),
    re.compile(
        r"интервью\s+(?:телеканалу|агентству|газете|изданию|журналу|радио(?:станции)?|порталу)?\s*"
        r"«?(?P<o>[A-ZА-ЯЁ][\w\-]*(?:\s+[A-ZА-ЯЁ][\w\-]*){0,2})»?"
    ),
    re.compile(r"(?:корреспондент|журналист)\w*\s+«?(?P<o>[A-ZА-ЯЁ][\w\-]*(?:\s+[A-ZА-ЯЁ][\w\-]*){0,2})»?"),
    re.compile(
        r"(?:ответил|отвечая|ответила)\w*\s+на\s+вопросы\s+"
        r"(?:телеканала|агентства|газеты|издания|журнала|радио(?:станции)?|портала)?\s*"
        r"«?(?P<o>[A-ZА-ЯЁ][\w\-]*(?:\s+[A-ZА-ЯЁ][\w\-]*){0,2})»?"
    ),
    # "APA-ya müsahibə verib", "Euronews telekanalına müsahibə": one word before the dative
    re.compile(r"(?P<o>[A-ZƏİŞÇĞÖÜ]\w*?)[-'’](?:y?a|y?ə|n?a|n?ə)\s+(?:eksklüziv\s+)?müsahibə"),
    re.compile(
        r"(?P<o>[A-ZƏİŞÇĞÖÜ]\w*)\s+(?:agentliyinə|telekanalına|qəzetinə|saytına|portalına)\s+"
        r"(?:eksklüziv\s+)?müsahibə"
    ),
]
_INTERVIEWER = {"en": "{} correspondent", "ru": "корреспондент {}", "az": "{} müxbiri"}
_JOURNALIST = {"en": "journalist", "ru": "журналист", "az": "jurnalist"}


class _Para(Protocol):
    number: int
    start: int
    text: str


def find_shapes(paragraphs: Sequence[_Para], who: Attributor, lang: str) -> dict[int, str]:
    roles: dict[int, str] = {}
    _letters(paragraphs, who, roles)
    _interviews(paragraphs, lang, roles, who)
    return roles


#: quotation marks a reproduced letter may be wrapped in ("«Уважаемый …", "… Дональд Трамп»")
_QUOTES = "«»\"“”„'’"


def _without_quote_marks(text: str) -> str:
    return text.strip().strip(_QUOTES).strip()


def opens_letter(text: str) -> bool:
    """Whether a paragraph is a letter's salutation ("Уважаемый господин Президент!")."""
    return len(text) <= 200 and _SALUTATION.match(_without_quote_marks(text)) is not None


def _letters(paragraphs: Sequence[_Para], who: Attributor, roles: dict[int, str]) -> None:
    i = 0
    while i < len(paragraphs):
        if not opens_letter(paragraphs[i].text):
            i += 1
            continue
        close = next(
            (
                j
                for j in range(i + 1, min(len(paragraphs), i + 40))
                if _CLOSING.match(_without_quote_marks(paragraphs[j].text)) and len(paragraphs[j].text) <= 120
            ),
            None,
        )
        if close is None:
            i += 1
            continue
        closing = paragraphs[close]
        end = close
        signature = []
        for para in paragraphs[close + 1 : close + 4]:
            if len(para.text) > 100 or (re.search(r"[.!?]\s*$", para.text) and not re.search(r"\b\w\.\s*$", para.text)):
                break
            signature.append(para)
            end += 1
        signer = ""
        if _CLOSING.sub("", _without_quote_marks(closing.text), count=1).strip():
            signature.insert(0, closing)
        for para in signature:
            names = who.mentions_in(para.start, para.start + len(para.text))
            if names:
                signer = names[0].speaker
                break
        for para in paragraphs[i : end + 1]:
            roles[para.number] = f"speaker:{signer}"
        i = end + 1


def _interviews(paragraphs: Sequence[_Para], lang: str, roles: dict[int, str], who: Attributor) -> None:
    turns = _labelled_turns(paragraphs)
    if turns is None:
        turns = _dash_turns(paragraphs, who) or _name_turns(paragraphs, who)
    # the first line is the headline, never a turn, whatever its form ("Hikmət Hacıyev: …")
    turns.pop(paragraphs[0].number if paragraphs else 0, None)
    if not turns:
        return
    first = min(turns)
    intro = " ".join(p.text for p in paragraphs if p.number < first)
    outlet = next((m.group("o") for pattern in _OUTLET if (m := pattern.search(intro))), None)
    asking = _asking_label(paragraphs, turns, who)
    if outlet is None:  # "Bloomberg: …?" / "Ильхам Алиев: …": the asking label is the outlet
        outlet = asking
    interviewer = _INTERVIEWER.get(lang, "{}").format(outlet) if outlet else _JOURNALIST.get(lang, "journalist")
    if asking and asking != outlet:
        # "BAIER: …?" under "… spoke to Fox News anchor Bret Baier": the one asking, named in full
        interviewer = _full_name(asking, intro) or interviewer
    last, current = max(turns), None
    for para in paragraphs:
        if para.number < first or para.number > last or para.number in roles:
            continue
        turn = turns.get(para.number)
        if turn is None:  # an answer's next paragraph, before the next turn
            if current is not None:
                roles[para.number] = current
            continue
        if turn == _ASKING or (outlet and turn == f"speaker:{outlet}") or (asking and turn == f"speaker:{asking}"):
            roles[para.number], current = f"question:{interviewer}", None
        else:
            roles[para.number] = current = turn


_ASKING = "question"


def _head(text: str) -> str:
    """The opening of a paragraph as its label reads, without markdown emphasis marks."""
    return _EMPHASIS.sub("", text[:120]) + text[120:]


def _labelled_turns(paragraphs: Sequence[_Para]) -> dict[int, str] | None:
    """ "Question:"/"Answer:" turns; None when the text has no such interview."""
    turns = {
        p.number: _ASKING if _QUESTION.match(_head(p.text)) else "speaker:"
        for p in paragraphs
        if _QUESTION.match(_head(p.text)) or _ANSWER.match(_head(p.text))
    }
    return turns if len(turns) >= 2 and _ASKING in turns.values() else None


def _says_interview(paragraphs: Sequence[_Para], before: int, who: Attributor) -> bool:
    return any("interview" in who.lexicon.occasions_in(p.text) for p in paragraphs if p.number < before)


def _dash_turns(paragraphs: Sequence[_Para], who: Attributor) -> dict[int, str]:
    """Turns led by a dash: a question ends with "?", an answer does not."""
    turns = {p.number: _ASKING if _ASKS.search(p.text) else "speaker:" for p in paragraphs if _DASH_TURN.match(p.text)}
    kinds = set(turns.values())
    if len(turns) < 2 or kinds != {_ASKING, "speaker:"} or not _says_interview(paragraphs, min(turns), who):
        return {}
    return turns


def _name_turns(paragraphs: Sequence[_Para], who: Attributor) -> dict[int, str]:
    """Turns labelled with a name ("Ильхам Алиев: …"): at least two speakers, each turn by
    the known speaker its label names, else by the label as written."""
    turns: dict[int, str] = {}
    for p in paragraphs:
        head = _head(p.text)
        if _QUESTION.match(head) or _ANSWER.match(head):
            turns[p.number] = _ASKING if _QUESTION.match(head) else "speaker:"
            continue
        m = _NAME_LABEL.match(head)
        if m is None:
            continue
        label = m.group("label")
        at = p.start + max(p.text.find(label), 0)
        names = who.mentions_in(at, at + len(label))
        turns[p.number] = f"speaker:{names[0].speaker if names else label}"
    if len(set(turns.values())) < 2 or len(turns) < 3:
        return {}
    if not _says_interview(paragraphs, min(turns), who) and not _asks_and_answers(paragraphs, turns):
        return {}
    return turns


def _asking_labels(paragraphs: Sequence[_Para], turns: dict[int, str]) -> set[str]:
    """The turn labels every turn of which is a question."""
    texts = {p.number: p.text for p in paragraphs}
    return {
        label for label in set(turns.values()) if all(_ASKS.search(texts[n]) for n, t in turns.items() if t == label)
    }


def _full_name(label: str, intro: str) -> str | None:
    """The capitalised name in ``intro`` that a surname label ends ("BAIER" → "Bret Baier")."""
    m = re.search(rf"((?:\S+\s+){{0,2}})({re.escape(label.strip())})(?!\w)", intro, re.I)
    if m is None:
        return None
    before = m.group(1).split()
    while before and not before[0][:1].isupper():
        before = before[1:]
    words = [*before, m.group(2)]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return " ".join(w[:1] + w[1:].lower() if w.isupper() else w for w in words)


def _asking_label(paragraphs: Sequence[_Para], turns: dict[int, str], who: Attributor) -> str | None:
    """The name-turn label (no known speaker) every turn of which is a question: the outlet
    ("Bloomberg: Как вы оцениваете …?")."""
    for turn in sorted(_asking_labels(paragraphs, turns)):
        label = turn.removeprefix("speaker:")
        if turn.startswith("speaker:") and label and who.speakers.get(label) is None:
            return label
    return None


def _asks_and_answers(paragraphs: Sequence[_Para], turns: dict[int, str]) -> bool:
    """Two labels taking turns, every turn of one of them a question: an interview by its
    form, whatever the introduction calls it ("Ilham Aliyev spoke to Fox News …")."""
    if len(set(turns.values())) != 2:
        return False
    asking = _asking_labels(paragraphs, turns)
    ordered = [turns[n] for n in sorted(turns)]
    alternate = all(a != b for a, b in pairwise(ordered))
    return len(asking) == 1 and alternate
