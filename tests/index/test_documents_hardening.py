"""The Markdown clean-up is linear in its input, and still cleans up.

The patterns are linear by construction (each repeated part excludes the delimiter that ends it,
see ``index/corpus/documents.py``). The inputs below are ~200 kB of the shapes that made the old
patterns rescan the rest of the text from every opener: those took ~18 s for 24 kB of "*a "
and would take many minutes at this size. The guard is a generous wall-clock alarm (it only
turns a hang into a failure; it asserts no speed): linear code takes well under a second.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from index.corpus.documents import markdown_to_text

GUARD_SECONDS = 60
SIZE = 200_000
ADVERSARIAL = [
    "*a ",
    "_a ",
    "**a ",
    "__a ",
    "[a",
    "![a",
    "[a](",
    "***a ",
    "**a *b ",
    "```\n",
    "# ",
    "> ",
    "*",
    "_",
    "[a](b",
    "*a_",
]


@pytest.fixture
def guard() -> Iterator[None]:
    def hang(signum: int, frame: object) -> None:
        raise TimeoutError(f"markdown_to_text ran for over {GUARD_SECONDS} s: it is not linear")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_adversarial_markdown_is_cleaned_in_linear_time(unit: str, guard: None) -> None:
    text = unit * (SIZE // len(unit))
    out = markdown_to_text(text)
    assert len(out) <= len(text)


def test_markdown_is_still_cleaned_up() -> None:
    source = (
        "# Title\n\nSome **bold *it* text** and *em*, _u_, snake_case and 2*3*4, a [link](https://x.org/a)"
        " ![img](y.png)\n```\ncode\n```\n> quoted\n\n__strong__ &amp; done"
    )
    assert markdown_to_text(source) == (
        "Title\n\nSome bold it text and em, u, snake_case and 2*3*4, a link \nquoted\n\nstrong & done"
    )
    assert markdown_to_text("```\nnot closed\n") == "not closed\n"  # an unclosed fence is text
