"""Telegram HTML helpers: escaping, visible length, splitting plain text, HTML → plain text.

Telegram counts a message's length (at most 4096) in UTF-16 code units of the text left after
entity parsing, so lengths here are measured the same way.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MESSAGE_LIMIT = 4096
_TAG = re.compile(r"<[^>]*>")
_BREAK_PREFERENCE = (
    re.compile(r"\n+"),
    re.compile(r"(?<=[.!?…»”\"])\s+"),
    re.compile(r"(?<=[;:,])\s+"),
    re.compile(r"\s+"),
)


def esc(text: str) -> str:
    """Escape text for Telegram HTML (``<``, ``>``, ``&``)."""
    return html.escape(text, quote=False)


def esc_attr(text: str) -> str:
    """Escape an attribute value (also quotes)."""
    return html.escape(text, quote=True)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """The text Telegram shows for our HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", markup))


def visible_len(markup: str) -> int:
    return utf16_len(visible_text(markup))


def _prefix_within(text: str, limit: int) -> int:
    """The largest code-point index ``i`` with ``utf16_len(text[:i]) <= limit``."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def split_text(text: str, limit: int) -> list[str]:
    """Split plain text into pieces of at most ``limit`` UTF-16 units.

    Cuts at the last paragraph break, else sentence end, else clause, else space that fits, and
    only as a last resort inside a word. Whitespace at the cut is dropped; the pieces are exact
    slices of ``text``.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        hard = _prefix_within(rest, limit)
        cut, resume = hard, hard
        for pattern in _BREAK_PREFERENCE:
            found = [m for m in pattern.finditer(rest, 0, hard + 1) if m.start() > hard // 3]
            if found:
                cut, resume = found[-1].start(), found[-1].end()
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[resume:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return [p for p in pieces if p] or [""]


def pack(blocks: list[str], limit: int = MESSAGE_LIMIT, sep: str = "\n\n") -> list[str]:
    """Greedily join HTML blocks into messages whose visible length stays within ``limit``.

    Each block must already fit on its own; blocks are never cut, so entities stay whole.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    sep_len = utf16_len(sep)
    for block in blocks:
        n = visible_len(block)
        if n > limit:
            raise ValueError(f"block of {n} characters exceeds the {limit} limit")
        extra = n + (sep_len if current else 0)
        if current and size + extra > limit:
            chunks.append(sep.join(current))
            current, size = [], 0
            extra = n
        current.append(block)
        size += extra
    if current:
        chunks.append(sep.join(current))
    return chunks


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.quote_depth = 0
        self.href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.quote_depth += 1
            if self.out and not self.out[-1].endswith("\n"):
                self.out.append("\n")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.out.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        if self.quote_depth:
            data = data.replace("\n", "\n│ ")
            if not self.out or self.out[-1].endswith("\n"):
                data = "│ " + data
        self.out.append(data)


def to_plain(markup: str) -> str:
    """Readable plain text for a terminal: quotes get a ``│`` margin, links show their URL."""
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)
