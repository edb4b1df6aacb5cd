"""A corpus copied to a scratch directory, for a test or a benchmark that builds or changes it, and
what they read back from it (the published version, the audit log, what a refused change must leave
alone).

Only what a corpus is made of is copied (the registry ``sources.yaml``, ``speakers.yaml`` and the
source texts), never its published index or state: the copy is built from scratch, and the original
(the repository's seed in ``data/``) is never touched.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from index import Settings


def copy_corpus(source: Path, target: Path) -> Path:
    """Copy the corpus of data directory ``source`` into ``target`` (created if needed); ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("sources.yaml", "speakers.yaml"):
        shutil.copyfile(source / name, target / name)
    shutil.copytree(source / "sources", target / "sources", dirs_exist_ok=True)
    return target


def audit_lines(settings: Settings) -> list[dict[str, Any]]:
    """The audit log's records, oldest first (none before the first change)."""
    path = settings.audit_log
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def current_version(settings: Settings) -> str:
    """The id of the published index version."""
    return (settings.index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def snapshot(settings: Settings) -> tuple[str, str, list[str]]:
    """What a refused action must leave alone: the published version, the registry, the source files."""
    registry = (settings.data_dir / "sources.yaml").read_text(encoding="utf-8")
    files = sorted(p.name for p in (settings.data_dir / "sources").iterdir())
    return current_version(settings), registry, files
