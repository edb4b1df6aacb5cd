"""Index build and query figures at the seed's size and at 100k synthetic passages.

Each measured phase runs in its own process, so its peak RSS (VmHWM) is its own:

* ``seed``   — build the seed index from scratch (real model): time and peak RSS; then the same
  corpus stored as float16 instead of float32 (vectors reused), and the quality of both.
* ``build``  — generate the synthetic corpus (``bench/synth_corpus.py``) and build it with
  :class:`bench.synth_corpus.SynthEncoder`: the first ``--sample`` passages are embedded by the
  real model (measured throughput, tokens counted), the rest get composed vectors (mean of the real
  vectors of the seed sentences they contain, plus noise matched to real vectors' spread). All the
  rest of the build (passage splitting, BM25, FAISS, files) is the real code at full size. The
  embedding time of a real build is extrapolated from the sample's seconds per token over the
  tokens of every passage and paragraph.
* ``serve``  — open the 100k index with the real model and answer the question sets (shared, dev,
  and date/speaker questions that select large parts of the synthetic corpus) several rounds:
  p50/p95/p99, the BM25-only ratio, a per-stage breakdown, peak RSS of a serving process.
* ``faiss``  — recall@10 / recall@64 and latency of FAISS index types against exact search on the
  100k vectors, with real e5 query vectors (the question sets plus questions made from seed
  sentences).

    .venv/bin/python -m bench.bench_scale                   # all of it: ~15–25 min on 2 cores
    .venv/bin/python -m bench.bench_scale --only seed       # ~2 min
    .venv/bin/python -m bench.bench_scale --passages 20000 --keep /tmp/synth20k
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (
    copy_seed,
    forget_queries,
    hit_at_3,
    loadavg,
    median_of,
    peak_rss_mb,
    question_sets,
    rss_mb,
    save_result,
    summary_ms,
)
from bench.results import REPO, table

#: Questions whose filters select large parts of the synthetic corpus (dates of 2023–2025, speakers).
SCALE_QUESTIONS = [
    "Что Алиев сказал в марте 2025 года?",
    "Что Трамп написал 5 августа 2025 года?",
    "Что говорил Байден в 2024 году?",
    "Заявления 22 июля",
    "Что Трамп писал в социальной сети?",
    "Что Алиев сказал в интервью об энергетической безопасности?",
    "What did Trump say in May 2025?",
    "Телефонный разговор президентов в ноябре 2024",
]


def child(phase: str, out: Path, *args: str) -> dict:
    """Run ``bench_scale.py _<phase>`` in a fresh process; its JSON result."""
    cmd = [sys.executable, "-m", "bench.bench_scale", f"_{phase}", "--json", str(out), *args]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO)
    data = json.loads(out.read_text(encoding="utf-8"))
    data["process_seconds"] = round(time.perf_counter() - t0, 1)
    return data


# ----------------------------------------------------------------------------- phases (child processes)


def phase_seed(args: argparse.Namespace) -> dict:
    import numpy as np

    from index import Engine, Settings, build_index

    data = copy_seed(Path(args.work) / "seed")
    settings = Settings.from_env(data_dir=data)
    t0 = time.perf_counter()
    report = build_index(settings, vector_dtype="float32")
    first = time.perf_counter() - t0
    peak = peak_rss_mb()
    engine = Engine.open(settings)
    q32 = {name: hit_at_3(engine, qs) for name, qs in question_sets().items()}
    vdir32 = report.path
    t0 = time.perf_counter()
    report16 = build_index(settings, vector_dtype="float16")  # unchanged passages: vectors reused
    second = time.perf_counter() - t0
    engine.reload_if_changed()
    q16 = {name: hit_at_3(engine, qs) for name, qs in question_sets().items()}
    diffs = []  # cosine differences between the stored float32 and float16 vectors, passages and paragraphs
    for name in ("vectors.npy", "paragraph_vectors.npy"):
        v32 = np.load(vdir32 / name).astype(np.float32)
        v16 = np.load(report16.path / name).astype(np.float32)
        for qs in question_sets().values():
            for q in qs:
                qv = engine.embedder.encode_queries([q["question"]])[0]
                diffs.append(float(np.max(np.abs(v32 @ qv - v16 @ qv))))
    sizes = {}
    for tag, vdir in (("float32", vdir32), ("float16", report16.path)):
        sizes[tag] = {
            f: round((vdir / f).stat().st_size / 1e6, 3)
            for f in ("vectors.npy", "paragraph_vectors.npy", "faiss.index")
        }
    return {
        "passages": report.passages,
        "build_seconds": round(first, 1),
        "embedded": report.embedded,
        "peak_rss_mb": peak,
        "rebuild_reusing_vectors_seconds": round(second, 1),
        "quality_float32": q32,
        "quality_float16": q16,
        "float16_max_abs_cosine_error": round(max(diffs), 5),
        "file_mb": sizes,
    }


def phase_build(args: argparse.Namespace) -> dict:
    from bench.synth_corpus import SynthEncoder, seed_sentences, write_corpus
    from index import Settings, build_index
    from index.embedding.model import load_embedder

    data = Path(args.work) / "synth"
    gen = write_corpus(data, args.passages) if not (data / "sources.yaml").is_file() else {"reused": True}
    settings = Settings.from_env(data_dir=data)
    t0 = time.perf_counter()
    embedder = load_embedder(settings.model, settings.cache_dir)
    load_seconds = time.perf_counter() - t0
    rss_model = rss_mb()
    encoder = SynthEncoder(embedder, seed_sentences(), real=args.sample, noise=args.noise)
    t0 = time.perf_counter()
    from index.build import VECTOR_DTYPE

    dtype = args.dtype or VECTOR_DTYPE
    report = build_index(settings, encoder=encoder, vector_dtype=dtype)
    build = time.perf_counter() - t0
    peak = peak_rss_mb()
    # tokens of everything a real build would embed (passages + paragraphs), for the extrapolation
    from index.store.versions import read_jsonl

    t0 = time.perf_counter()
    texts = [p["text"] for p in read_jsonl(report.path / "passages.jsonl")]
    sources = {p.name[:-4]: p.read_text(encoding="utf-8") for p in (report.path / "texts").iterdir()}
    paras = [sources[p["source_id"]][p["start"] : p["end"]] for p in read_jsonl(report.path / "paragraphs.jsonl")]
    tokens = 0
    for chunk in range(0, len(texts) + len(paras), 5000):
        part = (texts + paras)[chunk : chunk + 5000]
        tokens += sum(embedder.token_lengths(part, "passage: "))
    count_seconds = time.perf_counter() - t0
    per_token = encoder.real_seconds / max(encoder.real_tokens, 1)
    non_embedding = build - encoder.real_seconds - encoder.compose_seconds
    return {
        "generator": gen,
        "passages": report.passages,
        "paragraphs": len(paras),
        "dtype": dtype,
        "faiss": json.loads((report.path / "manifest.json").read_text())["vectors"]["faiss"],
        "build_seconds": round(build, 1),
        "model_load_seconds": round(load_seconds, 1),
        "synth_setup_seconds": round(encoder.setup_seconds, 1),
        "sample": {
            "texts": encoder.real_texts,
            "tokens": encoder.real_tokens,
            "padded_tokens": encoder.padded_tokens,
            "seconds": round(encoder.real_seconds, 1),
            "tokens_per_s": round(encoder.real_tokens / max(encoder.real_seconds, 1e-9)),
            "texts_per_s": round(encoder.real_texts / max(encoder.real_seconds, 1e-9), 1),
        },
        "compose_seconds": round(encoder.compose_seconds, 1),
        "build_without_embedding_seconds": round(non_embedding, 1),
        "all_tokens": tokens,
        "token_count_seconds": round(count_seconds, 1),
        "extrapolated_embedding_seconds": round(tokens * per_token),
        "extrapolated_real_build_seconds": round(non_embedding + tokens * per_token),
        "fidelity": encoder.fidelity(),
        "noise": args.noise,
        "rss_after_model_mb": rss_model,
        "peak_rss_mb": peak,
        "index_mb": round(sum(f.stat().st_size for f in report.path.rglob("*") if f.is_file()) / 1e6, 1),
    }


def _stage_times(engine, question: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Wall seconds of the corpus-size-dependent stages of one question, called as ``_rank`` does."""
    import numpy as np

    from index.search.query import clean, parse

    state = engine.loaded
    intent = parse(clean(question, 1000), state.speakers)
    t: dict[str, float] = {}
    w = time.perf_counter()
    qvec = engine.embedder.encode_queries([intent.text])[0]
    t["encode"] = time.perf_counter() - w
    w = time.perf_counter()
    groups = state.lexical.expand_all(intent.tokens)
    lex = state.lexical.scores([tok for g in groups for tok in g])
    t["bm25_passages"] = time.perf_counter() - w
    w = time.perf_counter()
    np.argsort(-lex)[:64]
    t["bm25_sort"] = time.perf_counter() - w
    w = time.perf_counter()
    state.vectors.search(qvec, 64)
    t["faiss_top64"] = time.perf_counter() - w
    w = time.perf_counter()
    pgroups = state.para_lexical.expand_all(intent.tokens)
    state.para_lexical.scores([tok for g in pgroups for tok in g])
    t["bm25_paragraphs"] = time.perf_counter() - w
    return t


