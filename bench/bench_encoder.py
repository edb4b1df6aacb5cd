"""The encoders side by side, in one run: sentence-transformers + torch (the reference), ONNX fp32
and ONNX int8 on the same weights, the same questions and passages.

* **Query latency**: one question per call, as the engine asks, each question encoded by every
  encoder back to back (so a busy machine slows all of them alike), at 1 and 2 threads; p50/p95
  and the ratio to torch.
* **Passage throughput**: ``--texts`` synthetic passages (``bench/synth_corpus.py``) in the
  build's batches (32 texts, at most 4096 padded tokens) on every core, each encoder in turn,
  ``--runs`` times interleaved; passages/s and the ratio to torch.
* **Cold start and memory**: a new process per encoder loads it and encodes one question:
  wall time from spawn, peak RSS, and whether torch got imported (median of ``--repeat``).
* **Parity**: cosine of each ONNX vector to the torch vector of the same text (min / mean), for
  every evaluation question (``query: ``) and every passage of the seed and ``../shared/corpus_dev``
  (``passage: ``).
* **Retrieval quality**, through the real command line (``QUOTEBOT_ENCODER`` set per encoder, a
  fresh index built by it): ``../shared/eval/score.py`` over ``../shared/eval/questions.yaml`` and
  ``bench/dev_questions.yaml``, and ``../shared/eval/corpus_score.sh`` (seed + corpus_dev sources).
  Also, in process: int8 questions against an index of fp32 passages.

    .venv/bin/python -m bench.bench_encoder            # ~10-15 min on 2 cores
    .venv/bin/python -m bench.bench_encoder --only speed parity
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    DEV_QUESTIONS,
    SHARED_QUESTIONS,
    copy_seed,
    hit_at_3,
    load_questions,
    loadavg,
    save_result,
    summary_ms,
)
from bench.results import REPO, load_result

#: label -> QUOTEBOT_ENCODER value (timed, compared for parity)
ENCODERS = {
    "torch fp32": "sentence-transformers",
    "ONNX fp32": "onnx",
    "ONNX int8": "onnx-int8",
    "ONNX int8 questions, int8-mixed passages": "onnx-int8-mixed",
}
#: also scored for quality and cold start: int8 questions against fp32 passages
MIXED = {"ONNX int8 questions, fp32 passages": "onnx-int8-queries"}
ALL = {**ENCODERS, **MIXED}
REFERENCE = "torch fp32"
CORPUS_DEV = REPO.parent / "shared" / "corpus_dev"
SCORE = REPO.parent / "shared" / "eval" / "score.py"
CORPUS_SCORE = REPO.parent / "shared" / "eval" / "corpus_score.sh"
PARTS = ("speed", "cold", "parity", "quality", "corpus")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "QUOTEBOT_"))}
    if os.environ.get("QUOTEBOT_CACHE_DIR"):
        env["QUOTEBOT_CACHE_DIR"] = os.environ["QUOTEBOT_CACHE_DIR"]
    env.update(extra)
    return env


def _backends(emb: Any) -> list[Any]:
    """The question graph and the passage graph (the same one unless the encoder mixes them)."""
    return [emb.backend, emb.passage_backend()]


def _model_bytes(backend: Any) -> int:
    """The graph and, for fp32, its external weights file (``model.onnx`` alone is ~55 kB)."""
    from index.embedding.onnx_encoder import model_files, read_record

    record = read_record(backend.folder) or {}
    return sum((backend.folder / name).stat().st_size for name in model_files(backend.quantisation, record))


def all_questions() -> list[str]:
    paths = [p for p in (SHARED_QUESTIONS, DEV_QUESTIONS, CORPUS_DEV / "questions.yaml") if p.is_file()]
    seen: dict[str, None] = {}
    for p in paths:
        for q in load_questions(p):
            seen.setdefault(q["question"].replace("\n", " "), None)
    return list(seen)


def evaluation_passages() -> list[str]:
    """Passages of the seed and paragraphs of corpus_dev's articles (what the bot would index)."""
    from index.corpus.passages import build_passages
    from index.corpus.sources import load_sources, load_speakers

    data = REPO / "data"
    speakers = load_speakers(data)
    texts = [p.text for s in load_sources(data) for p in build_passages(s, speakers)[0]]
    for path in sorted(CORPUS_DEV.glob("*.md")):
        if path.name != "README.md":
            texts += [t.strip() for t in path.read_text(encoding="utf-8").split("\n\n") if len(t.strip()) > 40]
    return texts


