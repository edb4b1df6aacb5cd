"""In-process ``Engine.ask`` latency on the seed, against a BM25-only run of the same engine.

The shared questions (``../shared/eval/questions.yaml``) and ``bench/dev_questions.yaml`` are
asked ``--rounds`` times each. Every question is timed as a new one (the engine's cache of
recent question vectors emptied first) and, right after, as a repeated one (cache hit). In
every round, each question is asked of the hybrid engine and of the BM25-only engine
(``Tuning(use_dense=False)``) back to back, so both see the same machine load; the query
encoding (``encode_queries`` alone) is timed the same way, to show where the time goes. Per
round: p50/p95/p99 wall time; reported: the median over rounds, and the hybrid/BM25 ratio.
Process CPU time per question is reported too (less sensitive to other processes than wall
time). ``--threads`` runs the whole thing at other encoder thread counts per question
(``QUOTEBOT_QUERY_THREADS``; the serving default, one, is the verdict's).

    .venv/bin/python -m bench.bench_ask                 # ~2 min on 2 cores
    .venv/bin/python -m bench.bench_ask --rounds 3 --threads 2 1
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import (
    copy_seed,
    cpu_busy_share,
    forget_queries,
    hit_at_3,
    loadavg,
    median_of,
    question_sets,
    save_result,
    summary_ms,
)
from bench.results import table


def measure(engine, bm25, questions: list[str], rounds: int) -> dict:  # type: ignore[no-untyped-def]
    """Per round and question: the hybrid ask with the engine's question-vector cache emptied first
    (a new question), the same ask again (a repeated question: cache hit), the BM25-only ask and
    the query encoding alone."""
    kinds = ("hybrid", "hybrid_repeat", "bm25", "encode", "hybrid_cpu")
    per_round: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    pooled: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(rounds):
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for q in questions:
            forget_queries(engine)
            w0, c0 = time.perf_counter(), time.process_time()
            engine.ask(q)
            times["hybrid"].append(time.perf_counter() - w0)
            times["hybrid_cpu"].append(time.process_time() - c0)
            w0 = time.perf_counter()
            engine.ask(q)
            times["hybrid_repeat"].append(time.perf_counter() - w0)
            w0 = time.perf_counter()
            bm25.ask(q)
            times["bm25"].append(time.perf_counter() - w0)
            w0 = time.perf_counter()
            engine.embedder.encode_queries([q])
            times["encode"].append(time.perf_counter() - w0)
        for k, v in times.items():
            per_round[k].append(summary_ms(v))
            pooled[k] += v
    out = {k: {"median_of_rounds": median_of(v), "pooled": summary_ms(pooled[k])} for k, v in per_round.items()}
    h, b = out["hybrid"]["median_of_rounds"], out["bm25"]["median_of_rounds"]
    out["ratio_p50"] = round(h["p50"] / b["p50"], 1) if b["p50"] else None
    out["ratio_p95"] = round(h["p95"] / b["p95"], 1) if b["p95"] else None
    out["non_encoder_p50"] = round(h["p50"] - out["encode"]["median_of_rounds"]["p50"], 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="how many times each question set is asked")
    parser.add_argument(
        "--threads",
        type=int,
        nargs="*",
        default=None,
        help="encoder thread counts per question to measure (default: the engine's own choice only)",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="an indexed data dir (default: a fresh seed copy)")
    args = parser.parse_args()

    from index import Engine, Settings, Tuning, build_index
    from index.embedding.model import Threads

    with tempfile.TemporaryDirectory(prefix="quotebot-bench-ask-") as tmp:
        if args.data_dir:
            settings = Settings.from_env(data_dir=args.data_dir)
        else:
            settings = Settings.from_env(data_dir=copy_seed(Path(tmp) / "data"))
            print(f"building the seed index in {settings.data_dir} …", flush=True)
            build_index(settings)
        engine = Engine.open(settings)
        bm25 = Engine.open(settings, embedder=engine.embedder, tuning=Tuning(use_dense=False))
        sets = question_sets()
        questions = [q["question"].replace("\n", " ") for qs in sets.values() for q in qs]
        for q in questions[:20]:  # warm-up
            engine.ask(q)
            bm25.ask(q)
        quality = {name: {"hybrid": hit_at_3(engine, qs), "bm25": hit_at_3(bm25, qs)} for name, qs in sets.items()}
        default_threads = settings.query_threads
        # the engine encodes questions on Settings.query_threads (QUOTEBOT_QUERY_THREADS, default 1)
        thread_counts = args.threads or [settings.query_threads]
        busy_before = cpu_busy_share(1.0)
        load_before = loadavg()
        runs = {}
        for n in thread_counts:
            engine.embedder.threads = Threads(n, settings.threads)  # what encode_queries uses
            t0 = time.perf_counter()
            runs[str(n)] = measure(engine, bm25, questions, args.rounds)
            runs[str(n)]["seconds"] = round(time.perf_counter() - t0, 1)
        result = {
            "questions": {name: len(qs) for name, qs in sets.items()},
            "rounds": args.rounds,
            "asks_per_mode": len(questions) * args.rounds,
            "default_threads": default_threads,
            "load": {"loadavg_before": load_before, "cpu_busy_before": busy_before, "loadavg_after": loadavg()},
            "passages": len(engine.loaded.passages),
            "quality": quality,
            "by_threads": runs,
        }
    rows = []
    for n, r in runs.items():
        for k in ("hybrid", "hybrid_repeat", "encode", "bm25", "hybrid_cpu"):
            m = r[k]["median_of_rounds"]
            rows.append([n, k, m["p50"], m["p95"], m["p99"]])
    print(table(["encoder threads", "what", "p50 ms", "p95 ms", "p99 ms"], rows))
    for n, r in runs.items():
        print(
            f"threads {n}: hybrid/BM25 ratio p50 {r['ratio_p50']}×, p95 {r['ratio_p95']}×; "
            f"hybrid minus encoder (p50) {r['non_encoder_p50']} ms"
        )
    print(f"quality: {quality}")
    print(f"load: {result['load']}")
    save_result("ask", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
