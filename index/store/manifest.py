"""Where a published version and its manifest live, readable with the standard library alone.

The names of the index directory (``CURRENT``, ``versions/``, ``manifest.json``) are owned here
and by :mod:`index.store.version` (the files inside a version). This module imports nothing but
the standard library, so the container health check (``docker/healthcheck.py``) can load it by
path without importing numpy, FAISS or the rest of :mod:`index`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The published version id (replaced atomically).
CURRENT = "CURRENT"
#: The directory of the published versions.
VERSIONS = "versions"
#: Each version's manifest.
MANIFEST = "manifest.json"


def read_current(root: Path) -> str | None:
    """The published version id under the index directory ``root``, or None."""
    try:
        value = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def read_manifest(root: Path, version: str) -> dict[str, Any]:
    """The manifest of ``version`` as written (raises OSError or ValueError when unreadable)."""
    raw = json.loads((root / VERSIONS / version / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{MANIFEST} of version {version} is not a JSON object")
    return raw
