"""Issue 13 under load: kill -9 corpus writes at random moments under disk and CPU pressure while
readers ask, for a bounded time; prints how many kills and reads it made and how many failed.

    scripts/stress-crash                      # 200 kills or 30 minutes, whichever comes first
    scripts/stress-crash --kills 50 --minutes 5 --no-pressure

* **pressure**: a process that writes 64 MB chunks with fsync in a loop (like
  ``dd bs=1M count=1500 conv=fsync``) and ``--burners`` busy loops;
* **writers**: this process loads the model once (and embeds the articles once, so the writers'
  time goes to the write path), then forks one writer at a time that adds, removes, rolls back
  or reindexes (the real corpus functions), and SIGKILLs it after a random delay within the
  operation's measured duration (a write that finishes first counts as completed, not a kill);
* **readers** ("the bot"): a separate process with an engine opened at the start that asks all
  the time and reloads the published version every 0.2 s, and after each kill also opens the
  index afresh the way ``quotebot ask`` does; every ``--cli-every`` kills, a real
  ``quotebot ask --json`` process is run too.

A read fails when it raises or when the seed question is not answered with its passage: every
version the writers can publish contains the seed source. Exit code 1 if any read failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTION = "Когда Алиев позвонил Трампу?"
NEEDLE = ("позвонил Дональду Трампу", "2024-11-25")
ARTICLES = [REPO / "tests" / "data" / "article_ru_summit.md", REPO / "tests" / "data" / "article_en.md"]
SEED_ID = "000_077138273beb30d3"


# ----------------------------------------------------------------------------- pressure


def disk_pressure(folder: str) -> None:
    """Write 1.5 GB in 64 MB fsynced chunks, delete, repeat (until killed)."""
    chunk = b"\0" * (64 << 20)
    path = Path(folder) / "pressure.bin"
    while True:
        with path.open("wb") as fh:
            for _ in range(24):
                fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        path.unlink()


def busy() -> None:
    while True:
        pass


# ----------------------------------------------------------------------------- readers


def ok(answer: Any) -> bool:
    return bool(answer.answered) and any(NEEDLE[0] in h.text and h.date == NEEDLE[1] for h in answer.hits)


def reader(data: str) -> None:
    """The bot: asks continuously from a long-lived engine that reloads; on each stdin line
    ("check"), also opens the index afresh like ``quotebot ask``; on EOF prints its totals."""
    from index import Engine, Settings
    from index.embedding.model import load_embedder

    settings = Settings.from_env(data_dir=Path(data))
    embedder = load_embedder(settings.model, settings.cache_dir)
    engine = Engine.open(settings, embedder=embedder)
    counts = {"bot_reads": 0, "fresh_reads": 0, "failures": 0, "reloads": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def fail(kind: str, why: str) -> None:
        with lock:
            counts["failures"] += 1
        print(json.dumps({"failure": kind, "why": why[-600:]}, ensure_ascii=False), file=sys.stderr, flush=True)

    def check(kind: str, engine_now: Callable[[], Any]) -> None:
        """One read: the needle answered, else a failure of ``kind`` (an exception is one too)."""
        try:
            current = engine_now()
            answer = current.ask(QUESTION, top_k=5)
            if not ok(answer):
                fail(kind, f"not answered: {answer.reason} version {current.version}")
        except Exception:
            fail(kind, traceback.format_exc())
        with lock:
            counts[f"{kind}_reads"] += 1

    last_reload = 0.0

    def reloaded() -> Any:  # the bot's long-lived engine, reloaded at most every 0.2 s
        nonlocal last_reload
        if time.monotonic() - last_reload > 0.2:
            last_reload = time.monotonic()
            counts["reloads"] += engine.reload_if_changed()
        return engine

    def loop() -> None:
        while not stop.is_set():
            check("bot", reloaded)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    for _line in sys.stdin:
        check("fresh", lambda: Engine.open(settings, embedder=embedder))
        print("checked", flush=True)
    stop.set()
    thread.join()
    print(json.dumps(counts), flush=True)


# ----------------------------------------------------------------------------- writers


def registry_ids(data: Path) -> list[str]:
    import yaml

    return [s["id"] for s in yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))["sources"]]


def choose(data: Path, rng: random.Random) -> str:
    ids = registry_ids(data)
    ops = ["reindex", "rollback"]
    if len(ids) < 3:
        ops += ["add", "add"]
    if len(ids) > 1:
        ops += ["remove"]
    return rng.choice(ops)


def run_op(op: str, data: Path, encoder: Any) -> None:
    from index import Settings, add_source, prepare_source, rebuild, remove_source, rollback
    from index.errors import CorpusError, SourceRejected

    settings = Settings.from_env(data_dir=data)
    try:
        if op == "add":
            for article in ARTICLES:
                try:
                    preview = prepare_source(settings, article.read_bytes(), article.name)
                except SourceRejected:
                    continue  # already in
                add_source(settings, preview, user="stress", encoder=encoder)
                return
        elif op == "remove":
            removable = [i for i in registry_ids(data) if i != SEED_ID]
            if removable:
                remove_source(settings, removable[-1], user="stress", encoder=encoder)
        elif op == "rollback":
            rollback(settings, user="stress")
        else:
            rebuild(settings, user="stress", encoder=encoder)
    except (CorpusError, SourceRejected):
        pass  # e.g. nothing to roll back to (a rollback of the seed version): not a failure


def cli_ask(data: Path) -> str | None:
    """Why a real ``quotebot ask --json`` failed, or None."""
    proc = subprocess.run(
        [sys.executable, "-m", "quotebot", "--data-dir", str(data), "ask", "--json", QUESTION],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        return f"exit {proc.returncode}: {proc.stderr[-600:]}"
    if answer["answered"] and any(NEEDLE[0] in r["text"] and r["date"] == NEEDLE[1] for r in answer["results"]):
        return None
    return f"not answered: {answer['reason']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--burners", type=int, default=1, help="busy-loop processes (CPU pressure)")
    parser.add_argument("--no-pressure", action="store_true")
    parser.add_argument("--cli-every", type=int, default=20, help="a real `quotebot ask` process every N kills")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--work", type=Path, default=None, help="work directory (default: a temporary one)")
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=None,
        help="a data directory with a built seed index to copy (default: build one)",
    )
    parser.add_argument("_role", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("_arg", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._role == "reader":
        reader(args._arg)
        return 0
    if args._role == "disk":
        disk_pressure(args._arg)
        return 0
    if args._role == "busy":
        busy()
        return 0

    import faiss
    import torch

    torch.set_num_threads(1)  # no OpenMP pool in this process: forking writers stays safe
    faiss.omp_set_num_threads(1)
    from index import Settings, build_index
    from index.embedding.model import load_embedder
    from tests.conftest import copy_corpus
    from tests.index.crashkit import MemoEncoder

    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="quotebot-stress-"))
    if args.source:
        shutil.copytree(args.source, work / "data", ignore=shutil.ignore_patterns("state"))
        data = work / "data"
    else:
        data = copy_corpus(work / "data")
    settings = Settings.from_env(data_dir=data)
    # the real model; texts embedded once (here, before forking) so the writers' time goes to the write path
    encoder = MemoEncoder(load_embedder(settings.model, settings.cache_dir))
    if not args.source:
        print(f"building the seed index in {data} ...", flush=True)
        build_index(settings, encoder=encoder)
    for op in ("add", "add", "remove", "remove"):  # warm the encoder with every text the writers embed
        run_op(op, data, encoder)

    me = [sys.executable, str(Path(__file__).resolve())]
    helpers: list[subprocess.Popen[bytes]] = []
    if not args.no_pressure:
        helpers.append(subprocess.Popen([*me, "disk", str(work)]))
        helpers += [subprocess.Popen([*me, "busy"]) for _ in range(args.burners)]
    bot = subprocess.Popen([*me, "reader", str(data)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert bot.stdin is not None and bot.stdout is not None
    t0 = time.monotonic()
    deadline = t0 + args.minutes * 60
    kills = completed = cli_reads = cli_failures = 0
    ops: dict[str, int] = {}
    duration: dict[str, float] = {}
    try:
        while kills < args.kills and time.monotonic() < deadline:
            op = choose(data, rng)
            expected = duration.get(op, 3.0)
            delay = rng.uniform(0.0, 1.2 * expected)
            started = time.monotonic()
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    run_op(op, data, encoder)
                except BaseException:
                    traceback.print_exc()
                    code = 3
                os._exit(code)
            while time.monotonic() - started < delay:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                time.sleep(0.01)
            else:
                done = 0
            if not done:
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                kills += 1
                ops[op] = ops.get(op, 0) + 1
            else:
                completed += 1
                duration[op] = time.monotonic() - started
                if os.WEXITSTATUS(status) != 0:
                    print(f"writer {op} failed (exit {os.WEXITSTATUS(status)})", flush=True)
            bot.stdin.write("check\n")
            bot.stdin.flush()
            bot.stdout.readline()
            if kills and kills % args.cli_every == 0 and not done:
                cli_reads += 1
                why = cli_ask(data)
                if why:
                    cli_failures += 1
                    print(json.dumps({"failure": "cli", "why": why}, ensure_ascii=False), flush=True)
            if kills and kills % 25 == 0 and not done:
                print(f"  {kills} kills, {completed} completed writes, {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        bot.stdin.close()
        totals = json.loads(bot.stdout.readline() or "{}")
        bot.wait(timeout=120)
        for helper in helpers:
            helper.kill()
            helper.wait()
        (work / "pressure.bin").unlink(missing_ok=True)
    failures = totals.get("failures", 0) + cli_failures
    print(
        json.dumps(
            {
                "kills": kills,
                "completed_writes": completed,
                "kills_by_op": ops,
                "reads": totals.get("bot_reads", 0) + totals.get("fresh_reads", 0) + cli_reads,
                "bot_reads": totals.get("bot_reads", 0),
                "fresh_reads": totals.get("fresh_reads", 0),
                "cli_reads": cli_reads,
                "reloads": totals.get("reloads", 0),
                "failed_reads": failures,
                "seconds": round(time.monotonic() - t0),
                "pressure": not args.no_pressure,
            },
            ensure_ascii=False,
        )
    )
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
