"""A validator for Telegram's HTML parse mode, strict where Telegram is strict.

Rules (https://core.telegram.org/bots/api#html-style): only the tags b, strong, i, em, u, ins,
s, strike, del, span class="tg-spoiler", tg-spoiler, a href, code, pre (with an optional inner
code class="language-…"), blockquote [expandable] and tg-emoji emoji-id; tags properly nested;
no entities inside pre/code; no blockquote inside blockquote; every ``<``, ``>`` and ``&``
outside a tag is escaped; only the named entities &lt; &gt; &amp; &quot; and numeric ones.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

ALLOWED = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
ATTRS = {"a": {"href"}, "span": {"class"}, "code": {"class"}, "tg-emoji": {"emoji-id"}, "blockquote": {"expandable"}}
REQUIRED = {"a": "href", "tg-emoji": "emoji-id", "span": "class"}
_VALUE = r"(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=`]+)"
_TAG = re.compile(rf"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*{_VALUE})?)*)\s*>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'<>=`]+))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
MAX_LEN = 4096


class TelegramHTMLError(ValueError):
    """What Telegram would answer with "Bad Request: can't parse entities: …"."""


@dataclass
class Parsed:
    text: str  # the visible text
    entities: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def utf16_length(self) -> int:
        return len(self.text.encode("utf-16-le")) // 2

    def tags(self) -> list[str]:
        return [name for name, _ in self.entities]


def parse(markup: str) -> Parsed:
    """The visible text and entity list of ``markup``; raises TelegramHTMLError if Telegram would."""
    out: list[str] = []
    stack: list[str] = []
    parsed = Parsed("")
    i = 0
    while i < len(markup):
        ch = markup[i]
        if ch == "<":
            m = _TAG.match(markup, i)
            if not m:
                raise TelegramHTMLError(f"unescaped '<' or malformed tag at {i}: {markup[i : i + 30]!r}")
            closing, name, attr_text = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if name not in ALLOWED:
                raise TelegramHTMLError(f"unsupported tag <{name}> at {i}")
            if closing:
                if attr_text.strip():
                    raise TelegramHTMLError(f"attributes in closing tag </{name}>")
                if not stack or stack[-1] != name:
                    raise TelegramHTMLError(f"unmatched end tag </{name}> at {i} (open: {stack})")
                stack.pop()
            else:
                attrs: dict[str, str] = {}
                for am in _ATTR.finditer(attr_text):
                    key, raw = am.group(1).lower(), am.group(2)
                    if key not in ATTRS.get(name, set()):
                        raise TelegramHTMLError(f"unsupported attribute {key!r} in <{name}>")
                    value = raw[1:-1] if raw and raw[0] in "\"'" else (raw or "")
                    _check_entities(value, i)
                    attrs[key] = html.unescape(value)
                if name in REQUIRED and REQUIRED[name] not in attrs:
                    raise TelegramHTMLError(f"<{name}> needs {REQUIRED[name]}")
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise TelegramHTMLError('span needs class="tg-spoiler"')
                if name == "code" and "class" in attrs and not (stack and stack[-1] == "pre"):
                    raise TelegramHTMLError("code class is only allowed inside pre")
                if stack and stack[-1] in ("pre", "code") and not (name == "code" and stack[-1] == "pre"):
                    raise TelegramHTMLError(f"<{name}> inside <{stack[-1]}>")
                if name == "blockquote" and "blockquote" in stack:
                    raise TelegramHTMLError("nested blockquote")
                if name == "a" and "a" in stack:
                    raise TelegramHTMLError("nested links")
                stack.append(name)
                parsed.entities.append((name, attrs))
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(markup, i)
            if not m:
                raise TelegramHTMLError(f"unescaped '&' at {i}: {markup[i : i + 12]!r}")
            out.append(html.unescape(m.group(0)))
            i = m.end()
        elif ch == ">":
            raise TelegramHTMLError(f"unescaped '>' at {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise TelegramHTMLError(f"unclosed tags: {stack}")
    parsed.text = "".join(out)
    return parsed


def _check_entities(value: str, at: int) -> None:
    for m in re.finditer("&", value):
        if not _ENTITY.match(value, m.start()):
            raise TelegramHTMLError(f"unescaped '&' in attribute at {at}")


def validate_message(markup: str, limit: int = MAX_LEN) -> Parsed:
    """Parse and check the 1–4096 character limit (UTF-16 units of the visible text, stripped)."""
    parsed = parse(markup)
    n = len(parsed.text.strip().encode("utf-16-le")) // 2
    if n == 0:
        raise TelegramHTMLError("message text is empty")
    if n > limit:
        raise TelegramHTMLError(f"message is too long ({n} > {limit})")
    return parsed
