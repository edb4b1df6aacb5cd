"""End-to-end reply time through the fake Bot API server, with 1 and with N concurrent users.

The real bot (``build_application``, long polling) answers from the real engine on a fresh
copy of the seed; ``quotebot/testing/fake_telegram.py`` plays Telegram in the same process. A
question's reply time is from the update being queued on the fake server to the fake receiving
the first ``sendMessage`` to that chat (as ``bench/bench_bot_latency.py`` measures for one user).

* 1 user: questions one after another (the shared and dev questions, in turn).
* N users (default 50): each user sends a question, waits for the answer, sends the next (a
  closed loop, no think time), until every user has asked ``--per-user`` questions. Sustained
  questions per second = answered questions / wall time.

The engine's cache of question vectors is switched off (``index.search.engine.QUERY_CACHE = 0``), so
every question costs a real query encoding as a new question does; ``--cache`` keeps it on.
Flood limits (``AIORateLimiter``) are off by default, to measure the bot's own capacity:
Telegram's 30 messages/s would otherwise cap it; ``--flood-limits`` turns them on. The fake
server's own work (parsing and validating every message's HTML) runs in the same process, on
the same 2 cores: the figures include it.

    .venv/bin/python -m bench.bench_bot                     # ~3 min
    .venv/bin/python -m bench.bench_bot --threads 1         # one encoder thread per question
    .venv/bin/python -m bench.bench_bot --users 1 50 --per-user 6 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_bot_latency import prepare
from bench.common import loadavg, question_sets, save_result, summary_ms
from bench.results import table
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.running import bot_config, running


class TimedFake(FakeTelegram):
    """The fake server, resolving a per-chat future when the bot's first answer arrives (cheaper
    than ``wait_for``'s scan of every call with 50 users waiting)."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[float]] = {}

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = fut
        return fut

    def _m_sendMessage(self, p: dict[str, Any], f: dict[str, bytes]) -> dict[str, Any]:
        result = super()._m_sendMessage(p, f)
        fut = self.waiting.pop(int(p["chat_id"]), None)
        if fut is not None and not fut.done():
            fut.set_result(time.monotonic())
        return result


async def run_users(
    fake: TimedFake, questions: list[str], users: int, per_user: int, first_id: int
) -> tuple[list[float], float]:
    """Closed loop: every user asks ``per_user`` questions, each after the previous answer."""
    latencies: list[float] = []

    async def user_loop(u: int) -> None:
        user = fake.user(first_id + u, language_code="en" if u % 4 == 3 else "ru")
        for i in range(per_user):
            q = questions[(u * per_user + i) % len(questions)]
            fut = fake.expect(user["id"])
            pushed = time.monotonic()
            fake.send_text(user, q)
            arrived = await asyncio.wait_for(fut, 120)
            latencies.append(arrived - pushed)

    t0 = time.monotonic()
    await asyncio.gather(*(user_loop(u) for u in range(users)))
    return latencies, time.monotonic() - t0


async def bench(settings: Any, args: argparse.Namespace, state: Path) -> dict[str, Any]:
    from bot.app import build_application
    from index import Engine

    if args.threads:  # threads per question of the ONNX encoder
        settings = settings.replace(query_threads=args.threads)
    engine = Engine.open(settings)
    questions = [q["question"].replace("\n", " ") for qs in question_sets().values() for q in qs]
    out: dict[str, Any] = {}
    async with TimedFake() as fake:
        config = bot_config(
            fake,
            state,
            polling_timeout=10,
            rate_burst=1000,  # the largest the settings accept: no user here asks that often
            rate_per_minute=6000,
            flood_limits=args.flood_limits,
        )
        async with running(build_application(config, engine), config):
            await run_users(fake, questions, 1, 5, 1)  # warm-up
            next_id = 1000
            for users in args.users:
                per_user = args.questions if users == 1 else args.per_user
                runs = []
                for _ in range(args.repeat):
                    lat, wall = await run_users(fake, questions, users, per_user, next_id)
                    next_id += users
                    runs.append(
                        {
                            **summary_ms(lat),
                            "questions": len(lat),
                            "wall_s": round(wall, 2),
                            "qps": round(len(lat) / wall, 1),
                        }
                    )
                out[str(users)] = {
                    "runs": runs,
                    "median": {
                        k: round(statistics.median(r[k] for r in runs), 2)
                        for k in ("p50", "p95", "p99", "mean", "max", "qps")
                    },
                    "questions_per_run": runs[0]["questions"],
                }
                print(f"{users} user(s): {out[str(users)]['median']}", flush=True)
            out["telegram_errors"] = len(fake.errors)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="*", default=[1, 50])
    parser.add_argument("--questions", type=int, default=60, help="questions of the 1-user run")
    parser.add_argument("--per-user", type=int, default=6, help="questions per user in the concurrent runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per user count (medians reported)")
    parser.add_argument("--cache", action="store_true", help="keep the engine's question-vector cache")
    parser.add_argument("--flood-limits", action="store_true", help="throttle to Telegram's flood limits")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--threads", type=int, default=None, help="encoder threads per question (default: QUOTEBOT_QUERY_THREADS)"
    )
    parser.add_argument(
        "--name", default=None, help="results name (default: bot, or bot_threads1 with one thread per question)"
    )
    args = parser.parse_args()
    if not args.cache:
        import index.search.engine

        index.search.engine.QUERY_CACHE = 0  # type: ignore[attr-defined]
    load_before = loadavg()
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-bot-") as tmp:
        settings = prepare(args.data_dir, Path(tmp))
        threads = args.threads or settings.query_threads
        result = asyncio.run(bench(settings, args, Path(tmp) / "state"))
    rows = [
        [u, r["questions_per_run"], r["median"]["p50"], r["median"]["p95"], r["median"]["p99"], r["median"]["qps"]]
        for u, r in result.items()
        if isinstance(r, dict)
    ]
    print(table(["users", "questions/run", "p50 ms", "p95 ms", "p99 ms", "questions/s"], rows))
    name = args.name or ("bot_threads1" if threads == 1 else "bot")
    save_result(
        name,
        {
            "users": result,
            "repeat": args.repeat,
            "cache": args.cache,
            "flood_limits": args.flood_limits,
            "query_threads": threads,
            "load": {"loadavg_before": load_before, "loadavg_after": loadavg()},
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
