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

Each action class carries its format (``FORMAT``, a template of its fields) and the pattern of
each field, so :func:`encode` and :func:`decode` are written once for all of them. Unknown or
malformed data parses to ``None``; the handler then answers with a short "expired" notice
instead of failing. Handlers never decode: :class:`bot.context.ButtonHandler` matches a button by
its action class and hands the decoded action to the handler.
"""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass
from typing import ClassVar

MAX_BYTES = 64
KEY_LEN = 12
KEY = rf"[A-Za-z0-9_-]{{{KEY_LEN}}}"


@dataclass(frozen=True, slots=True)
class Page:
    FORMAT: ClassVar[str] = "n:{key}:{offset}"
    FIELDS: ClassVar[dict[str, str]] = {"key": KEY, "offset": "[0-9]{1,5}"}
    key: str
    offset: int


@dataclass(frozen=True, slots=True)
class Full:
    FORMAT: ClassVar[str] = "f:{key}:{index}"
    FIELDS: ClassVar[dict[str, str]] = {"key": KEY, "index": "[0-9]{1,2}"}
    key: str
    index: int


@dataclass(frozen=True, slots=True)
class Back:
    FORMAT: ClassVar[str] = "b:{key}"
    FIELDS: ClassVar[dict[str, str]] = {"key": KEY}
    key: str


@dataclass(frozen=True, slots=True)
class Vote:
    FORMAT: ClassVar[str] = "v:{key}:{up}"
    FIELDS: ClassVar[dict[str, str]] = {"key": KEY, "up": "[ud]"}
    key: str
    up: bool


@dataclass(frozen=True, slots=True)
class Example:
    FORMAT: ClassVar[str] = "x:{lang}:{index}"
    FIELDS: ClassVar[dict[str, str]] = {"lang": "[a-z]{2}", "index": "[0-9]"}
    lang: str
    index: int


@dataclass(frozen=True, slots=True)
class Confirm:
    FORMAT: ClassVar[str] = "m:y:{key}"
    FIELDS: ClassVar[dict[str, str]] = {"key": KEY}
    key: str


@dataclass(frozen=True, slots=True)
class Decline:
    FORMAT: ClassVar[str] = "m:n:{key}"
    FIELDS: ClassVar[dict[str, str]] = {"key": KEY}
    key: str


@dataclass(frozen=True, slots=True)
class Lang:
    FORMAT: ClassVar[str] = "l:{lang}"
    FIELDS: ClassVar[dict[str, str]] = {"lang": "[a-z]{2}"}
    lang: str


Action = Page | Full | Back | Vote | Example | Confirm | Decline | Lang
ACTIONS: tuple[type[Action], ...] = (Page, Full, Back, Vote, Example, Confirm, Decline, Lang)


def _pattern(kind: type[Action]) -> re.Pattern[str]:
    """The regular expression of ``kind``'s data, one named group per field."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(kind.FORMAT):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>{kind.FIELDS[name]})")
    return re.compile("".join(parts))


PATTERNS: dict[type[Action], re.Pattern[str]] = {kind: _pattern(kind) for kind in ACTIONS}


def _text(value: object) -> str:
    return ("u" if value else "d") if isinstance(value, bool) else str(value)


def _value(kind: type[Action], name: str, text: str) -> object:
    annotation = str({f.name: f.type for f in dataclasses.fields(kind)}[name])
    if annotation == "int":
        return int(text)
    if annotation == "bool":
        return text == "u"
    return text


def encode(action: Action) -> str:
    data = action.FORMAT.format(**{f.name: _text(getattr(action, f.name)) for f in dataclasses.fields(action)})
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: object) -> Action | None:
    """The action of a button, or ``None`` for data this version does not understand."""
    if not isinstance(data, str) or not data:
        return None
    for kind in ACTIONS:
        m = PATTERNS[kind].fullmatch(data)
        if m:
            return kind(**{name: _value(kind, name, text) for name, text in m.groupdict().items()})  # type: ignore[arg-type]
    return None