def phase_serve(args: argparse.Namespace) -> dict:
    from index import Engine, Settings, Tuning
    from index.embedding.model import Threads

    settings = Settings.from_env(data_dir=Path(args.work) / "synth")
    t0 = time.perf_counter()
    engine = Engine.open(settings)
    open_seconds = time.perf_counter() - t0
    rss_open = rss_mb()
    bm25 = Engine(settings, engine.embedder, Tuning(use_dense=False))
    bm25._loaded = engine._loaded  # the same loaded version: no second copy in memory
    sets = question_sets()
    sets["scale"] = [{"question": q, "kind": "scale"} for q in SCALE_QUESTIONS]
    questions = [(name, q["question"].replace("\n", " ")) for name, qs in sets.items() for q in qs]
    for _, q in questions[:10]:
        engine.ask(q)
    # the encoder's own threads per question (Settings.query_threads), not torch's: serving
    # does not import torch, and importing it here added ~150 MB to the measured RSS
    default_threads = settings.query_threads
    by_threads = {}
    by_set: dict[str, list[float]] = {name: [] for name in sets}
    for n_threads in [default_threads] + [n for n in args.serve_threads if n != default_threads]:
        engine.embedder.threads = Threads(n_threads, settings.threads)  # what encode_queries uses
        rounds: dict[str, list[dict[str, float]]] = {"hybrid": [], "bm25": [], "hybrid_without_encoder": []}
        pooled: dict[str, list[float]] = {k: [] for k in rounds}
        for _ in range(args.rounds):
            times: dict[str, list[float]] = {k: [] for k in rounds}
            for name, q in questions:
                forget_queries(engine)  # every question timed as a new one
                w = time.perf_counter()
                engine.ask(q)
                h = time.perf_counter() - w
                w = time.perf_counter()
                bm25.ask(q)
                b = time.perf_counter() - w
                w = time.perf_counter()
                engine.embedder.encode_queries([q])
                e = time.perf_counter() - w
                times["hybrid"].append(h)
                times["bm25"].append(b)
                times["hybrid_without_encoder"].append(max(h - e, 0.0))
                if n_threads == default_threads:
                    by_set[name].append(h)
            for k, v in times.items():
                rounds[k].append(summary_ms(v))
                pooled[k] += v
        by_threads[str(n_threads)] = {
            k: {"median_of_rounds": median_of(v), "pooled": summary_ms(pooled[k])} for k, v in rounds.items()
        }
    engine.embedder.threads = Threads(default_threads, settings.threads)
    # which questions are slowest without the encoder, and how many candidates they score
    from index.search.query import clean, parse

    slow = []
    for name, q in questions:
        w = time.perf_counter()
        bm25.ask(q)
        b = time.perf_counter() - w
        intent = parse(clean(q, 1000), engine.loaded.speakers)
        n = len(engine.loaded.rows_in_range(intent.date_range.start, intent.date_range.end)) if intent.date_range else 0
        slow.append((b, name, q, n))
    slow.sort(reverse=True)
    candidates = {q: n for _, _, q, n in slow[:8]}
    stages: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for _, q in questions:
            for k, v in _stage_times(engine, q).items():
                stages.setdefault(k, []).append(v)
    return {
        "passages": len(engine.loaded.passages),
        "faiss": type(engine.loaded.vectors.index).__name__,
        "query_threads": default_threads,
        "open_seconds": round(open_seconds, 1),
        "rss_after_open_mb": rss_open,
        "rss_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        "questions": {k: len(v) for k, v in sets.items()},
        "rounds": args.rounds,
        "latency": by_threads[str(default_threads)],
        "latency_by_query_threads": by_threads,
        "by_set": {k: summary_ms(v) for k, v in by_set.items()},
        "stages_ms": {k: summary_ms(v) for k, v in stages.items()},
        "slowest_bm25_only": [
            {"set": s, "question": q, "ms": round(b * 1000, 1), "date_filter_rows": candidates[q]}
            for b, s, q, _ in slow[:8]
        ],
        "quality": {name: hit_at_3(engine, qs) for name, qs in question_sets().items()},
    }


