"""The bot's strings: one table per language (``ru.toml``, ``en.toml``, ``az.toml`` beside this
module) and one lookup, :func:`t`.

A table holds ``texts`` (key → string, HTML where it has tags; the moderators' strings too),
``examples`` (the /start example questions), month names for dates in words and
``language_names``. The strings are data, not code, so a translator edits one file per language.
Adding a language is adding its file and its code to :data:`LANGS`; ``tests/bot/test_strings.py``
fails until every key exists in every language with the same ``{placeholders}``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

LANGS: tuple[str, ...] = ("ru", "en", "az")
DEFAULT = "en"


@dataclass(frozen=True, slots=True)
class Table:
    """One language's strings."""

    texts: dict[str, str]
    examples: tuple[str, ...]
    months_genitive: tuple[str, ...]
    months_nominative: tuple[str, ...]
    language_names: dict[str, str]


def _load(lang: str) -> Table:
    data = tomllib.loads(resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8"))
    return Table(
        texts=dict(data["texts"]),
        examples=tuple(data["examples"]),
        months_genitive=tuple(data["months_genitive"]),
        months_nominative=tuple(data["months_nominative"]),
        language_names=dict(data["language_names"]),
    )


TABLES: dict[str, Table] = {lang: _load(lang) for lang in LANGS}


def table(lang: str) -> Table:
    """The table for ``lang`` (English for a language the bot does not speak)."""
    return TABLES.get(lang) or TABLES[DEFAULT]


def t(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``.

    A key missing from ``lang`` falls back to English at run time (a user never sees a crash for a
    missing translation); the strings test makes sure that never ships."""
    text = table(lang).texts.get(key)
    if text is None:
        text = TABLES[DEFAULT].texts[key]
    return text.format(**values) if values else text


def examples(lang: str) -> tuple[str, ...]:
    """The /start example questions in ``lang``."""
    return table(lang).examples


def lang_of(language_code: str | None) -> str:
    """Telegram's ``language_code`` to the bot's language: ru and az as such, anything else English."""
    code = (language_code or "").lower().replace("_", "-").split("-")[0]
    return code if code in TABLES else DEFAULT
