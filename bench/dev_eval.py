"""In-process evaluation on a question file (same format as the shared one), with the rank
of the first gold paragraph among up to 20 hits for every miss: a tuning aid.

    .venv/bin/python -m bench.dev_eval bench/dev_questions.yaml [--show]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

from index import Engine, Settings


def norm(s: str | None) -> str:
    s = (s or "").lower().replace("ё", "е")
    s = re.sub(r"[«»\"“”„]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def main() -> int:
    path = Path(sys.argv[1])
    show = "--show" in sys.argv
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    engine = Engine.open(Settings.from_env())
    n = h3 = rr = oos = oos_ok = 0
    t0 = time.perf_counter()
    for q in questions:
        ans = engine.ask(q["question"], top_k=20)
        if q["kind"] == "oos":
            oos += 1
            oos_ok += not ans.answered
            if ans.answered and show:
                print(f"OOS-ANSWERED {q['id']} {q['question']}")
            continue
        n += 1
        needles = [norm(g["needle"]) for g in q["gold"]]
        rank = next((i + 1 for i, h in enumerate(ans.hits) if any(nd in norm(h.text) for nd in needles)), None)
        if rank and rank <= 5:
            rr += 1 / rank
        h3 += bool(rank and rank <= 3)
        if show and (not rank or rank > 3):
            top = ans.hits[0].text[:70] if ans.hits else ans.reason
            print(f"MISS {q['id']} {q['kind']} rank={rank} answered={ans.answered} {q['question']}\n     top: {top}")
    dt = time.perf_counter() - t0
    per_q = dt / len(questions) * 1000
    print(f"{path.name}: hit@3 {h3 / n:.3f} MRR@5 {rr / n:.3f} oos {oos_ok}/{oos} ({per_q:.0f} ms/q)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