def synthetic_passages(n: int, tmp: Path) -> list[str]:
    from bench.synth_corpus import write_corpus
    from index.corpus.passages import build_passages
    from index.corpus.sources import load_sources, load_speakers

    data = tmp / "synth"
    write_corpus(data, n + 200, log=False)
    speakers = load_speakers(data)
    texts: list[str] = []
    for source in load_sources(data):
        texts += [p.text for p in build_passages(source, speakers)[0]]
    return texts[:n]


# ----------------------------------------------------------------------------- speed


def load_all() -> dict[str, Any]:
    from index import Settings
    from index.embedding.model import load_embedder

    settings = Settings.from_env()
    return {label: load_embedder(settings.model, settings.cache_dir, encoder=enc) for label, enc in ENCODERS.items()}


def query_latency(embedders: dict[str, Any], questions: list[str], threads: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in threads:
        times: dict[str, list[float]] = {k: [] for k in embedders}
        for emb in embedders.values():  # warm-up: sessions made, caches filled
            for q in questions[:5]:
                emb.backend.encode([q], emb._query, threads=n)
        for q in questions:
            for label, emb in embedders.items():
                t0 = time.perf_counter()
                emb.backend.encode([q], emb._query, threads=n)
                times[label].append(time.perf_counter() - t0)
        res = {label: summary_ms(t) for label, t in times.items()}
        ref = res[REFERENCE]["p50"]
        for label in res:
            res[label]["speedup_p50"] = round(ref / res[label]["p50"], 2)
        out[str(n)] = res
    return out


def passage_throughput(embedders: dict[str, Any], texts: list[str], runs: int) -> dict[str, Any]:
    threads = next(iter(embedders.values())).threads.batch
    seconds: dict[str, list[float]] = {k: [] for k in embedders}

    def embed(emb: Any, batch: list[str]) -> None:
        """On the passages' own graph (int8-mixed for the default), in the build's batches."""
        graph = emb.passage_backend()
        emb._encode(batch, emb._passage, batch_size=32, progress=False, threads=threads, backend=graph)

    for emb in embedders.values():
        embed(emb, texts[:32])  # warm-up
    for _ in range(runs):
        for label, emb in embedders.items():
            t0 = time.perf_counter()
            embed(emb, texts)
            seconds[label].append(time.perf_counter() - t0)
    out: dict[str, Any] = {"texts": len(texts), "threads": threads, "runs": runs}
    ref = statistics.median(seconds[REFERENCE])
    for label, s in seconds.items():
        med = statistics.median(s)
        out[label] = {
            "seconds": round(med, 2),
            "texts_per_s": round(len(texts) / med, 1),
            "speedup": round(ref / med, 2),
        }
    for emb in embedders.values():
        emb.passage_backend().release(threads)
    return out


# ----------------------------------------------------------------------------- cold start

_CHILD = """
import sys, time
t0 = float(sys.argv[1])
from index import Settings
from index.embedding.model import embedder_for
e = embedder_for(Settings.from_env())  # QUOTEBOT_ENCODER, as serving reads it
t1 = time.time()
e.encode_queries(["Когда Алиев позвонил Трампу?"])
t2 = time.time()
rss = {l.split(':')[0]: int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(('VmHWM', 'VmRSS'))}
print(t1 - t0, t2 - t0, rss['VmHWM'] / 1024, rss['VmRSS'] / 1024, 'torch' in sys.modules)
"""


def cold_start(repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, enc in ALL.items():
        rows = []
        for i in range(repeat + 1):
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, repr(time.time())],
                env=_env(QUOTEBOT_ENCODER=enc),
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"cold start of {enc} failed: {proc.stderr[-2000:]}")
            if i:  # the first run is discarded: page cache, .pyc files
                loaded, first, hwm, rss, torch = proc.stdout.split()
                rows.append((float(loaded), float(first), float(hwm), float(rss), torch == "True"))
        out[label] = {
            "loaded_s": round(statistics.median(r[0] for r in rows), 2),
            "first_vector_s": round(statistics.median(r[1] for r in rows), 2),
            "peak_rss_mb": round(statistics.median(r[2] for r in rows)),
            "rss_mb": round(statistics.median(r[3] for r in rows)),
            "imports_torch": rows[0][4],
        }
        print(f"cold start {label}: {out[label]}", flush=True)
    return out


