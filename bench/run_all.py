"""Every benchmark, one after another (they would disturb each other's timings if run together),
then docs/performance.md. ~40 min on 2 cores, of which the 100k part (bench_scale) ~15–25 min.
Run from the repository's root (each benchmark runs as ``python -m bench.<name>`` there).

    .venv/bin/python -m bench.run_all            # or: make bench
    .venv/bin/python -m bench.run_all --quick    # fewer repetitions, 20k passages: ~15 min
    .venv/bin/python -m bench.run_all --only ask bot
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench.report import write_report

BENCH = Path(__file__).resolve().parent
SCRIPTS = {
    "ask": (["bench_ask", "--threads", "2", "1"], ["--rounds", "2"]),
    "bot": (["bench_bot", "--name", "bot", "--threads", "2"], ["--repeat", "1"]),
    "bot_threads1": (["bench_bot", "--name", "bot_threads1", "--threads", "1"], ["--repeat", "1"]),
    "cold_start": (["bench_cold_start"], ["--repeat", "3"]),
    "encoder": (["bench_encoder"], ["--texts", "500"]),
    "scale": (["bench_scale"], ["--passages", "20000", "--rounds", "1"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(SCRIPTS), default=list(SCRIPTS))
    parser.add_argument("--quick", action="store_true", help="smaller runs (the figures are then rougher)")
    args = parser.parse_args()
    failed = []
    for name in args.only:
        script, quick = SCRIPTS[name]
        cmd = [sys.executable, "-m", f"bench.{script[0]}", *script[1:], *(quick if args.quick else [])]
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        if subprocess.run(cmd, cwd=BENCH.parent).returncode != 0:
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"wrote {write_report()}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
