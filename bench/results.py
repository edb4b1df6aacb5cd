"""The benchmarks' result files, ``bench/results/<name>.json``: written by every benchmark, read by
:mod:`bench.report` to render docs/performance.md. Each carries the command that produced it.

This module imports nothing of ``bench`` so that both the benchmarks (:mod:`bench.common`) and the
report can use it without importing each other.
"""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


def _relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


def command_line() -> str:
    """The command that runs this process again, as typed in the repository's root:
    ``.venv/bin/python -m bench.bench_ask --rounds 1`` (or the script's path when run as a file)."""
    args = [_relative(Path(sys.executable))]
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name:
        args += ["-m", spec.name]
    else:
        args.append(_relative(Path(sys.argv[0]).resolve()))
    return " ".join(shlex.quote(a) for a in args + sys.argv[1:])


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json``: ``data`` with the benchmark's name, its command and the time."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "benchmark": name,
        "command": command_line(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **data,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def load_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table (also readable printed)."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
