"""Reply latency of the bot through a local fake Bot API server.

Measures, per question, the time from the moment an update is queued on the fake server (the
bot long-polls it, as with Telegram) to the moment the fake receives the bot's ``sendMessage``
with the answer; the real engine answers, built on a copy of ``data/`` (or ``--data-dir``).
Prints p50/p95/max, and the engine's own ``ask`` time for comparison.

    .venv/bin/python -m bench.bench_bot_latency --questions 200
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import copy_seed, percentile
from bot.app import build_application
from index import Engine, Settings, build_index
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.running import bot_config, running

QUESTIONS = [
    "Когда Алиев позвонил Трампу?",
    "Что Трамп писал о Новрузе?",
    "Что Алиев написал Трампу после его избрания?",
    "Что Трамп писал ко Дню независимости Азербайджана?",
    "Что Алиев говорил об администрации Байдена?",
    "Соболезнования в связи с авиакатастрофой в Вашингтоне",
    "Что сказал Алиев в интервью Euronews в марте 2025?",
    "Что Трамп опубликовал в Truth Social?",
    "Энергетическая безопасность и сотрудничество",
    "Поддержка суверенитета и территориальной целостности Азербайджана",
    "What did Trump write for Novruz?",
    "When did Aliyev call Trump?",
    "What did Aliyev say in Davos about the new US administration?",
    "Мир между Азербайджаном и Арменией",
    "Шушинский глобальный медиафорум",
    "Как приготовить борщ?",  # not covered: the bot says so
    "Погода в Баку завтра",  # not covered
    "Что писал Алиев 4 июля 2025?",
    "Семейные ценности Трампа",
    "Инаугурация 47-го президента США",
]


def prepare(data_dir: Path | None, scratch: Path) -> Settings:
    """``data_dir`` (indexed if needed), or an indexed copy of the seed in ``scratch``."""
    if data_dir is not None:
        settings = Settings.from_env(data_dir=data_dir)
        if not (data_dir / "index").exists():
            build_index(settings)
        return settings
    target = copy_seed(scratch / "data")
    settings = Settings.from_env(data_dir=target)
    print(f"building the index in {target} …", flush=True)
    build_index(settings)
    return settings


async def bench(settings: Settings, n: int, pause: float, state: Path) -> None:
    engine = Engine.open(settings)
    async with FakeTelegram() as fake:
        config = bot_config(fake, state, polling_timeout=10, rate_burst=1000, rate_per_minute=60000)
        async with running(build_application(config, engine), config):
            for q in QUESTIONS[:3]:  # warm-up (thread pool, first model calls)
                user = fake.user(1)
                since = fake.mark()
                fake.send_text(user, q)
                await fake.wait_for("sendMessage", since, chat_id=1, timeout=30)
            latencies: list[float] = []
            for i in range(n):
                user = fake.user(1000 + i, language_code="en" if i % 4 == 3 else "ru")
                since = fake.mark()
                pushed = time.monotonic()
                fake.send_text(user, QUESTIONS[i % len(QUESTIONS)])
                reply = await fake.wait_for("sendMessage", since, chat_id=user["id"], timeout=30)
                latencies.append(reply.at - pushed)
                if pause:
                    await asyncio.sleep(pause)
            errors = fake.errors
    engine_times = []
    for i in range(min(n, 100)):
        t0 = time.perf_counter()
        engine.ask(QUESTIONS[i % len(QUESTIONS)])
        engine_times.append(time.perf_counter() - t0)
    ms = [x * 1000 for x in latencies]
    ems = [x * 1000 for x in engine_times]
    print(f"questions: {n}   Telegram errors: {len(errors)}")
    print(
        f"reply latency (update queued → sendMessage received): p50 {percentile(ms, 0.5):.0f} ms, "
        f"p95 {percentile(ms, 0.95):.0f} ms, mean {statistics.mean(ms):.0f} ms, max {max(ms):.0f} ms"
    )
    print(f"engine.ask alone: p50 {percentile(ems, 0.5):.0f} ms, p95 {percentile(ems, 0.95):.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=None, help="a data dir (indexed if needed)")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between questions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-") as tmp:
        scratch = Path(tmp)
        asyncio.run(bench(prepare(args.data_dir, scratch), args.questions, args.pause, scratch / "state"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
