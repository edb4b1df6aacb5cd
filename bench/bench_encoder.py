"""Embedding throughput against what the encoder's arithmetic allows here; int8 as an opt-in.

* **Matmul rate** of this machine: ``F.linear`` at the encoder's own shapes (a batch of 4096
  tokens through 384→384, 384→1536 and 1536→384 layers), weighted by their FLOPs, at the
  engine's torch thread count; a square 2048³ GEMM for reference.
* **Arithmetic bound**: tokens/s = matmul rate / (2 × the encoder's non-embedding parameters),
  with the matmul rate measured right before and after each part of the sample (the machine is
  shared: a rate from other minutes would compare apples and oranges)
  (the attention's own products, ~4·seq·hidden per token and layer, are left out: <10 % at these
  lengths).
* **Measured**: ``Embedder.encode_passages`` (what ``build_index`` calls) on ``--texts`` passages
  of the synthetic corpus (``bench/synth_corpus.py``: seed sentences under dated headers, the
  seed's length distribution); real tokens counted with the model's tokenizer, padded tokens
  from the length batching. Batch sizes compared on a subset.
* **int8 dynamic quantisation** (``torch.ao.quantization.quantize_dynamic`` of every
  ``nn.Linear``, through the sentence-transformers path): throughput, query latency, and
  hit@3 on the shared and dev questions — int8 queries against the float32 index, and a seed
  index built with int8 too — against float32. Measured only; the default model is unchanged.

    .venv/bin/python bench/bench_encoder.py                 # ~8 min on 2 cores
    .venv/bin/python bench/bench_encoder.py --texts 500 --no-int8
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    copy_seed,
    forget_queries,
    hit_at_3,
    loadavg,
    question_sets,
    save_result,
    summary_ms,
    table,
)


def matmul_rate(threads: int, reps: int = 15) -> dict[str, float]:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    tokens, d, ff = 4096, 384, 1536
    shapes = [(d, d)] * 4 + [(d, ff), (ff, d)]  # q, k, v, attention output; intermediate, output
    out: dict[str, float] = {}
    total_flops = total_s = 0.0
    with torch.inference_mode():
        for k, n in {(d, d), (d, ff), (ff, d)}:
            x, w, b = torch.randn(tokens, k), torch.randn(n, k), torch.randn(n)
            for _ in range(3):
                F.linear(x, w, b)
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                F.linear(x, w, b)
                times.append(time.perf_counter() - t0)
            sec = statistics.median(times)
            out[f"{k}x{n}_gflops"] = round(2 * tokens * k * n / sec / 1e9, 1)
            count = shapes.count((k, n))
            total_flops += count * 2 * tokens * k * n
            total_s += count * sec
        a, b2 = torch.randn(2048, 2048), torch.randn(2048, 2048)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            a @ b2
            times.append(time.perf_counter() - t0)
        out["square_2048_gflops"] = round(2 * 2048**3 / statistics.median(times) / 1e9, 1)
    out["encoder_shapes_gflops"] = round(total_flops / total_s / 1e9, 1)
    return out


def encoder_params(embedder: Any) -> dict[str, int]:
    """Non-embedding (transformer layer) parameters and all parameters of the model."""
    model = embedder._model
    if hasattr(model, "w"):  # index.bert_encoder.LeanBert
        named = list(model.w.items())
    else:  # sentence-transformers
        named = [(k.split("auto_model.", 1)[-1], v) for k, v in model.named_parameters()]
    layers = sum(v.numel() for k, v in named if k.startswith("encoder."))
    return {"encoder_layers": int(layers), "all": int(sum(v.numel() for _, v in named))}


def synthetic_passages(n: int, tmp: Path) -> list[str]:
    from bench.synth_corpus import write_corpus
    from index.passages import build_passages
    from index.sources import load_sources, load_speakers

    data = tmp / "synth"
    write_corpus(data, n + 200, log=False)
    speakers = load_speakers(data)
    texts: list[str] = []
    for source in load_sources(data):
        texts += [p.text for p in build_passages(source, speakers)[0]]
    return texts[:n]


def throughput(embedder: Any, texts: list[str], batch_size: int = 32, params: int | None = None) -> dict[str, float]:
    """Tokens/s of ``encode_passages``; with ``params``, also the matmul rate measured just before
    and after (the machine is shared: the bound must come from the same minutes) and the ratio."""
    import torch

    from index.model import MAX_BATCH_TOKENS, length_batches

    lengths = embedder._token_lengths(texts, "passage: ")
    padded = sum(len(b) * max(lengths[i] for i in b) for b in length_batches(lengths, batch_size, MAX_BATCH_TOKENS))
    threads = torch.get_num_threads()
    before = matmul_rate(threads, reps=7)["encoder_shapes_gflops"] if params else 0.0
    t0 = time.perf_counter()
    embedder.encode_passages(texts, batch_size=batch_size)
    sec = time.perf_counter() - t0
    out: dict[str, float] = {"texts": len(texts), "tokens": sum(lengths), "padded_tokens": padded,
                             "seconds": round(sec, 1), "tokens_per_s": round(sum(lengths) / sec),
                             "texts_per_s": round(len(texts) / sec, 1),
                             "mean_tokens": round(sum(lengths) / len(texts), 1)}
    if params:
        after = matmul_rate(threads, reps=7)["encoder_shapes_gflops"]
        rate = (before + after) / 2 * 1e9
        out.update({"matmul_gflops_before": before, "matmul_gflops_after": after,
                    "bound_tokens_per_s": round(rate / (2 * params)),
                    "efficiency": round(sum(lengths) / sec / (rate / (2 * params)), 3)})
    torch.set_num_threads(threads)
    return out


def query_latency(embedder: Any, questions: list[str], threads: list[int]) -> dict[str, dict[str, float]]:
    import torch

    default = torch.get_num_threads()
    out = {}
    for n in threads:
        torch.set_num_threads(n)
        for q in questions[:5]:
            embedder.encode_queries([q])
        times = []
        for q in questions:
            t0 = time.perf_counter()
            embedder.encode_queries([q])
            times.append(time.perf_counter() - t0)
        out[str(n)] = summary_ms(times)
    torch.set_num_threads(default)
    return out


def int8_embedder(settings: Any) -> tuple[Any, Any]:
    """(float32, int8) embedders on the sentence-transformers path, same name and fingerprint."""
    import torch

    from index.model import Embedder, _load_st, _resolve

    folder, fingerprint = _resolve(settings.model, settings.cache_dir)
    fp32 = Embedder(settings.model, _load_st(settings.model, folder), fingerprint, folder)
    model = _load_st(settings.model, folder)
    qmodel = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return fp32, Embedder(settings.model, qmodel, fingerprint, folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000, help="passages in the throughput sample")
    parser.add_argument("--subset", type=int, default=512, help="passages for batch-size and int8 comparisons")
    parser.add_argument("--runs", type=int, default=4, help="the sample is encoded in this many parts, each "
                                                             "with its own matmul rate measured around it")
    parser.add_argument("--no-int8", action="store_true")
    args = parser.parse_args()

    import warnings

    import torch

    from index import Engine, Settings, build_index
    from index.model import load_embedder

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    settings = Settings.from_env()
    embedder = load_embedder(settings.model, settings.cache_dir)
    threads = torch.get_num_threads()
    load_before = loadavg()
    result: dict[str, Any] = {"encoder": type(embedder._model).__name__, "torch_threads": threads}
    result["matmul"] = {str(n): matmul_rate(n) for n in sorted({threads, 1})}
    torch.set_num_threads(threads)
    params = encoder_params(embedder)
    result["params"] = params
    questions = [q["question"].replace("\n", " ") for qs in question_sets().values() for q in qs]
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-enc-") as tmp:
        texts = synthetic_passages(args.texts, Path(tmp))
        embedder.encode_passages(texts[:64])  # warm-up
        runs = [throughput(embedder, texts[i::args.runs], params=params["encoder_layers"]) for i in range(args.runs)]
        measured = {k: sum(r[k] for r in runs) for k in ("texts", "tokens", "padded_tokens", "seconds")}
        measured.update(tokens_per_s=round(measured["tokens"] / measured["seconds"]),
                        texts_per_s=round(measured["texts"] / measured["seconds"], 1),
                        mean_tokens=round(measured["tokens"] / measured["texts"], 1))
        result["throughput"] = measured
        result["throughput_runs"] = runs
        # the bound and the ratio of each run come from the matmul rate measured around that run
        result["efficiency"] = statistics.median(r["efficiency"] for r in runs)
        result["arithmetic_bound_tokens_per_s"] = round(statistics.median(r["bound_tokens_per_s"] for r in runs))
        result["efficiency_padded"] = round(result["efficiency"] * measured["padded_tokens"] / measured["tokens"], 3)
        bound = result["arithmetic_bound_tokens_per_s"]
        rate = bound * 2 * params["encoder_layers"]
        subset = texts[: args.subset]
        result["batch_sizes"] = {str(b): throughput(embedder, subset, b) for b in (8, 32, 64, 128)}
        result["query_latency_ms"] = query_latency(embedder, questions, sorted({threads, 1}, reverse=True))
        print(f"matmul {result['matmul']}; bound {bound:.0f} tokens/s; measured {measured}; "
              f"efficiency {result['efficiency']}", flush=True)
        if not args.no_int8:
            fp32, int8 = int8_embedder(settings)
            result["int8"] = {
                "throughput_fp32_st": throughput(fp32, subset),
                "throughput_int8": throughput(int8, subset),
                "query_latency_ms_fp32_st": query_latency(fp32, questions, sorted({threads, 1}, reverse=True)),
                "query_latency_ms_int8": query_latency(int8, questions, sorted({threads, 1}, reverse=True)),
            }
            seed32 = Settings.from_env(data_dir=copy_seed(Path(tmp) / "seed32"))
            build_index(seed32, encoder=embedder)
            engine = Engine.open(seed32, embedder=embedder)
            sets = question_sets()
            quality = {"float32": {k: hit_at_3(engine, v) for k, v in sets.items()}}
            mixed = Engine.open(seed32, embedder=int8)
            quality["int8 queries, float32 index"] = {k: hit_at_3(mixed, v) for k, v in sets.items()}
            seed8 = Settings.from_env(data_dir=copy_seed(Path(tmp) / "seed8"))
            t0 = time.perf_counter()
            build_index(seed8, encoder=int8)
            quality["int8 build seconds"] = round(time.perf_counter() - t0, 1)
            full = Engine.open(seed8, embedder=int8)
            quality["int8 queries, int8 index"] = {k: hit_at_3(full, v) for k, v in sets.items()}
            for e in (engine, mixed, full):
                forget_queries(e)
            result["int8"]["quality"] = quality
            print(f"int8: {result['int8']}", flush=True)
    result["load"] = {"loadavg_before": load_before, "loadavg_after": loadavg()}
    rows = [["matmul rate (encoder shapes)", f"{rate / 1e9:.0f} GFLOP/s"],
            ["non-embedding parameters", f"{params['encoder_layers'] / 1e6:.1f} M"],
            ["arithmetic bound", f"{bound:.0f} tokens/s"],
            ["measured (encode_passages)",
             f"{measured['tokens_per_s']} tokens/s, {measured['texts_per_s']} passages/s"],
            ["efficiency (median of the parts)",
             f"{result['efficiency']:.2f} (padded {result['efficiency_padded']:.2f})"]]
    print(table(["what", "value"], rows))
    save_result("encoder", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
