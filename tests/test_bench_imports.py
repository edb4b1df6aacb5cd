"""bench/ runs on installed code: every module of it imports as ``bench.<name>``, none touches
``sys.path`` or imports ``tests``, and the report does not import the helpers that render it (no
import cycle)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
MODULES = sorted(BENCH.glob("*.py"))


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_bench_imports_only_installed_code(path: Path) -> None:
    names = imported(path)
    assert not {n for n in names if n == "tests" or n.startswith("tests.")}, "bench/ must not import tests/"
    assert "sys.path" not in path.read_text(encoding="utf-8"), "bench/ runs as `python -m bench.<name>`"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_bench_modules_import(path: Path) -> None:
    """Each benchmark imports as ``bench.<name>`` (what ``python -m`` does): its names still exist."""
    importlib.import_module(f"bench.{path.stem}")


def test_report_and_results_do_not_import_the_benchmarks_helpers() -> None:
    assert "bench.common" not in imported(BENCH / "report.py")
    assert not {n for n in imported(BENCH / "results.py") if n.startswith("bench")}
