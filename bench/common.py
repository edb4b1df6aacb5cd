"""Shared helpers of the benchmarks: question sets, percentiles, memory, machine facts, saving a result.

Every benchmark writes its figures to ``bench/results/<name>.json`` (with the command that
produced them and the machine's load while it ran, :mod:`bench.results`) and then re-renders
``docs/performance.md`` from all result files (:mod:`bench.report`).

The benchmarks run from the repository's root with the project's virtual environment, where
``index``, ``bot`` and ``quotebot`` are installed: ``.venv/bin/python -m bench.bench_ask``. They
import only installed code and each other (``bench`` is a package), never ``tests/``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.report import write_report
from bench.results import REPO, write_result
from quotebot.testing.corpus import copy_corpus

SEED = REPO / "data"

SHARED_QUESTIONS = REPO.parent / "shared" / "eval" / "questions.yaml"
DEV_QUESTIONS = REPO / "bench" / "dev_questions.yaml"


# ----------------------------------------------------------------------------- statistics


def percentile(values: Iterable[float], q: float) -> float:
    """Linear-interpolated percentile, ``q`` in [0, 1] (same as bench_bot_latency.percentile)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 0.5), 2),
        "p95": round(percentile(ms, 0.95), 2),
        "p99": round(percentile(ms, 0.99), 2),
        "mean": round(statistics.mean(ms), 2) if ms else 0.0,
        "max": round(max(ms), 2) if ms else 0.0,
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Key-wise median of several runs' summaries (each run is one repetition)."""
    keys = runs[0].keys()
    return {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, this thread's CPU seconds, result) of one call."""
    w0, c0 = time.perf_counter(), time.thread_time()
    out = fn()
    return time.perf_counter() - w0, time.thread_time() - c0, out


def forget_queries(engine: Any) -> None:
    """Empty the engine's cache of recent question vectors (if it has one), so the next ask of a
    repeated question is timed as a new question would be."""
    cache = getattr(engine, "_qcache", None)
    if cache is not None:
        lock = getattr(engine, "_qcache_lock", None)
        if lock is not None:
            with lock:
                cache.clear()
        else:
            cache.clear()


# ----------------------------------------------------------------------------- memory & machine


def _status_kb(field: str, pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident set size (VmHWM) of a process, MB."""
    return round(_status_kb("VmHWM", pid) / 1024, 1)


def rss_mb(pid: int | str = "self") -> float:
    return round(_status_kb("VmRSS", pid) / 1024, 1)


def reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so a later peak covers only what follows."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def cpu_busy_share(seconds: float = 1.0) -> float:
    """Share of the machine's CPU time that was busy over ``seconds`` (all processes)."""

    def snap() -> tuple[int, int]:
        parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = parts[3] + parts[4]
        return sum(parts), idle

    t0, i0 = snap()
    time.sleep(seconds)
    t1, i1 = snap()
    return round(1 - (i1 - i0) / max(1, t1 - t0), 3)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    import numpy

    info: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    except (OSError, IndexError, ValueError):
        pass
    for mod in ("torch", "faiss", "bm25s", "sentence_transformers"):
        if mod in sys.modules:
            info[mod] = getattr(sys.modules[mod], "__version__", "?")
    return info


# ----------------------------------------------------------------------------- data


def load_questions(path: Path) -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


def question_sets(include_shared: bool = True) -> dict[str, list[dict[str, Any]]]:
    sets = {}
    if include_shared and SHARED_QUESTIONS.is_file():
        sets["shared"] = load_questions(SHARED_QUESTIONS)
    sets["dev"] = load_questions(DEV_QUESTIONS)
    return sets


def copy_seed(target: Path) -> Path:
    """A copy of the repository's seed corpus (registry, speakers, sources) without its index."""
    return copy_corpus(SEED, target)


def _norm(s: str | None) -> str:
    s = (s or "").lower().replace("ё", "е")
    s = re.sub(r"[«»\"“”„]", "", s)
    s = re.sub(r"[‐-―−]", "-", s)
    return re.sub(r"\s+", " ", s).strip()


def hit_at_3(engine: Any, questions: list[dict[str, Any]]) -> dict[str, float]:
    """hit@3 / MRR@5 / out-of-scope declined, scored as ../shared/eval/score.py does (top 5 shown)."""
    n = h3 = oos = oos_ok = 0
    rr = 0.0
    for q in questions:
        ans = engine.ask(q["question"].replace("\n", " "), top_k=5)
        if q["kind"] == "oos":
            oos += 1
            oos_ok += not ans.answered
            continue
        n += 1
        needles = [_norm(g["needle"]) for g in q["gold"]]
        hits = ans.hits[:5] if ans.answered else []
        rank = next((i + 1 for i, h in enumerate(hits) if any(nd in _norm(h.text) for nd in needles)), None)
        h3 += bool(rank and rank <= 3)
        rr += 1 / rank if rank else 0.0
    return {
        "n": n,
        "hit@3": round(h3 / max(n, 1), 3),
        "mrr@5": round(rr / max(n, 1), 3),
        "oos_declined": f"{oos_ok}/{oos}",
    }


def save_result(name: str, data: dict[str, Any], *, render: bool = True) -> Path:
    """Write ``bench/results/<name>.json`` (:func:`bench.results.write_result`) and re-render
    docs/performance.md."""
    path = write_result(name, {"machine": machine(), **data})
    if render:
        write_report()
    return path
