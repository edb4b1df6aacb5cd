"""Time from a moderator's confirm to the new source being answerable, through the real bot.

A copy of ``data/`` (or ``--data-dir``) is indexed in a scratch directory; the bot runs against
the local fake Bot API server with one moderator. For each run a ~20 kB English article (the
test article's events repeated with other dates and topics, ``tests/data/article_en.md``) is uploaded, the
preview's ✅ pressed, and a user asks about it every ``--poll`` seconds from the press on.
Printed per run: press → index version published (``CURRENT`` switched), press → the first
answer citing the new source received, press → the moderator's "added" message, and the
build report (passages embedded / reused, build seconds).

    .venv/bin/python -m bench.bench_add_source --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import SEED
from bench.results import REPO
from bot.app import build_application
from index import Engine, Settings, build_index
from quotebot.testing.corpus import copy_corpus, current_version
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.moderator import ask_to_confirm, button_data, cited, finished, long_article, upload
from quotebot.testing.running import bot_config, running

ARTICLE = REPO / "tests" / "data" / "article_en.md"  # read as data: bench/ imports nothing of tests/
PEACE_QUESTION = "What did Trump say about bringing peace to the South Caucasus?"
MODERATOR, USER = 9001, 9002


def prepare(data_dir: Path | None, scratch: Path) -> Settings:
    """An indexed copy of the corpus that the benchmark may change."""
    target = copy_corpus(data_dir or SEED, scratch / "data")
    settings = Settings.from_env(data_dir=target)
    print(f"building the index in {target} …", flush=True)
    build_index(settings)
    return settings


async def one_run(fake: FakeTelegram, settings: Settings, variant: int, size: int, poll: float) -> dict[str, float]:
    moderator, user = fake.user(MODERATOR, language_code="en"), fake.user(USER, language_code="en")
    article = long_article(ARTICLE.read_text(encoding="utf-8"), size, variant).encode()
    since = fake.mark()
    title = f"Chronicle of statements, run {variant}"
    upload(fake, moderator, article, f"chronicle_{variant}.md", caption=f"title: {title}")
    preview = await ask_to_confirm(fake, moderator, since, timeout=60)
    current = current_version(settings)
    published: list[float] = []

    async def watch() -> None:  # the moment the new version is published (CURRENT switched)
        while current_version(settings) == current:
            await asyncio.sleep(0.005)
        published.append(time.monotonic())

    watcher = asyncio.create_task(watch())
    since = fake.mark()
    pressed = time.monotonic()
    fake.press(moderator, preview, button_data(preview, "m:y:"))
    answerable = 0.0
    while not answerable:
        mark = fake.mark()
        fake.send_text(user, PEACE_QUESTION)
        replies = [c.visible for c in await fake.wait_for_reply(USER, mark, timeout=60)]
        if any(t.startswith(title) for t in cited(replies)):
            answerable = fake.calls_of("sendMessage", mark, chat_id=USER)[-1].at - pressed
        else:
            await asyncio.sleep(poll)
    await asyncio.wait_for(watcher, 10)
    done = await finished(fake, moderator, since)
    report = done.visible
    figures = re.search(r"(\d+) passages, (\d+) embedded, (\d+) reused; ([\d.]+) s", report)
    if not figures:
        raise RuntimeError(f"unexpected result: {report}")
    passages, embedded, reused, build = figures.groups()
    return {
        "bytes": len(article),
        "published": published[0] - pressed,
        "answerable": answerable,
        "reported": done.at - pressed,
        "embedded": int(embedded),
        "reused": int(reused),
        "passages": int(passages),
        "build": float(build),
    }


async def bench(settings: Settings, runs: int, size: int, poll: float, state: Path) -> None:
    engine = Engine.open(settings)
    async with FakeTelegram() as fake:
        config = bot_config(
            fake, state, polling_timeout=10, rate_burst=1000, rate_per_minute=60000, moderators=(MODERATOR,)
        )
        results = []
        async with running(build_application(config, engine, settings), config):
            for variant in range(1, runs + 1):
                r = await one_run(fake, settings, variant, size, poll)
                results.append(r)
                print(
                    f"run {variant}: {r['bytes']} bytes, {r['embedded']} vectors embedded, {r['reused']} reused "
                    f"(index {r['passages']} passages); build {r['build']:.1f} s; confirm → published "
                    f"{r['published']:.2f} s, → first answer citing it {r['answerable']:.2f} s, "
                    f"→ moderator told {r['reported']:.2f} s",
                    flush=True,
                )
            errors = fake.errors
    answerable = [r["answerable"] for r in results]
    print(
        f"Telegram errors: {len(errors)}; confirm → answerable: median {statistics.median(answerable):.2f} s, "
        f"min {min(answerable):.2f} s, max {max(answerable):.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="articles to add, one after another")
    parser.add_argument("--bytes", type=int, default=20_000, help="size of each article")
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between the user's questions")
    parser.add_argument("--data-dir", type=Path, default=None, help="corpus to copy (default: data/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-") as tmp:
        scratch = Path(tmp)
        asyncio.run(bench(prepare(args.data_dir, scratch), args.runs, args.bytes, args.poll, scratch / "state"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
