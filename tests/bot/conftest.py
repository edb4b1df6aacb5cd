"""Fixtures for the bot's unit tests: hits and answers built by hand (no engine, no network)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from index import Answer, Hit

NASTY = 'A <b>bold</b> & "quoted" *stars* _under_ `tick` <script>x</script> &amp; 🇦🇿🤝🇺🇸 — «ёлки» \\ </blockquote>'


class FakeNames:
    def speaker_name(self, speaker_id: str, lang: str) -> str:
        return {
            "aliyev": {"ru": "Ильхам Алиев", "en": "Ilham Aliyev"},
            "trump": {"ru": "Дональд Трамп", "en": "Donald Trump"},
        }.get(speaker_id, {}).get(lang, speaker_id)

    def occasion_name(self, occasion: str, lang: str) -> str:
        names = {
            "phone_call": ("телефонный разговор", "phone call"),
            "letter": ("письмо", "letter"),
            "commentary": ("комментарий", "commentary"),
        }
        ru, en = names.get(occasion, (occasion, occasion))
        return ru if lang == "ru" else en


@pytest.fixture
def names() -> FakeNames:
    return FakeNames()


def _hit(text: str = "Текст цитаты.", **kw: Any) -> Hit:
    base: dict[str, Any] = dict(
        passage_ids=("src:19:0-10",),
        text=text,
        date="2024-11-25",
        speaker="aliyev",
        speaker_name={"ru": "Ильхам Алиев", "en": "Ilham Aliyev"},
        occasion="phone_call",
        kind="quote",
        source_id="src",
        source_title="Диалог <Баку & Вашингтон>",
        source_url='https://example.org/a?b=1&c="2"',
        paragraphs=(19,),
        score=1.0,
    )
    base.update(kw)
    return Hit(**base)


@pytest.fixture
def make_hit() -> Callable[..., Hit]:
    return _hit


@pytest.fixture
def make_answer() -> Callable[..., Answer]:
    def make(
        hits: list[Hit], query: str = "Когда Алиев позвонил Трампу?", total: int | None = None, **kw: Any
    ) -> Answer:
        return Answer(
            query=query,
            answered=bool(hits),
            hits=hits,
            total=len(hits) if total is None else total,
            reason=None if hits else "not_covered",
            **kw,
        )

    return make
