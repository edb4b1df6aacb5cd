"""quotebot's corpus and retrieval engine. Knows nothing of Telegram.

Public API::

    from index import Settings, Engine, build_index
    build_index(Settings.from_env())
    engine = Engine.open(Settings.from_env())
    answer = engine.ask("Когда Алиев позвонил Трампу?")

Names are imported on first use (PEP 562): answering a question needs the engine, not the
build side (the corpus model's natasha and pymorphy3, bm25s and scipy), and every
``quotebot ask`` or bot start pays for what ``import index`` loads (docs/performance.md).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuildReport, build_index
    from .changes import (
        Preview,
        add_source,
        audit,
        list_sources,
        parse_metadata,
        prepare_source,
        rebuild,
        recover_data,
        remove_source,
        rollback,
    )
    from .config import DEFAULT_MODEL, Settings
    from .corpus.corrections import CorrectionError, ParagraphView, paragraph_views
    from .corpus.sources import LANGUAGES
    from .fix import FixPlan, FixReport, check_fix, fix_paragraph
    from .search.engine import Engine, Tuning
    from .types import Answer, Event, Hit, Passage, SourceInfo

#: public name -> the submodule that defines it
_WHERE = {
    **dict.fromkeys(("BuildReport", "build_index"), ".build"),
    **dict.fromkeys(
        (
            "Preview",
            "add_source",
            "audit",
            "list_sources",
            "parse_metadata",
            "prepare_source",
            "rebuild",
            "recover_data",
            "remove_source",
            "rollback",
        ),
        ".changes",
    ),
    **dict.fromkeys(("DEFAULT_MODEL", "Settings"), ".config"),
    **dict.fromkeys(("CorrectionError", "ParagraphView", "paragraph_views"), ".corpus.corrections"),
    "LANGUAGES": ".corpus.sources",
    **dict.fromkeys(("FixPlan", "FixReport", "check_fix", "fix_paragraph"), ".fix"),
    **dict.fromkeys(("Engine", "Tuning"), ".search.engine"),
    **dict.fromkeys(("Answer", "Event", "Hit", "Passage", "SourceInfo"), ".types"),
}

__all__ = [
    "DEFAULT_MODEL",
    "LANGUAGES",
    "Answer",
    "BuildReport",
    "CorrectionError",
    "Engine",
    "Event",
    "FixPlan",
    "FixReport",
    "Hit",
    "ParagraphView",
    "Passage",
    "Preview",
    "Settings",
    "SourceInfo",
    "Tuning",
    "add_source",
    "audit",
    "build_index",
    "check_fix",
    "fix_paragraph",
    "list_sources",
    "paragraph_views",
    "parse_metadata",
    "prepare_source",
    "rebuild",
    "recover_data",
    "remove_source",
    "rollback",
]
assert sorted(__all__) == sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
