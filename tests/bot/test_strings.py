"""The interface languages: every string exists in every language, citations and dates in words."""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest

from bot.dates import date_in_words
from bot.render import hit_blocks, location
from bot.strings import DEFAULT, LANGS, TABLES, lang_of, t
from index import Hit

from .conftest import FakeNames


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_every_language_with_the_same_placeholders() -> None:
    keys = set().union(*(set(mod.texts) for mod in TABLES.values()))
    missing = {lang: sorted(keys - set(mod.texts)) for lang, mod in TABLES.items()}
    assert missing == {lang: [] for lang in TABLES}, f"keys missing from a language: {missing}"
    for key in keys:
        fields = {lang: _fields(mod.texts[key]) for lang, mod in TABLES.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, f"{key}: placeholders differ {fields}"
        assert all(mod.texts[key].strip() for mod in TABLES.values()), f"{key}: empty in some language"


def test_every_language_has_examples_months_and_language_names() -> None:
    assert set(TABLES) == set(LANGS) and DEFAULT in LANGS
    for mod in TABLES.values():
        assert mod.examples and all(q.strip() for q in mod.examples)
        assert len(mod.months_genitive) == len(mod.months_nominative) == 12
        assert set(mod.language_names) >= {"ru", "en", "az"}


def test_a_missing_key_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The completeness check above is not vacuous: drop one az string and it fails."""
    monkeypatch.delitem(TABLES["az"].texts, "btn_share")
    with pytest.raises(AssertionError, match="btn_share"):
        test_every_key_exists_in_every_language_with_the_same_placeholders()
    assert t("az", "btn_share") == TABLES["en"].texts["btn_share"]  # at run time: English, never a crash


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("az", "az"),
        ("az-Latn", "az"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("en", "en"),
        ("de", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_telegram_language_codes(code: str | None, lang: str) -> None:
    assert lang_of(code) == lang


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("ru", "абзац 6", "абзацы 6–7"), ("en", "paragraph 6", "paragraphs 6–7"), ("az", "abzas 6", "abzaslar 6–7")],
)
def test_citations_are_worded_in_the_readers_language(lang: str, one: str, many: str) -> None:
    assert location((6,), lang) == one
    assert location((6, 7), lang) == many


def test_a_quote_in_azerbaijani(make_hit: Callable[..., Hit], names: FakeNames) -> None:
    hit = make_hit(paragraphs=(6, 7), speaker_name={"ru": "Ильхам Алиев", "en": "Ilham Aliyev", "az": "İlham Əliyev"})
    [block] = hit_blocks(hit, 1, "az", names)
    assert "1. 25 noyabr 2024 · İlham Əliyev" in block
    assert "Mənbə: " in block and block.endswith("abzaslar 6–7")


def test_dates_in_words_in_azerbaijani() -> None:
    assert date_in_words("2024-11-25", "az") == "25 noyabr 2024"
    assert date_in_words("2025-03", "az") == "mart 2025"
    assert date_in_words("2025", "az") == "2025"
