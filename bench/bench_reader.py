"""The reader features' costs: ``/timeline`` picture render time, and the new-source broadcast rate
to 1,000 subscribers through the fake Bot API server.

* Render: the seed's timeline drawn with matplotlib (Agg), per interface language; the first
  render of the process (matplotlib import, font cache) is reported apart from the warm ones,
  and a cached picture's lookup time is given too.
* Broadcast: the real application (``build_application``, its rate limiter, its SQLite state)
  delivers one digest per subscriber for a "new" source (the seed, with a baseline that does
  not contain it) to ``--subscribers`` private chats of the fake server (``quotebot.testing.fake_telegram``,
  same process); 1 % of them have blocked the bot (403, unsubscribed). Run with the production
  settings (``AIORateLimiter``'s 30 messages/s and the broadcast's own spacing at 25/s) and with
  neither (the broadcaster's own capacity). Every subscriber must get exactly one digest; the
  busiest 1-second window is reported.

    .venv/bin/python -m bench.bench_reader                      # ~2 min (builds a seed index first)
    .venv/bin/python -m bench.bench_reader --subscribers 200 --renders 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.bench_bot_latency import prepare
from bench.common import loadavg, save_result
from bench.report import section_reader
from bot.app import build_application
from bot.config import BotConfig
from bot.gateway import EngineGateway
from bot.services import KEY, Services
from bot.strings import LANGS
from bot.timeline import PictureCache, parse_filter, render_png
from index import Engine
from quotebot.testing.fake_telegram import FakeTelegram


def bench_render(engine: Engine, renders: int) -> dict[str, object]:
    gateway = EngineGateway(engine)
    events = engine.timeline()
    t0 = time.perf_counter()
    first = render_png(events, "ru", gateway)
    cold = time.perf_counter() - t0
    warm: dict[str, list[float]] = {lang: [] for lang in LANGS}
    for _ in range(renders):
        for lang in LANGS:
            t0 = time.perf_counter()
            render_png(events, lang, gateway)
            warm[lang].append(time.perf_counter() - t0)
    cache = PictureCache()
    flt = parse_filter("", events, gateway)
    cache.get_or_render("v", "ru", flt, events, gateway)
    t0 = time.perf_counter()
    for _ in range(1000):
        cache.get_or_render("v", "ru", flt, events, gateway)
    cached_us = (time.perf_counter() - t0) / 1000 * 1e6
    return {
        "events": len(events),
        "width": first.width,
        "height": first.height,
        "png_bytes": len(first.png),
        "cold_ms": round(cold * 1000, 1),
        "warm_ms": {
            lang: {"p50": round(statistics.median(v) * 1000, 1), "max": round(max(v) * 1000, 1)}
            for lang, v in warm.items()
        },
        "cached_us": round(cached_us, 2),
    }


async def bench_broadcast(engine: Engine, subscribers: int, flood_limits: bool, state: Path) -> dict[str, object]:
    async with FakeTelegram() as fake:
        config = BotConfig(
            token=fake.token,
            api_url=fake.root,
            state_dir=state,
            feedback_path=state / "fb.jsonl",
            flood_limits=flood_limits,
            broadcast_rate=25.0 if flood_limits else 0.0,
        )
        app = build_application(config, engine)
        await app.initialize()
        try:
            svc: Services = app.bot_data[KEY]
            assert svc.readers is not None and svc.broadcaster is not None
            svc.readers.record_sources(["baseline-without-the-seed"], "v0")  # so the seed counts as new
            chats = [10_000 + i for i in range(subscribers)]
            for i, chat in enumerate(chats):
                svc.readers.subscribe(chat, "", LANGS[i % len(LANGS)])
            blocked = set(chats[::100])
            fake.blocked.update(blocked)
            t0 = time.monotonic()
            [outcome] = await svc.broadcaster.check()
            seconds = time.monotonic() - t0
            left = [c for c in blocked if svc.readers.subscriptions(c)]
            assert not left, "a chat that blocked the bot is still subscribed"
        finally:
            await app.shutdown()
            svc.readers.close()
            svc.views.close()  # type: ignore[attr-defined]
        sends = [c for c in fake.calls_of("sendMessage") if c.ok]
        per_chat = Counter(c.params["chat_id"] for c in sends)
        assert set(per_chat) == set(chats) - blocked and set(per_chat.values()) == {1}, "lost or duplicated"
        stamps = sorted(c.at for c in sends)
        j, peak = 0, 0
        for i, s in enumerate(stamps):  # the most messages within any 1-second window
            while stamps[j] < s - 1.0:
                j += 1
            peak = max(peak, i - j + 1)
        return {
            "subscribers": subscribers,
            "flood_limits": flood_limits,
            "sent": outcome.sent,
            "blocked": outcome.blocked,
            "failed": outcome.failed,
            "seconds": round(seconds, 2),
            "messages_per_s": round(outcome.sent / seconds, 1),
            "peak_per_1s": peak,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, help="a data dir with a built index (default: a fresh seed copy)")
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--renders", type=int, default=10)
    args = ap.parse_args()
    load = loadavg()
    with tempfile.TemporaryDirectory() as tmp:
        settings = prepare(args.data_dir, Path(tmp))
        engine = Engine.open(settings)
        render = bench_render(engine, args.renders)
        broadcasts = [
            asyncio.run(bench_broadcast(engine, args.subscribers, flood, Path(tmp) / f"state-{flood}"))
            for flood in (True, False)
        ]
    result = {"loadavg_before": load, "render": render, "broadcast": broadcasts}
    print("\n".join(section_reader(result)))  # the same section docs/performance.md gets
    path = save_result("reader", result, render=False)
    print(f"\nsaved {path}")


if __name__ == "__main__":
    main()
