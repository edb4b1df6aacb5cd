"""Turning an uploaded document (bytes + file name) into clean UTF-8 text.

Plain text and Markdown keep their paragraphs; HTML is reduced to its block text. Every
refusal is a :class:`SourceRejected` with a message a moderator can act on.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath, PureWindowsPath

from ..errors import SourceRejected

ALLOWED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
FALLBACK_ENCODINGS = ("cp1251", "koi8-r", "utf-16")


def safe_name(filename: str) -> str:
    """The bare file name, without any directory part ("../../etc/passwd" → "passwd")."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._")
    return name[:100]


def check_name(filename: str) -> str:
    name = safe_name(filename)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in ALLOWED_SUFFIXES:
        raise SourceRejected(f"unsupported file type {suffix or '(none)'!r}: send a .txt, .md or .html file")
    return name


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 text (with or without BOM); other encodings are reported, not guessed silently."""
    if not data or not data.strip():
        raise SourceRejected("the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceRejected("the file is binary, not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        for enc in FALLBACK_ENCODINGS:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                raise SourceRejected(
                    f"the file is not UTF-8 (it looks like {enc}); re-save it as UTF-8 and send it again"
                ) from exc
        raise SourceRejected(f"the file is not UTF-8 text (invalid byte at position {exc.start})") from exc


def _looks_like_text(text: str) -> bool:
    letters = sum(ch.isalpha() or ch.isspace() for ch in text[:5000])
    return letters >= 0.8 * min(len(text), 5000)


class _BlockText(HTMLParser):
    BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "section",
            "article",
            "tr",
            "header",
            "footer",
        }
    )
    SKIP = frozenset({"script", "style", "noscript", "head", "title", "nav"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(source: str) -> str:
    parser = _BlockText()
    parser.feed(source)
    parser.close()
    return "".join(parser.parts)


# Markdown clean-up, linear in the input: every repeated part of these patterns excludes the
# delimiter that ends it (and the newline), so a match attempt that fails stops at the next
# delimiter, and each character is scanned a bounded number of times. (Patterns such as
# ``[*_](.+?)[*_]`` rescan the rest of the line from every opener: 48 kB of "*a " took 19 s.)
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.M)
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)
_MD_STRONG = re.compile(r"\*\*((?:[^*\n]|\*(?!\*))+?)\*\*|__((?:[^_\n]|_(?!_))+?)__")
_MD_EM_STAR = re.compile(r"(?<!\w)\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)")
_MD_EM_UNDER = re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")


def _drop_fenced_code(text: str) -> str:
    """Remove ```-fenced code blocks (an unclosed fence is kept as text)."""
    kept: list[str] = []
    opened_at: int | None = None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip(" \t").startswith("```"):
            opened_at = i if opened_at is None else None
        elif opened_at is None:
            kept.append(line)
    if opened_at is not None:  # never closed: not a code block after all
        kept.extend(line for line in lines[opened_at:] if not line.lstrip(" \t").startswith("```"))
    return "\n".join(kept)


def markdown_to_text(source: str) -> str:
    text = _drop_fenced_code(source)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_STRONG.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _MD_EM_STAR.sub(r"\1", text)
    text = _MD_EM_UNDER.sub(r"\1", text)
    return html.unescape(text)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_blocks(text: str) -> list[str]:
    """The paragraph blocks of ``text``, as substrings in order: blank lines separate paragraphs
    when the text has any, else every line is one (the corpus model's paragraphs are these)."""
    return _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")


def normalise_text(text: str) -> str:
    """One paragraph per block, separated by a blank line; no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    blocks = split_blocks(text)
    paras = [re.sub(r"[ \t]+", " ", " ".join(line.strip() for line in b.split("\n"))).strip() for b in blocks]
    return "\n\n".join(p for p in paras if p) + "\n"


def document_text(data: bytes, filename: str) -> str:
    """Clean text of an uploaded document, or :class:`SourceRejected`."""
    name = check_name(filename)
    text, _ = decode(data)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in (".html", ".htm"):
        text = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    text = normalise_text(text)
    if sum(ch.isalpha() for ch in text) < 20:
        raise SourceRejected("the file has no paragraphs of text")
    return text
