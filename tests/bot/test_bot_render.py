"""Rendering and escaping: nasty corpus text, long paragraphs, Telegram's HTML rules and limits."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.dates import date_in_words, period_in_words
from bot.markup import esc, pack, split_text, to_plain, utf16_len, visible_len
from bot.render import (
    render_answer,
    render_inline_article,
    render_paragraphs,
    render_sources,
    render_timeline,
    render_unanswered,
)
from bot.types import HitRef
from index import Answer, Event, Hit, SourceInfo
from quotebot.testing.telegram_html import TelegramHTMLError, parse, validate_message

from .conftest import NASTY, FakeNames


def quotes_of(chunks: list[str]) -> list[str]:
    """The text inside each blockquote, header line removed, as Telegram shows it."""
    out = []
    for chunk in chunks:
        for body in re.findall(r"<blockquote>(.*?)</blockquote>", chunk, flags=re.S):
            out.append(parse(body.split("\n", 1)[1]).text)
    return out


@pytest.mark.parametrize(
    ("iso", "lang", "words"),
    [
        ("2024-11-25", "ru", "25 ноября 2024"),
        ("2024-11-25", "en", "25 November 2024"),
        ("2025-03-01", "ru", "1 марта 2025"),
        ("2025-03", "ru", "март 2025"),
        ("2025", "en", "2025"),
        (None, "ru", ""),
        ("garbage", "ru", "garbage"),
        ("2025-13-01", "ru", "2025-13-01"),
    ],
)
def test_date_in_words(iso: str | None, lang: str, words: str) -> None:
    assert date_in_words(iso, lang) == words


def test_period_in_words() -> None:
    assert period_in_words("2025-03-01..2025-03-31", "ru") == "1 марта 2025 – 31 марта 2025"


def test_answer_is_valid_telegram_html_with_nasty_text(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames
) -> None:
    answer = make_answer([make_hit(NASTY), make_hit("<<&&>>", source_url=None)], query="<b>я</b> & *ты*")
    chunks = render_answer(answer, 0, "ru", names)
    assert len(chunks) == 1
    parsed = validate_message(chunks[0])
    assert NASTY in parsed.text  # the exact corpus text survives escaping
    assert "<<&&>>" in parsed.text
    assert "«<b>я</b> & *ты*»" in parsed.text  # the user's text is echoed literally
    assert "25 ноября 2024 · Ильхам Алиев · телефонный разговор" in parsed.text
    assert "Источник: Диалог <Баку & Вашингтон>, абзац 19" in parsed.text
    hrefs = [a["href"] for name, a in parsed.entities if name == "a"]
    assert hrefs == ['https://example.org/a?b=1&c="2"']
    assert parsed.tags().count("blockquote") == 2


def test_english_labels(make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames) -> None:
    hit = make_hit(kind="reported", paragraphs=(19, 20, 21))
    text = validate_message(render_answer(make_answer([hit], total=7), 3, "en", names)[0]).text
    assert "Results 4–4 of 7" in text
    assert "25 November 2024 · Ilham Aliyev · phone call · reported speech" in text
    assert "paragraphs 19–21" in text
    assert "Текст цитаты." in text  # quotes stay in their language


def test_commentary_without_date(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames
) -> None:
    hit = make_hit(date=None, speaker=None, speaker_name={}, occasion="commentary", kind="commentary")
    text = validate_message(render_answer(make_answer([hit]), 0, "ru", names)[0]).text
    assert "1. без даты · комментарий автора" in text


def test_filters_are_shown(make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames) -> None:
    answer = make_answer([make_hit()], date_filter="2025-03", speaker_filter="trump")
    text = validate_message(render_answer(answer, 0, "ru", names)[0]).text
    assert "период: март 2025; кто: Дональд Трамп" in text


def test_long_answer_is_split_between_quotes(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames
) -> None:
    texts = [f"Предложение номер {i}. " * 80 for i in range(3)]  # ~1800 characters each
    hits = [make_hit(x.strip()) for x in texts]
    chunks = render_answer(make_answer(hits), 0, "ru", names)
    assert len(chunks) >= 2
    for chunk in chunks:
        validate_message(chunk)
    assert quotes_of(chunks) == [x.strip() for x in texts]  # every quote whole, in order


def test_5000_character_paragraph_is_split_at_sentences(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames
) -> None:
    sentence = "Азербайджан & США <партнёры> 🤝 — *важно*. "
    text = (sentence * 130).strip()  # ~5600 characters, emoji count twice in UTF-16
    assert len(text) > 5000
    chunks = render_answer(make_answer([make_hit(text)]), 0, "ru", names)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert validate_message(chunk).utf16_length <= 4096
    pieces = quotes_of(chunks)
    assert all(p.endswith(".") for p in pieces)  # cut at sentence ends
    assert " ".join(pieces) == text
    assert "продолжение" in parse(chunks[1]).text
    assert "Источник:" in parse(chunks[-1]).text and "Источник:" not in parse(chunks[0]).text


def test_unbreakable_text_is_cut_hard_but_valid(
    make_hit: Callable[..., Hit], make_answer: Callable[..., Answer], names: FakeNames
) -> None:
    text = "&<" * 3000  # no spaces at all, every character needs escaping
    chunks = render_answer(make_answer([make_hit(text)]), 0, "en", names)
    for chunk in chunks:
        validate_message(chunk)
    assert "".join(quotes_of(chunks)) == text


def test_unanswered_never_quotes(make_answer: Callable[..., Answer]) -> None:
    for reason, phrase in (
        ("not_covered", "/timeline"),
        ("empty", "вопрос"),
        ("too_long", "длинный"),
        ("bad_input", "разобрать"),
        ("no_index", "/help"),
    ):
        answer = Answer(query="x", answered=False, reason=reason)
        text = validate_message(render_unanswered(answer, "ru")).text
        assert phrase in text
        assert "blockquote" not in render_unanswered(answer, "ru")


def test_inline_article(make_hit: Callable[..., Hit], names: FakeNames) -> None:
    article = render_inline_article(make_hit(NASTY * 100), "en", names)
    assert article.title == "25 November 2024 · Ilham Aliyev"
    assert article.description.endswith("…") and len(article.description) <= 121
    parsed = validate_message(article.html)
    assert "[…]" in parsed.text and "Source: " in parsed.text


def test_paragraph_view(make_hit: Callable[..., Hit], names: FakeNames) -> None:
    ref = HitRef.of(make_hit(paragraphs=(3, 4)))
    chunks = render_paragraphs(ref, ["Первый <абзац>.", "Второй & последний."], "ru", names)
    text = validate_message(chunks[0]).text
    assert "Полный текст · 25 ноября 2024" in text
    assert "Первый <абзац>.\n\nВторой & последний." in text
    assert "абзацы 3–4" in text


def test_timeline_and_sources(names: FakeNames) -> None:
    events = [
        Event(
            "s",
            i,
            f"2025-0{i + 1}-0{i + 1}",
            "trump" if i % 2 else "aliyev",
            "letter",
            (i,),
            f"Событие <{i}> & итог " * 40,
        )
        for i in range(9)
    ]
    chunks = render_timeline(events, "ru", names)
    lines = [line for c in chunks for line in validate_message(c).text.splitlines()]
    assert lines[0].startswith("Хронология контактов")
    assert lines[1].startswith("• 1 января 2025 — Ильхам Алиев, письмо: Событие <0> & итог")
    assert len(lines) == 10
    sources = [
        SourceInfo(
            "a", "T <1>", "ru", "f", url="https://x.org/?a=1&b=2", published="2025-08-01", passages=10, paragraphs=5
        )
    ]
    text = validate_message(render_sources(sources, {"version": "v1", "built_at": "now", "passages": 10}, "en")[0]).text
    assert "T <1> — Russian, 5 paragraphs, 10 passages; published 1 August 2025" in text


def test_markup_helpers() -> None:
    assert esc("<a & b>") == "&lt;a &amp; b&gt;"
    assert utf16_len("🇦🇿") == 4 and visible_len("<b>&amp;</b>") == 1
    assert split_text("Один. Два. Три.", 11) == ["Один. Два.", "Три."]
    assert split_text("", 5) == [""]
    with pytest.raises(ValueError):
        pack(["x" * 10], limit=5)
    assert pack(["a", "b", "c"], limit=4) == ["a\n\nb", "c"]
    plain = to_plain('<b>Title</b>\n<blockquote><b>Head</b>\nline1\nline2</blockquote>\n<a href="https://u">src</a>')
    assert plain == "Title\n│ Head\n│ line1\n│ line2\nsrc <https://u>"


def test_validator_rejects_what_telegram_rejects() -> None:
    for bad in (
        "<b>x",
        "a < b",
        "x & y",
        "<p>x</p>",
        "<b><i>x</b></i>",
        "<blockquote><blockquote>x</blockquote></blockquote>",
        '<a href="x">y',
        "<span>x</span>",
        "<pre><b>x</b></pre>",
        "&nbsp;",
        "a > b",
    ):
        with pytest.raises(TelegramHTMLError):
            parse(bad)
    ok = parse(
        '<b>b</b><tg-spoiler>s</tg-spoiler><span class="tg-spoiler">s</span><a href="u?a=1&amp;b">l</a>'
        '<pre><code class="language-python">&lt;x&gt;</code></pre>'
        "<blockquote expandable>q</blockquote>&#128512;"
    )
    assert ok.text == "bssl<x>q😀"
