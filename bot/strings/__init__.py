"""The bot's strings: one table per language (``ru.py``, ``en.py``, ``az.py``) and one lookup, :func:`t`.

A language is a module with ``TEXTS`` (key → string, HTML where it has tags), ``EXAMPLES`` (the
/start example questions), month names for dates in words and ``LANGUAGE_NAMES``. Adding a
language is adding a module here and its code to :data:`LANGS`; the test in
``tests/bot/test_strings.py`` fails until every key of every table exists in every language with
the same ``{placeholders}``.
"""

from __future__ import annotations

from types import ModuleType

from . import az, en, ru

LANGS: tuple[str, ...] = ("ru", "en", "az")
DEFAULT = "en"
TABLES: dict[str, ModuleType] = {"ru": ru, "en": en, "az": az}


def table(lang: str) -> ModuleType:
    """The language module for ``lang`` (English for a language the bot does not speak)."""
    return TABLES.get(lang) or TABLES[DEFAULT]


def t(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``.

    A key missing from ``lang`` falls back to English at run time (a user never sees a crash for a
    missing translation); the strings test makes sure that never ships."""
    texts: dict[str, str] = table(lang).TEXTS
    text = texts.get(key)
    if text is None:
        text = TABLES[DEFAULT].TEXTS[key]
    return text.format(**values) if values else text


def lang_of(language_code: str | None) -> str:
    """Telegram's ``language_code`` to the bot's language: ru and az as such, anything else English."""
    code = (language_code or "").lower().replace("_", "-").split("-")[0]
    return code if code in TABLES else DEFAULT