def _query_vectors(embedder, n_extra: int):  # type: ignore[no-untyped-def]
    """Real e5 query vectors: every question of the sets, plus questions cut from seed sentences."""
    import random

    import numpy as np

    from bench.synth_corpus import seed_sentences

    qs = [q["question"] for qs in question_sets().values() for q in qs] + SCALE_QUESTIONS
    rng = random.Random(3)
    sents = seed_sentences()
    for _ in range(n_extra):
        words = rng.choice(sents).split()
        start = rng.randrange(max(1, len(words) - 6))
        qs.append(" ".join(words[start : start + rng.randint(3, 8)]))
    return np.asarray(embedder.encode_queries(qs), dtype=np.float32)


def phase_faiss(args: argparse.Namespace) -> dict:
    import faiss
    import numpy as np

    from index import Settings
    from index.embedding.model import load_embedder
    from index.store.versions import IndexStore

    settings = Settings.from_env(data_dir=Path(args.work) / "synth")
    store = IndexStore(settings.index_dir)
    vdir = store.version_dir(store.require_current())
    from index.search.vectors import stored_vectors

    held = stored_vectors(faiss.read_index(str(vdir / "faiss.index")))  # the build's float32 vectors
    xb = np.ascontiguousarray(held if held is not None else np.load(vdir / "vectors.npy"), dtype=np.float32)
    embedder = load_embedder(settings.model, settings.cache_dir)
    xq = _query_vectors(embedder, args.queries)
    dim = xb.shape[1]
    exact = faiss.IndexFlatIP(dim)
    exact.add(xb)
    _, gt = exact.search(xq, 64)

    def lat(index, n: int = 1) -> dict[str, float]:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(n):
            for i in range(len(xq)):
                w = time.perf_counter()
                index.search(xq[i : i + 1], 64)
                times.append(time.perf_counter() - w)
        return summary_ms(times)

    def recall(index) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        _, got = index.search(xq, 64)
        r10 = np.mean([len(set(got[i, :10]) & set(gt[i, :10])) / 10 for i in range(len(xq))])
        r64 = np.mean([len(set(got[i]) & set(gt[i])) / 64 for i in range(len(xq))])
        return round(float(r10), 4), round(float(r64), 4)

    rows = []

    def record(name: str, index, build_s: float, **params) -> None:  # type: ignore[no-untyped-def]
        r10, r64 = recall(index)
        rows.append(
            {
                "index": name,
                **params,
                "build_s": round(build_s, 1),
                "mb": round(len(faiss.serialize_index(index)) / 1e6, 1),
                "recall@10": r10,
                "recall@64": r64,
                "latency_ms": lat(index, 2),
            }
        )
        print(
            f"  {name} {params} build {build_s:.1f}s recall@10 {r10} recall@64 {r64} "
            f"p50 {rows[-1]['latency_ms']['p50']} ms p99 {rows[-1]['latency_ms']['p99']} ms",
            flush=True,
        )

    faiss_threads = faiss.omp_get_max_threads()
    record("Flat (exact)", exact, 0.0)
    for m, efc in args.hnsw:
        w = time.perf_counter()
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = efc
        index.add(xb)
        build_s = time.perf_counter() - w
        for ef in (64, 128, 256):
            index.hnsw.efSearch = ef
            record("HNSWFlat", index, build_s, M=m, efConstruction=efc, efSearch=ef)
        del index
    for nlist in args.ivf:
        w = time.perf_counter()
        quant = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quant, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(xb)
        index.add(xb)
        build_s = time.perf_counter() - w
        for nprobe in (8, 16, 32, 64):
            index.nprobe = nprobe
            record("IVFFlat", index, build_s, nlist=nlist, nprobe=nprobe)
        del index
    # what the engine built (index/search/vectors.py's choice at this size)
    built = faiss.read_index(str(vdir / "faiss.index"))
    from index.search.vectors import VectorIndex

    VectorIndex(built, xb)  # applies the configured efSearch
    record(f"engine's {type(built).__name__}", built, 0.0)
    return {
        "passages": len(xb),
        "queries": len(xq),
        "faiss_threads": faiss_threads,
        "rows": rows,
        "faiss_version": faiss.__version__,
    }


