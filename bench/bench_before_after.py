"""Start-up, serving memory and per-question cost of this checkout against another, interleaved.

The shared 2-core machine is loaded by other processes, so absolute times drift by 2-5x from
one minute to the next. This runs the same measurements on a *base* checkout (``--base``, e.g.
a worktree of the commit before a change) and on this one, alternating run by run, so both see
the same load and their ratio is meaningful:

* ``quotebot ask QUESTION`` from a new process: wall time to its exit, peak RSS, CPU time;
* ``import index`` in a new process (what every command pays);
* ``quotebot ask --jsonl`` over 380 distinct questions minus one question: a question's cost in a
  warm process (as ``bench/bench_cold_start.py``).

Each checkout answers from its own copy of the seed, indexed by itself (an index records its
encoder, and the two checkouts may use different ONNX exports). Both use this interpreter;
``python -m quotebot`` is run with the checkout as the working directory, so its code is imported.

    .venv/bin/python -m bench.bench_before_after --base /tmp/base --repeat 5   # ~5-10 min
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_cold_start import QUESTION, distinct_questions
from bench.common import copy_seed, loadavg, save_result
from bench.results import REPO, table


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "QUOTEBOT_"))}
    env.update({"QUOTEBOT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    if os.environ.get("QUOTEBOT_CACHE_DIR"):
        env["QUOTEBOT_CACHE_DIR"] = os.environ["QUOTEBOT_CACHE_DIR"]
    if os.environ.get("QUOTEBOT_ENCODER"):
        env["QUOTEBOT_ENCODER"] = os.environ["QUOTEBOT_ENCODER"]
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> tuple[float, float, float]:
    """(wall s, CPU s of the process, peak RSS MB) of one process run to its end."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd} in {cwd} failed: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    checkouts = {"base": args.base.resolve(), "this": REPO}
    py = sys.executable
    load_before = loadavg()
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-ba-") as tmp:
        data = {name: copy_seed(Path(tmp) / name) for name in checkouts}
        for name, repo in checkouts.items():
            subprocess.run(
                [py, "-m", "quotebot", "index", "build", "--quiet"],
                cwd=repo,
                env=env_for(data[name]),
                check=True,
                capture_output=True,
            )
        questions = distinct_questions()
        cases = {
            "import index": lambda name: run([py, "-c", "import index"], checkouts[name], env_for(data[name])),
            "quotebot ask": lambda name: run(
                [py, "-m", "quotebot", "ask", QUESTION], checkouts[name], env_for(data[name])
            ),
            "ask --jsonl, 1 question": lambda name: run(
                [py, "-m", "quotebot", "ask", "--jsonl"], checkouts[name], env_for(data[name]), questions[0] + "\n"
            ),
            f"ask --jsonl, {len(questions)} questions": lambda name: run(
                [py, "-m", "quotebot", "ask", "--jsonl"],
                checkouts[name],
                env_for(data[name]),
                "".join(q + "\n" for q in questions),
            ),
        }
        runs: dict[str, dict[str, list[tuple[float, float, float]]]] = {c: {n: [] for n in checkouts} for c in cases}
        for case, fn in cases.items():
            for name in checkouts:
                fn(name)  # discarded: page cache, .pyc files
            reps = args.repeat if "380" not in case else max(1, args.repeat // 2)
            for _ in range(reps):
                for name in checkouts:  # interleaved: both see the same load
                    runs[case][name].append(fn(name))
            print(
                f"{case}: "
                + ", ".join(f"{n} {statistics.median(r[0] for r in runs[case][n]):.2f} s" for n in checkouts),
                flush=True,
            )
    result: dict[str, dict[str, dict[str, float]]] = {}
    for case, by_name in runs.items():
        result[case] = {
            n: {
                "wall_s": round(statistics.median(r[0] for r in rs), 3),
                "cpu_s": round(statistics.median(r[1] for r in rs), 3),
                "peak_rss_mb": round(max(r[2] for r in rs)),
            }
            for n, rs in by_name.items()
        }
    batch = next(c for c in result if c.endswith("questions"))
    per_q = {
        n: round(
            (result[batch][n]["wall_s"] - result["ask --jsonl, 1 question"][n]["wall_s"])
            / (len(distinct_questions()) - 1)
            * 1000,
            1,
        )
        for n in checkouts
    }
    per_q_cpu = {
        n: round(
            (result[batch][n]["cpu_s"] - result["ask --jsonl, 1 question"][n]["cpu_s"])
            / (len(distinct_questions()) - 1)
            * 1000,
            1,
        )
        for n in checkouts
    }
    rows = [
        [
            case,
            r["base"]["wall_s"],
            r["this"]["wall_s"],
            round(r["base"]["wall_s"] / r["this"]["wall_s"], 2),
            r["base"]["cpu_s"],
            r["this"]["cpu_s"],
            r["base"]["peak_rss_mb"],
            r["this"]["peak_rss_mb"],
        ]
        for case, r in result.items()
    ]
    rows.append(
        [
            "a question in a warm process (batch - one), ms",
            per_q["base"],
            per_q["this"],
            round(per_q["base"] / per_q["this"], 2),
            per_q_cpu["base"],
            per_q_cpu["this"],
            "",
            "",
        ]
    )
    print(
        table(
            ["", "base wall s", "this wall s", "base/this", "base CPU s", "this CPU s", "base peak MB", "this peak MB"],
            rows,
        )
    )
    load = {"loadavg_before": load_before, "loadavg_after": loadavg()}
    print(f"load: {load}")
    save_result(
        "before_after",
        {
            "base": str(args.base),
            "repeat": args.repeat,
            "cases": result,
            "per_question_ms": per_q,
            "per_question_cpu_ms": per_q_cpu,
            "encoder": os.environ.get("QUOTEBOT_ENCODER") or "default",
            "load": load,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
