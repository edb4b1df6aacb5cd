"""Compact, restart-safe callback data for inline buttons (Telegram allows 1–64 bytes).

A button never carries the question itself: it carries the key of a *view* (the question, the
page offset and the hits shown, persisted by :class:`bot.view_store.ViewStore`) and a small
argument. Formats (``K`` is a 12-character key)::

    n:K:OFFSET   show the page of the same question starting at OFFSET
    f:K:I        show the full paragraph(s) of hit I (0-based) of the view
    b:K          back from a paragraph to the view's page
    v:K:u|d      vote 👍/👎 on the view
    x:LANG:I     ask example question I (the /start buttons)
    m:y:K        a moderator confirms the pending action K (add, remove, rollback)
    m:n:K        a moderator cancels the pending action K
    l:LANG       switch the interface language (/lang)

Unknown or malformed data parses to ``None``; the handler then answers with a short
"expired" notice instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
KEY_LEN = 12
_KEY = rf"[A-Za-z0-9_-]{{{KEY_LEN}}}"

PAGE_PATTERN = rf"^n:{_KEY}:\d{{1,5}}$"
FULL_PATTERN = rf"^f:{_KEY}:\d{{1,2}}$"
BACK_PATTERN = rf"^b:{_KEY}$"
VOTE_PATTERN = rf"^v:{_KEY}:[ud]$"
EXAMPLE_PATTERN = r"^x:[a-z]{2}:\d$"
CONFIRM_PATTERN = rf"^m:y:{_KEY}$"
DECLINE_PATTERN = rf"^m:n:{_KEY}$"
LANG_PATTERN = r"^l:[a-z]{2}$"


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    offset: int


@dataclass(frozen=True, slots=True)
class Full:
    key: str
    index: int


@dataclass(frozen=True, slots=True)
class Back:
    key: str


@dataclass(frozen=True, slots=True)
class Vote:
    key: str
    up: bool


@dataclass(frozen=True, slots=True)
class Example:
    lang: str
    index: int


@dataclass(frozen=True, slots=True)
class Confirm:
    key: str


@dataclass(frozen=True, slots=True)
class Decline:
    key: str


@dataclass(frozen=True, slots=True)
class Lang:
    lang: str


Action = Page | Full | Back | Vote | Example | Confirm | Decline | Lang


def encode(action: Action) -> str:
    match action:
        case Page(key, offset):
            data = f"n:{key}:{offset}"
        case Full(key, index):
            data = f"f:{key}:{index}"
        case Back(key):
            data = f"b:{key}"
        case Vote(key, up):
            data = f"v:{key}:{'u' if up else 'd'}"
        case Example(lang, index):
            data = f"x:{lang}:{index}"
        case Confirm(key):
            data = f"m:y:{key}"
        case Decline(key):
            data = f"m:n:{key}"
        case Lang(lang):
            data = f"l:{lang}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action | None:
    """The action of a button, or ``None`` for data this version does not understand."""
    if not data:
        return None
    if re.match(PAGE_PATTERN, data):
        _, key, offset = data.split(":")
        return Page(key, int(offset))
    if re.match(FULL_PATTERN, data):
        _, key, index = data.split(":")
        return Full(key, int(index))
    if re.match(BACK_PATTERN, data):
        return Back(data.split(":")[1])
    if re.match(VOTE_PATTERN, data):
        _, key, vote = data.split(":")
        return Vote(key, vote == "u")
    if re.match(EXAMPLE_PATTERN, data):
        _, lang, index = data.split(":")
        return Example(lang, int(index))
    if re.match(CONFIRM_PATTERN, data):
        return Confirm(data.split(":")[2])
    if re.match(DECLINE_PATTERN, data):
        return Decline(data.split(":")[2])
    if re.match(LANG_PATTERN, data):
        return Lang(data.split(":")[1])
    return None