# ----------------------------------------------------------------------------- parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "phase",
        nargs="?",
        default="all",
        choices=["all", "_seed", "_build", "_serve", "_faiss"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--only", nargs="*", choices=["seed", "build", "serve", "faiss"], default=None)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000, help="passages embedded by the real model")
    parser.add_argument("--noise", type=float, default=0.25, help="noise norm of composed vectors")
    parser.add_argument(
        "--dtype",
        default=None,
        choices=["float32", "float16"],
        help="vector storage of the synthetic build (default: the engine's)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--serve-threads",
        type=int,
        nargs="*",
        default=[2],
        help="encoder threads per question to time serving at, besides the engine's default",
    )
    parser.add_argument("--queries", type=int, default=400, help="extra query vectors for the recall test")
    parser.add_argument(
        "--hnsw",
        type=lambda s: tuple(int(x) for x in s.split(",")),
        nargs="*",
        default=[(16, 80), (32, 80), (32, 200)],
        help="M,efConstruction pairs",
    )
    parser.add_argument("--ivf", type=int, nargs="*", default=[1024], help="IVF nlist values")
    parser.add_argument("--keep", type=Path, default=None, help="work directory to keep (and reuse)")
    parser.add_argument("--work", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase.startswith("_"):
        fn = {"_seed": phase_seed, "_build": phase_build, "_serve": phase_serve, "_faiss": phase_faiss}[args.phase]
        result = fn(args)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0

    only = set(args.only or ["seed", "build", "serve", "faiss"])
    previous = {}
    from bench.results import load_result

    previous = (load_result("scale") or {}).get("phases", {})
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-scale-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        common = [
            "--work",
            str(work),
            "--passages",
            str(args.passages),
            "--sample",
            str(args.sample),
            "--noise",
            str(args.noise),
            *(["--dtype", args.dtype] if args.dtype else []),
            "--rounds",
            str(args.rounds),
            "--queries",
            str(args.queries),
            "--serve-threads",
            *[str(n) for n in args.serve_threads],
            "--hnsw",
            *[f"{m},{e}" for m, e in args.hnsw],
            "--ivf",
            *[str(n) for n in args.ivf],
        ]
        phases: dict[str, dict] = {}
        for phase in ("seed", "build", "serve", "faiss"):
            if phase not in only:
                continue
            if phase in ("serve", "faiss") and not (work / "synth" / "index" / "CURRENT").is_file():
                print(f"{phase}: building the synthetic index first", flush=True)
                phases["build"] = child("build", work / "build.json", *common)
            print(f"== {phase} (load average {loadavg()})", flush=True)
            phases[phase] = child(phase, work / f"{phase}.json", *common)
            phases[phase]["loadavg_after"] = loadavg()
            print(json.dumps(phases[phase], ensure_ascii=False, indent=1)[:3000], flush=True)
        env = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "QUOTEBOT_MODEL") if k in os.environ}
    merged = {**previous, **phases}
    if "faiss" in phases:
        print(
            table(
                ["index", "params", "recall@10", "recall@64", "p50 ms", "p99 ms", "MB", "build s"],
                [
                    [
                        r["index"],
                        ", ".join(
                            f"{k}={v}"
                            for k, v in r.items()
                            if k in ("M", "efConstruction", "efSearch", "nlist", "nprobe")
                        ),
                        r["recall@10"],
                        r["recall@64"],
                        r["latency_ms"]["p50"],
                        r["latency_ms"]["p99"],
                        r["mb"],
                        r["build_s"],
                    ]
                    for r in phases["faiss"]["rows"]
                ],
            )
        )
    save_result(
        "scale",
        {"passages_target": args.passages, "sample": args.sample, "noise": args.noise, "env": env, "phases": merged},
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