# ----------------------------------------------------------------------------- parity


def parity(embedders: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    questions, passages = all_questions(), evaluation_passages()
    ref = embedders[REFERENCE]
    rq, rp = ref.encode_queries(questions), ref.encode_passages(passages)
    out: dict[str, Any] = {"questions": len(questions), "passages": len(passages)}
    for label, emb in embedders.items():
        if label == REFERENCE:
            continue
        cq = (emb.encode_queries(questions) * rq).sum(1)
        cp = (emb.encode_passages(passages) * rp).sum(1)
        out[label] = {
            "query_min": round(float(cq.min()), 5),
            "query_mean": round(float(cq.mean()), 5),
            "passage_min": round(float(cp.min()), 5),
            "passage_mean": round(float(cp.mean()), 5),
            "query_below_0.999": int(np.sum(cq < 0.999)),
        }
    return out


# ----------------------------------------------------------------------------- quality

_SUMMARY = re.compile(r"SUMMARY hit@3=([\d.]+) MRR=([\d.]+) date=(\d+)/(\d+) oos=(\d+)/(\d+)")


def _score(questions: Path, data: Path, enc: str) -> dict[str, Any]:
    cmd = [sys.executable, str(SCORE), str(questions), "--", str(REPO / ".venv" / "bin" / "quotebot"), "ask", "--jsonl"]
    proc = subprocess.run(
        cmd,
        env=_env(QUOTEBOT_DATA_DIR=str(data), QUOTEBOT_ENCODER=enc),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return _parse(proc.stdout, proc.stderr)


def _parse(stdout: str, stderr: str) -> dict[str, Any]:
    m = _SUMMARY.search(stdout)
    if not m:
        raise RuntimeError(f"no SUMMARY line: {stdout[-1000:]} {stderr[-1000:]}")
    return {"hit@3": float(m[1]), "mrr": float(m[2]), "dates": f"{m[3]}/{m[4]}", "oos": f"{m[5]}/{m[6]}"}


def corpus_dev_copy(tmp: Path) -> Path:
    """../shared/corpus_dev with the languages ``quotebot sources add --language`` does not take
    (``az``) left for the project to detect, so every article gets in."""
    import shutil

    import yaml

    target = tmp / "corpus_dev"
    if not target.exists():
        shutil.copytree(CORPUS_DEV, target)
        sources = yaml.safe_load((target / "sources.yaml").read_text(encoding="utf-8"))
        for src in sources:
            if src.get("language") not in (None, "ru", "en"):
                del src["language"]
        (target / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    return target


def quality(tmp: Path, labels: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label in labels:
        enc = ALL[label]
        data = copy_seed(tmp / f"q-{enc}")
        subprocess.run(
            [str(REPO / ".venv" / "bin" / "quotebot"), "index", "build", "--quiet"],
            cwd=REPO,
            check=True,
            env=_env(QUOTEBOT_DATA_DIR=str(data), QUOTEBOT_ENCODER=enc),
            capture_output=True,
        )
        res = {"shared": _score(SHARED_QUESTIONS, data, enc), "dev": _score(DEV_QUESTIONS, data, enc)}
        res.update(corpus_quality(tmp, enc))
        out[label] = res
        print(f"quality {label}: {res}", flush=True)
    return out


def corpus_quality(tmp: Path, enc: str) -> dict[str, Any]:
    """``../shared/eval/corpus_score.sh``: the seed plus corpus_dev's articles, added one by one."""
    res: dict[str, Any] = {}
    if CORPUS_SCORE.is_file():
        proc = subprocess.run(
            ["bash", str(CORPUS_SCORE), str(corpus_dev_copy(tmp))],
            cwd=REPO,
            env=_env(QUOTEBOT_ENCODER=enc),
            capture_output=True,
            text=True,
            timeout=3600,
        )
        try:
            res["corpus_dev"] = _parse(proc.stdout, proc.stderr)
        except RuntimeError:  # e.g. a source the project cannot add yet: recorded, not fatal
            res["corpus_dev_error"] = (proc.stdout + proc.stderr).strip().splitlines()[-1][:300]
    return res


class _QueriesFrom:
    """An embedder whose questions come from another encoder (int8 questions, fp32 index)."""

    def __init__(self, index_encoder: Any, query_encoder: Any) -> None:
        self.name, self.fingerprint, self.dim = index_encoder.name, index_encoder.fingerprint, index_encoder.dim
        self.encoder = index_encoder.encoder
        self._q = query_encoder

    def encode_queries(self, texts: list[str]) -> Any:
        return self._q.encode_queries(texts)


def mixed_quality(embedders: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """In process (score.py's hit@3 and MRR): fp32 passages with fp32 and with int8 questions."""
    from bench.common import question_sets
    from index import Engine, Settings, build_index

    settings = Settings.from_env(data_dir=copy_seed(tmp / "mixed"))
    build_index(settings, encoder=embedders["ONNX fp32"])
    sets = question_sets()
    out = {}
    mixed = _QueriesFrom(embedders["ONNX fp32"], embedders["ONNX int8"])
    for label, embedder in (("ONNX fp32", embedders["ONNX fp32"]), ("int8 questions, fp32 passages", mixed)):
        engine = Engine.open(settings, embedder=embedder)
        out[label] = {k: hit_at_3(engine, v) for k, v in sets.items()}
    return out


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=512, help="passages in the throughput sample")
    parser.add_argument("--runs", type=int, default=3, help="throughput repetitions (interleaved)")
    parser.add_argument("--repeat", type=int, default=3, help="cold starts per encoder")
    parser.add_argument("--only", nargs="*", choices=PARTS, default=list(PARTS))
    args = parser.parse_args()

    import warnings

    warnings.filterwarnings("ignore")
    from index.embedding.model import DEFAULT_ENCODER

    default = next(label for label, enc in ALL.items() if enc == DEFAULT_ENCODER)
    result: dict[str, Any] = {}
    previous = load_result("encoder")
    if set(args.only) != set(PARTS) and previous and "encoders" in previous:
        result.update(previous)  # a partial run updates its parts of the last full result

    result.update(
        {
            "encoders": ENCODERS,
            "mixed": MIXED,
            "reference": REFERENCE,
            "default": default,
            "default_passages": default,  # its passages' graph is what the throughput times
            "load": {"loadavg_before": loadavg()},
        }
    )
    embedders = load_all()
    result["onnx_files"] = {
        label: {"mb": round(sum(_model_bytes(b) for b in {id(b): b for b in _backends(e)}.values()) / 1e6)}
        for label, e in embedders.items()
        if label != REFERENCE
    }
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-enc-") as tmp_name:
        tmp = Path(tmp_name)
        if "speed" in args.only:
            questions = all_questions()
            result["query_latency_ms"] = query_latency(embedders, questions, [1, 2])
            print(f"query latency: {result['query_latency_ms']}", flush=True)
            texts = synthetic_passages(args.texts, tmp)
            result["throughput"] = passage_throughput(embedders, texts, args.runs)
            print(f"throughput: {result['throughput']}", flush=True)
        if "parity" in args.only:
            result["parity"] = parity(embedders)
            print(f"parity: {result['parity']}", flush=True)
        if "corpus" in args.only and "quality" not in args.only:  # corpus_dev alone, into the last result
            for label, enc in ALL.items():
                entry = result.setdefault("quality", {}).setdefault(label, {})
                entry.pop("corpus_dev_error", None)
                entry.update(corpus_quality(tmp, enc))
                print(f"corpus_dev {label}: {entry}", flush=True)
        if "quality" in args.only:
            result["quality"] = quality(tmp, list(ALL))
            result["quality_mixed"] = mixed_quality(embedders, tmp)
            print(f"mixed: {result['quality_mixed']}", flush=True)
    if "cold" in args.only:
        del embedders
        result["cold_start"] = cold_start(args.repeat)
    result["load"]["loadavg_after"] = loadavg()
    _print_tables(result)
    save_result("encoder", result)
    return 0


def _print_tables(r: dict[str, Any]) -> None:
    from bench.report import encoder_tables

    print("\n".join(encoder_tables(r)))


if __name__ == "__main__":
    raise SystemExit(main())
