"""Prints the abstention signals (best cosine, share of known query words) for the
calibration questions, to choose the thresholds in ``index.search.engine.Tuning``.

    .venv/bin/python -m bench.calibrate [bench/calibration.yaml]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import yaml

from index import Engine, Settings
from index.search.query import clean, parse


def signals(engine: Engine, question: str) -> tuple[float, float]:
    state = engine.loaded
    intent = parse(clean(question, 1000), state.speakers)
    qvec = engine.embedder.encode_queries([intent.text])[0]
    dense = np.asarray(state.vectors.vectors, dtype=np.float32) @ qvec
    known = state.lexical.known(intent.tokens)
    share = len(known) / len(intent.tokens) if intent.tokens else 0.0
    return float(dense.max()), share


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("calibration.yaml"))
    sets = yaml.safe_load(path.read_text(encoding="utf-8"))
    engine = Engine.open(Settings.from_env())
    rows = {k: [(q, *signals(engine, q)) for q in sets[k]] for k in ("in", "out")}
    for k, items in rows.items():
        print(f"== {k}")
        for q, d, s in sorted(items, key=lambda r: r[1]):
            ok = engine.ask(q).answered
            print(f"  dense {d:.3f} known {s:.2f} answered={ok!s:5} {q}")
    ins = sorted(d for _, d, _ in rows["in"])
    outs = sorted(d for _, d, _ in rows["out"])
    print(
        f"in: min {ins[0]:.3f} p10 {np.percentile(ins, 10):.3f}; "
        f"out: max {outs[-1]:.3f} p90 {np.percentile(outs, 90):.3f}"
    )
    t = engine.tuning
    tp = sum(engine.ask(q).answered for q, _, _ in rows["in"])
    tn = sum(not engine.ask(q).answered for q, _, _ in rows["out"])
    print(
        f"floor {t.min_dense}, off-topic margin {t.offtopic_margin}: "
        f"in answered {tp}/{len(ins)}, out declined {tn}/{len(outs)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
