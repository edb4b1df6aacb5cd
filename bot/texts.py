"""The bot's strings, as the rest of ``bot`` imports them. The tables live in :mod:`bot.strings`
(one module per language); this module keeps the lookups the handlers and renderers use."""

from __future__ import annotations

from .strings import LANGS, TABLES, lang_of, t

EXAMPLES: dict[str, tuple[str, ...]] = {lang: mod.EXAMPLES for lang, mod in TABLES.items()}
MONTHS_GENITIVE: dict[str, tuple[str, ...]] = {lang: mod.MONTHS_GENITIVE for lang, mod in TABLES.items()}
MONTHS_NOMINATIVE: dict[str, tuple[str, ...]] = {lang: mod.MONTHS_NOMINATIVE for lang, mod in TABLES.items()}
LANGUAGE_NAMES: dict[str, dict[str, str]] = {lang: mod.LANGUAGE_NAMES for lang, mod in TABLES.items()}

__all__ = ["EXAMPLES", "LANGS", "LANGUAGE_NAMES", "MONTHS_GENITIVE", "MONTHS_NOMINATIVE", "lang_of", "t"]
