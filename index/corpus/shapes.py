"""Source shapes whose speech carries no quotation marks: reproduced letters and interviews.

* **A letter** runs from its salutation ("Уважаемый господин Президент!", "Dear Mr.
  President,", "Hörmətli cənab Prezident!") to its closing ("С уважением,", "Sincerely,",
  "Hörmətlə,") and the signature after it. Every line of it is the signer's (the name in
  the signature), or the event's speaker when the signature names nobody.
* **An interview** is a run of turns labelled "Question:"/"Answer:" ("Вопрос:"/"Ответ:",
  "Sual:"/"Cavab:", "Q:"/"A:"). Answers are the interviewee's (the event's speaker);
  questions are the interviewer's, named after the outlet the introduction gives
  ("an interview to Euronews" → "Euronews correspondent").

:func:`find_shapes` returns a role per paragraph number: ``"speaker:<who>"`` (``<who>``
empty means "the event's speaker").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from .attribution import Attributor

_SALUTATION = re.compile(
    r"^(?:Уважаем\w*|Дорог\w*|Глубокоуважаем\w*|Dear|Hörmətli|Əziz|Dəyərli|Möhtərəm|Çox\s+hörmətli)(?!\w)", re.I)
_CLOSING = re.compile(
    r"^(?:С\s+уважением|С\s+глубоким\s+уважением|С\s+наилучшими\s+пожеланиями|Искренне(?:\s+Ваш)?|"
    r"Sincerely|Respectfully|Yours(?:\s+(?:sincerely|truly|faithfully))?|(?:With\s+)?(?:best|kind|warm)\s+regards|"
    r"Hörmətlə|Səmimiyyətlə|Ehtiramla|Dərin\s+hörmətlə)\b[\s,.!]*", re.I)
_QUESTION = re.compile(r"^(?:Question|Q|Interviewer|Вопрос|В|Корреспондент|Журналист|Sual|Müxbir|Jurnalist)\s*[:—–-]\s",
                       re.I)
_ANSWER = re.compile(r"^(?:Answer|A|Ответ|О|Cavab)\s*[:—–-]\s", re.I)
_OUTLET = [
    re.compile(r"interview\s+(?:to|with|for|given\s+to)\s+(?:the\s+)?(?P<o>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})"),
    re.compile(r"интервью\s+(?:телеканалу|агентству|газете|изданию|журналу|радио(?:станции)?|порталу)?\s*"
               r"«?(?P<o>[A-ZА-ЯЁ][\w\-]*(?:\s+[A-ZА-ЯЁ][\w\-]*){0,2})»?"),
    re.compile(r"(?P<o>[A-ZƏİŞÇĞÖÜ][\w\-]*(?:\s+[A-ZƏİŞÇĞÖÜ][\w\-]*){0,2})[-'’]?(?:a|ə|ya|yə|na|nə)\s+"
               r"(?:eksklüziv\s+)?müsahibə"),
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
    _interviews(paragraphs, lang, roles)
    return roles


def _letters(paragraphs: Sequence[_Para], who: Attributor, roles: dict[int, str]) -> None:
    i = 0
    while i < len(paragraphs):
        if not _SALUTATION.match(paragraphs[i].text) or len(paragraphs[i].text) > 200:
            i += 1
            continue
        close = next((j for j in range(i + 1, min(len(paragraphs), i + 40))
                      if _CLOSING.match(paragraphs[j].text) and len(paragraphs[j].text) <= 120), None)
        if close is None:
            i += 1
            continue
        closing = paragraphs[close]
        end = close
        signature = []
        for para in paragraphs[close + 1:close + 4]:
            if len(para.text) > 100 or (re.search(r"[.!?]\s*$", para.text) and not re.search(r"\b\w\.\s*$", para.text)):
                break
            signature.append(para)
            end += 1
        signer = ""
        if _CLOSING.sub("", closing.text, count=1).strip():
            signature.insert(0, closing)
        for para in signature:
            names = who.mentions_in(para.start, para.start + len(para.text))
            if names:
                signer = names[0].speaker
                break
        for para in paragraphs[i:end + 1]:
            roles[para.number] = f"speaker:{signer}"
        i = end + 1


def _interviews(paragraphs: Sequence[_Para], lang: str, roles: dict[int, str]) -> None:
    turns = [p for p in paragraphs if _QUESTION.match(p.text) or _ANSWER.match(p.text)]
    if len(turns) < 2 or not any(_QUESTION.match(p.text) for p in turns):
        return
    intro = " ".join(p.text for p in paragraphs if p.number < turns[0].number)
    outlet = next((m.group("o") for pattern in _OUTLET if (m := pattern.search(intro))), None)
    interviewer = _INTERVIEWER.get(lang, "{}").format(outlet) if outlet else _JOURNALIST.get(lang, "journalist")
    for para in turns:
        roles[para.number] = f"speaker:{interviewer}" if _QUESTION.match(para.text) else "speaker:"
