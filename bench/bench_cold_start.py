"""Cold start: process start → first answer, for ``quotebot ask`` and ``quotebot run``.

On a fresh copy of the seed, indexed once beforehand (a published index, as in production):

* ``quotebot ask QUESTION``: spawn → the process has printed its answer and exited;
* ``quotebot run`` without a token (the local chat, question piped on stdin): spawn → the
  answer's text on stdout;
* ``quotebot run`` against the fake Bot API server (``quotebot/testing/fake_telegram.py``): the
  question is queued on the fake server before the process is spawned; spawn → the fake
  receives the bot's ``sendMessage`` with the answer;
* for scale: ``python -c pass`` and ``python -c "import index, bot.app"`` (interpreter and
  import cost);
* ``quotebot ask --jsonl`` over 380 distinct questions (the evaluation questions, each in five
  wordings, so no answer comes from the engine's cache) against the same with one question:
  (batch - one) / 379 is the cost of a question in a warm process, start-up excluded;
* the peak RSS of the ``quotebot ask`` and local-chat processes (serving memory at the seed).

Runs on the default encoder unless ``QUOTEBOT_ENCODER`` is set (``sentence-transformers`` for
the torch figures).

Each is run ``--repeat`` times after one discarded run (so the model file is in the page cache,
as on a machine that ran the bot before; a first start after boot also reads ~470 MB of model
weights from disk). Medians reported.

    .venv/bin/python -m bench.bench_cold_start             # ~2 min
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_bot import TimedFake
from bench.common import copy_seed, loadavg, save_result
from bench.results import REPO, table

QUESTION = "Когда Алиев позвонил Трампу?"
EXPECT = "Алиев"  # the answer quotes the phone call of 25 November 2024
QUOTEBOT = [sys.executable, "-m", "quotebot"]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "QUOTEBOT_"))}
    env.update({"QUOTEBOT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **extra})
    if os.environ.get("QUOTEBOT_CACHE_DIR"):
        env["QUOTEBOT_CACHE_DIR"] = os.environ["QUOTEBOT_CACHE_DIR"]
    return env


WORDINGS = ["{q}", "Скажите, {q}", "Вопрос: {q}", "{q} Ответьте цитатой.", "Подскажите, пожалуйста: {q}"]


def distinct_questions(n: int = 380) -> list[str]:
    from bench.bench_encoder import all_questions

    base = all_questions()
    out = [w.format(q=q) for w in WORDINGS for q in base]
    return list(dict.fromkeys(out))[:n]


def time_jsonl(data_dir: Path, questions: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*QUOTEBOT, "ask", "--jsonl"],
        input="".join(q + "\n" for q in questions),
        env=environment(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or len(proc.stdout.splitlines()) != len(questions):
        raise RuntimeError(f"quotebot ask --jsonl failed: {proc.stderr[-2000:]}")
    return wall


def peak_rss_of(cmd: list[str], env: dict[str, str], stdin: str = "") -> float:
    """Peak RSS (MB) of a process run to its end."""
    proc = subprocess.Popen(
        cmd, env=env, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited {proc.returncode}")
    return round(usage.ru_maxrss / 1024)


def time_process(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr[-2000:]}")
    return wall


def time_ask(data_dir: Path) -> float:
    env = environment(data_dir)
    t0 = time.perf_counter()
    proc = subprocess.run([*QUOTEBOT, "ask", QUESTION], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or EXPECT not in proc.stdout:
        raise RuntimeError(f"quotebot ask failed: {proc.stderr[-2000:]}")
    return wall


def time_local_chat(data_dir: Path) -> float:
    env = environment(data_dir)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*QUOTEBOT, "run"],
        env=env,
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(QUESTION + "\n")
    proc.stdin.flush()
    try:
        for line in proc.stdout:  # the answer is the first thing written to stdout
            if EXPECT in line:
                wall = time.perf_counter() - t0
                break
        else:
            raise RuntimeError("the local chat ended without an answer")
    finally:
        proc.stdin.close()
        proc.wait(60)
    return wall


async def time_telegram(data_dir: Path, state: Path) -> float:
    async with TimedFake() as fake:
        config = state / "bot.yaml"
        config.write_text(f"polling_timeout: 1\nstate_dir: {state}\n", encoding="utf-8")
        env = environment(
            data_dir, TELEGRAM_BOT_TOKEN=fake.token, QUOTEBOT_TELEGRAM_API_URL=fake.root, QUOTEBOT_CONFIG=str(config)
        )
        user = fake.user(4242)
        fut = fake.expect(user["id"])
        fake.send_text(user, QUESTION)  # waiting for the bot's first getUpdates
        t0 = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *QUOTEBOT, "run", env=env, cwd=REPO, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            arrived = await asyncio.wait_for(fut, 120)
        finally:
            proc.terminate()
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        if proc.returncode != 0:
            raise RuntimeError(f"quotebot run exited {proc.returncode}: {err.decode()[-2000:]}")
        return arrived - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load_before = loadavg()
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-cold-") as tmp:
        data = copy_seed(Path(tmp) / "data")
        subprocess.run(
            [*QUOTEBOT, "index", "build", "--quiet"], env=environment(data), cwd=REPO, check=True, capture_output=True
        )
        state = Path(tmp) / "state"
        state.mkdir()
        cases = {
            "python -c pass": lambda: time_process([sys.executable, "-c", "pass"], environment(data)),
            "import index, bot.app": lambda: time_process(
                [sys.executable, "-c", "import index, bot.app"], environment(data)
            ),
            "quotebot ask": lambda: time_ask(data),
            "quotebot run (local chat, piped stdin)": lambda: time_local_chat(data),
            "quotebot run (Telegram, fake Bot API)": lambda: asyncio.run(time_telegram(data, state)),
        }
        results = {}
        for name, fn in cases.items():
            fn()  # discarded: page cache, .pyc files
            runs = [fn() for _ in range(args.repeat)]
            results[name] = {
                "median_s": round(statistics.median(runs), 2),
                "min_s": round(min(runs), 2),
                "max_s": round(max(runs), 2),
                "runs": [round(r, 2) for r in runs],
            }
            print(
                f"{name}: median {results[name]['median_s']} s (min {results[name]['min_s']}, "
                f"max {results[name]['max_s']})",
                flush=True,
            )
        questions = distinct_questions()
        time_jsonl(data, questions[:1])  # discarded
        one = statistics.median(time_jsonl(data, questions[:1]) for _ in range(args.repeat))
        batch = statistics.median(time_jsonl(data, questions) for _ in range(max(1, args.repeat // 2)))
        jsonl = {
            "questions": len(questions),
            "one_s": round(one, 2),
            "batch_s": round(batch, 2),
            "per_question_ms": round((batch - one) / (len(questions) - 1) * 1000, 1),
        }
        print(f"ask --jsonl: {jsonl}", flush=True)
        rss = {
            "quotebot ask": peak_rss_of([*QUOTEBOT, "ask", QUESTION], environment(data)),
            "quotebot run (local chat)": peak_rss_of([*QUOTEBOT, "run"], environment(data), QUESTION + "\n"),
        }
        print(f"peak RSS MB: {rss}", flush=True)
    print(
        table(
            ["process start → first answer", "median s", "min s", "max s"],
            [[k, v["median_s"], v["min_s"], v["max_s"]] for k, v in results.items()],
        )
    )
    save_result(
        "cold_start",
        {
            "repeat": args.repeat,
            "question": QUESTION,
            "cases": results,
            "jsonl": jsonl,
            "serving_rss_mb": rss,
            "encoder": os.environ.get("QUOTEBOT_ENCODER") or "default",
            "load": {"loadavg_before": load_before, "loadavg_after": loadavg()},
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
