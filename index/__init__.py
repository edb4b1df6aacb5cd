"""quotebot's corpus and retrieval engine. Knows nothing of Telegram.

Public API::

    from index import Settings, Engine, build_index
    build_index(Settings.from_env())
    engine = Engine.open(Settings.from_env())
    answer = engine.ask("Когда Алиев позвонил Трампу?")
"""

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
