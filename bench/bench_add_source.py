"""Time from a moderator's confirm to the new source being answerable, through the real bot.

A copy of ``data/`` (or ``--data-dir``) is indexed in a scratch directory; the bot runs against
the local fake Bot API server with one moderator. For each run a ~20 kB English article (the
test article's events repeated with other dates and topics, ``tests/e2e``) is uploaded, the
preview's ✅ pressed, and a user asks about it every ``--poll`` seconds from the press on.
Printed per run: press → index version published (``CURRENT`` switched), press → the first
answer citing the new source received, press → the moderator's "added" message, and the
build report (passages embedded / reused, build seconds).

    .venv/bin/python bench/bench_add_source.py --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # for tests.e2e
    sys.path.insert(0, str(REPO))

from bot.app import ALLOWED_UPDATES, build_application, set_commands  # noqa: E402
from bot.config import BotConfig  # noqa: E402
from index import Engine, Settings, build_index  # noqa: E402
from tests.e2e.fake_telegram import FakeTelegram  # noqa: E402
from tests.e2e.test_e2e_moderation_kit import (  # noqa: E402
    PEACE_QUESTION,
    ask_to_confirm,
    button_data,
    cited,
    long_article,
    upload,
    visible,
)

MODERATOR, USER = 9001, 9002


def prepare(data_dir: Path | None, scratch: Path) -> Settings:
    """An indexed copy of the corpus that the benchmark may change."""
    source = data_dir or REPO / "data"
    target = scratch / "data"
    target.mkdir(parents=True)
    for name in ("sources.yaml", "speakers.yaml"):
        shutil.copyfile(source / name, target / name)
    shutil.copytree(source / "sources", target / "sources")
    settings = Settings.from_env(data_dir=target)
    print(f"building the index in {target} …", flush=True)
    build_index(settings)
    return settings


async def one_run(fake: FakeTelegram, settings: Settings, variant: int, size: int, poll: float) -> dict[str, float]:
    moderator, user = fake.user(MODERATOR, language_code="en"), fake.user(USER, language_code="en")
    article = long_article(size, variant).encode()
    since = fake.mark()
    title = f"Chronicle of statements, run {variant}"
    upload(fake, moderator, article, f"chronicle_{variant}.md", caption=f"title: {title}")
    preview = await ask_to_confirm(fake, moderator, since, timeout=60)
    current_file = settings.index_dir / "CURRENT"
    current = current_file.read_text().strip()
    published: list[float] = []

    async def watch() -> None:  # the moment the new version is published (CURRENT switched)
        while current_file.read_text().strip() == current:
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
        replies = [visible(c) for c in await fake.wait_for_reply(USER, mark, timeout=60)]
        if any(t.startswith(title) for t in cited(replies)):
            answerable = fake.calls_of("sendMessage", mark, chat_id=USER)[-1].at - pressed
        else:
            await asyncio.sleep(poll)
    await asyncio.wait_for(watcher, 10)
    working = await fake.wait_for("sendMessage", since, 60, chat_id=MODERATOR)
    done = await fake.wait_for("editMessageText", since, 60, chat_id=MODERATOR,
                               message_id=working.result["message_id"])
    report = visible(done)
    figures = re.search(r"(\d+) passages, (\d+) embedded, (\d+) reused; ([\d.]+) s", report)
    if not figures:
        raise RuntimeError(f"unexpected result: {report}")
    passages, embedded, reused, build = figures.groups()
    return {"bytes": len(article), "published": published[0] - pressed, "answerable": answerable,
            "reported": done.at - pressed, "embedded": int(embedded), "reused": int(reused),
            "passages": int(passages), "build": float(build)}


async def bench(settings: Settings, runs: int, size: int, poll: float, state: Path) -> None:
    engine = Engine.open(settings)
    async with FakeTelegram() as fake:
        config = BotConfig(token=fake.token, api_url=fake.root, polling_timeout=10, state_dir=state,
                           feedback_path=state / "feedback.jsonl", rate_burst=1000, rate_per_minute=60000,
                           moderators=(MODERATOR,))
        app = build_application(config, engine, settings)
        await app.initialize()
        await set_commands(app)
        await app.updater.start_polling(poll_interval=0, timeout=10, allowed_updates=ALLOWED_UPDATES)  # type: ignore[union-attr]
        await app.start()
        results = []
        try:
            for variant in range(1, runs + 1):
                r = await one_run(fake, settings, variant, size, poll)
                results.append(r)
                print(f"run {variant}: {r['bytes']} bytes, {r['embedded']} vectors embedded, {r['reused']} reused "
                      f"(index {r['passages']} passages); build {r['build']:.1f} s; confirm → published "
                      f"{r['published']:.2f} s, → first answer citing it {r['answerable']:.2f} s, "
                      f"→ moderator told {r['reported']:.2f} s", flush=True)
            errors = fake.errors
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
            await app.shutdown()
    answerable = [r["answerable"] for r in results]
    print(f"Telegram errors: {len(errors)}; confirm → answerable: median {statistics.median(answerable):.2f} s, "
          f"min {min(answerable):.2f} s, max {max(answerable):.2f} s")


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
