"""Fair load: private users' reply latency while one group floods the bot, against an idle bot.

Through the local fake Bot API server (``quotebot/testing/fake_telegram.py``), the real bot and engine:

* **idle**: private users ask ``--private-rate`` questions a second for ``--seconds``;
* **flood**: the same private load while one group sends ``--group-rate`` questions a second
  addressed to the bot. The bot may send only 20 messages a minute to a group, so nearly all of
  the group's questions can never be answered: what matters is that they do not delay anybody else.

Latency is from the moment an update is queued on the fake server to the moment the fake receives
the first ``sendMessage`` to that chat; a question not answered within 60 s counts as unanswered.
Memory is the process RSS (the fake server included) sampled every 50 ms. With
``--unfair`` the bot runs with PTB's plain ``concurrent_updates(16)`` instead of
:class:`bot.fairness.FairUpdateProcessor`, for comparison.

    .venv/bin/python -m bench.bench_fair_load                 # ~2 × 40 s
    .venv/bin/python -m bench.bench_fair_load --unfair
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram.ext import SimpleUpdateProcessor

import bot.app
from bench.bench_bot_latency import QUESTIONS, prepare
from bench.common import percentile
from bot.app import build_application
from index import Engine, Settings
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.running import bot_config, start

GROUP = {"id": -1001000000001, "type": "supergroup", "title": "Flooded group"}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """Peak RSS and the largest number of pending asyncio tasks, sampled in the background."""

    def __init__(self) -> None:
        self.peak_rss = 0.0
        self.peak_tasks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.peak_rss = max(self.peak_rss, rss_mb())
            self.peak_tasks = max(self.peak_tasks, len(asyncio.all_tasks()))
            await asyncio.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()


async def phase(
    fake: FakeTelegram,
    seconds: float,
    private_rate: float,
    group_rate: float,
    user_base: int,
    args_timeout: float = 60.0,
) -> dict[str, Any]:
    """Run one phase; the private users' latencies (ms), what the group got, peak memory."""
    latencies: list[float] = []
    waits: list[asyncio.Task[None]] = []
    group_sent = 0
    since = fake.mark()

    async def private(i: int) -> None:
        user = fake.user(user_base + i, language_code="ru")
        mark = fake.mark()
        pushed = time.monotonic()
        fake.send_text(user, QUESTIONS[i % len(QUESTIONS)])
        try:
            reply = await fake.wait_for("sendMessage", mark, chat_id=user["id"], timeout=args_timeout)
        except TimeoutError:
            latencies.append(float("inf"))
            return
        latencies.append((reply.at - pushed) * 1000)

    async def flood() -> None:
        nonlocal group_sent
        if not group_rate:
            return
        step, n = 1.0 / group_rate, 0
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            member = fake.user(900_000 + n % 500, language_code="ru")
            fake.send_text(member, f"@{fake.bot_user['username']} {QUESTIONS[n % len(QUESTIONS)]}", chat=GROUP)
            n += 1
            group_sent += 1
            await asyncio.sleep(max(0.0, start + n * step - time.monotonic()))

    with Sampler() as sampler:
        flooding = asyncio.create_task(flood())
        step, i = 1.0 / private_rate, 0
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            waits.append(asyncio.create_task(private(i)))
            i += 1
            await asyncio.sleep(max(0.0, start + i * step - time.monotonic()))
        await flooding
        await asyncio.gather(*waits)
    group_replies = fake.calls_of("sendMessage", since, chat_id=GROUP["id"])
    finite = [x for x in latencies if x != float("inf")] or [float("nan")]
    return {
        "private_questions": len(latencies),
        "private_unanswered": len(latencies) - len(finite),
        "p50_ms": round(percentile(finite, 0.5), 1),
        "p95_ms": round(percentile(finite, 0.95), 1),
        "max_ms": round(max(finite), 1),
        "group_questions": group_sent,
        "group_messages_sent": len(group_replies),
        "peak_rss_mb": round(sampler.peak_rss, 1),
        "peak_asyncio_tasks": sampler.peak_tasks,
    }


async def bench(settings: Settings, args: argparse.Namespace, state: Path) -> dict[str, Any]:
    engine = Engine.open(settings)
    if args.unfair:  # PTB's default: 16 concurrent updates, no per-chat turns, no drops
        bot.app.FairUpdateProcessor = lambda slots, **_: SimpleUpdateProcessor(slots)  # type: ignore[assignment,misc]
    async with FakeTelegram() as fake:
        config = bot_config(fake, state, polling_timeout=10, rate_burst=1000, rate_per_minute=60000)
        app = build_application(config, engine)
        await start(app, config)
        try:
            for i, q in enumerate(QUESTIONS[:5]):  # warm-up
                mark = fake.mark()
                fake.send_text(fake.user(1 + i), q)
                await fake.wait_for("sendMessage", mark, chat_id=1 + i, timeout=60)
            gc.collect()
            rss_start = rss_mb()
            idle = await phase(fake, args.seconds, args.private_rate, 0.0, 10_000)
            print(f"idle: {idle}", file=sys.stderr, flush=True)
            flooded = await phase(fake, args.seconds, args.private_rate, args.group_rate, 20_000)
            await asyncio.sleep(1.0)
            dropped = dict(getattr(app.update_processor, "dropped", {}))
            errors = len(fake.errors)
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            try:  # unfair: the group's backlog would take many minutes to drain at 20 messages a minute
                await asyncio.wait_for(app.stop(), 15)
                await app.shutdown()
            except TimeoutError:
                print("(stopped without draining the backlog)", file=sys.stderr)
    return {
        "processor": "unfair (PTB concurrent_updates=16)" if args.unfair else "fair",
        "seconds": args.seconds,
        "private_rate": args.private_rate,
        "group_rate": args.group_rate,
        "rss_after_warmup_mb": round(rss_start, 1),
        "idle": idle,
        "flood": flooded,
        "dropped": dropped,
        "telegram_errors": errors,
        "p95_ratio": round(flooded["p95_ms"] / idle["p95_ms"], 2) if idle["p95_ms"] else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each phase")
    parser.add_argument("--private-rate", type=float, default=4.0, help="private questions a second")
    parser.add_argument("--group-rate", type=float, default=50.0, help="the group's questions a second")
    parser.add_argument("--unfair", action="store_true", help="PTB's plain concurrent_updates(16), for comparison")
    parser.add_argument("--data-dir", type=Path, default=None, help="a data dir (indexed if needed)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quotebot-fairload-") as tmp:
        scratch = Path(tmp)
        result = asyncio.run(bench(prepare(args.data_dir, scratch), args, scratch / "state"))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
