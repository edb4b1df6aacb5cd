"""Runs a built quotebot image against the fake Bot API server and checks what a user would see.

Used by ``scripts/test-docker`` (run on the host with the project's venv). The fake server
(``quotebot.testing.fake_telegram``, installed in that venv) listens on 127.0.0.1; the container
shares the host's network (``--network host``), so the bot reaches it at ``QUOTEBOT_TELEGRAM_API_URL`` like Telegram.

Checks, in order:
1. a fresh data volume starts: the seed corpus is copied and the bot polls (the first start that
   used to fail with "Permission denied" on the seed index);
2. a question is answered with a dated, attributed quote (HTML valid by Telegram's rules);
3. Docker's health check reports ``healthy``;
4. the bot is PID 1 and runs as uid 10001, not root;
5. ``docker stop`` ends it cleanly (exit code 0, SIGTERM handled);
6. a restart on the same volume serves the published index without rebuilding it.

Prints one ``smoke: {...}`` JSON line with the timings; exits non-zero on the first failed check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time

from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.telegram_html import validate_message

QUESTION = "Когда Алиев позвонил Трампу?"
EXPECTED = ("25 ноября 2024 · Ильхам Алиев", "<blockquote>")  # the date line and the quote itself
RUNTIME_UID = "10001"


class SmokeError(Exception):
    """A check failed; the message says which and why."""


def _docker(*args: str, check: bool = True, timeout: float = 120) -> str:
    proc = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise SmokeError(f"docker {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout.strip()


async def docker(*args: str, check: bool = True, timeout: float = 120) -> str:
    """A docker command run in a thread: the event loop must keep serving the fake Bot API (the bot
    talks to it while it stops, so a blocking ``docker stop`` here would deadlock until SIGKILL)."""
    return await asyncio.to_thread(_docker, *args, check=check, timeout=timeout)


async def logs(name: str, tail: str = "all") -> str:
    """The container's output, stdout and stderr together (the entrypoint and the bot log to stderr)."""
    proc = await asyncio.to_thread(
        subprocess.run, [DOCKER, "logs", "--tail", tail, name], capture_output=True, text=True, timeout=60
    )
    return proc.stdout + proc.stderr


async def state(name: str, field: str) -> str:
    return await docker("inspect", "-f", "{{" + field + "}}", name, check=False)


async def wait_polling(fake: FakeTelegram, name: str, timeout: float, since: int = 0) -> None:
    """Until the bot starts polling (PTB's deleteWebhook right before its first getUpdates, which the
    fake does not record), failing early with the logs if the container exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fake.calls_of("deleteWebhook", since):
            return
        if await state(name, ".State.Running") != "true":
            raise SmokeError(
                f"the container exited ({await state(name, '.State.ExitCode')}) before polling:\n"
                + await logs(name, "40")
            )
        await asyncio.sleep(0.5)
    raise SmokeError(f"the bot did not start polling within {timeout:.0f}s:\n" + await logs(name, "40"))


async def wait_healthy(name: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status = await state(name, ".State.Health.Status")
        if status == "healthy":
            return time.monotonic() - started
        if status == "unhealthy":
            raise SmokeError("health check failed: " + await state(name, "json .State.Health"))
        await asyncio.sleep(1)
    raise SmokeError(f"not healthy within {timeout:.0f}s: " + await state(name, "json .State.Health"))


async def start(image: str, name: str, volume: str, fake: FakeTelegram) -> None:
    await docker(
        "run",
        "-d",
        "--name",
        name,
        "--network",
        "host",
        "-v",
        f"{volume}:/data",
        "--health-interval",
        "2s",
        "-e",
        f"TELEGRAM_BOT_TOKEN={fake.token}",
        "-e",
        f"QUOTEBOT_TELEGRAM_API_URL={fake.root}",
        image,
    )


async def ask(fake: FakeTelegram, user_id: int, timeout: float) -> tuple[str, float]:
    user = fake.user(user_id, language_code="ru")
    since = fake.mark()
    asked = time.monotonic()
    fake.send_text(user, QUESTION)
    replies = await fake.wait_for_reply(user["id"], since, timeout=timeout)
    return replies[-1].text, time.monotonic() - asked


async def run(image: str, timeout: float) -> dict[str, object]:
    name = volume = f"quotebot-smoke-{int(time.time())}"
    figures: dict[str, object] = {"image": image}
    async with FakeTelegram() as fake:
        try:
            began = time.monotonic()
            await start(image, name, volume, fake)
            await wait_polling(fake, name, timeout)
            figures["first_start_to_polling_s"] = round(time.monotonic() - began, 1)
            first_logs = await logs(name)
            if "copying the seed corpus" not in first_logs or "Permission denied" in first_logs:
                raise SmokeError("the fresh volume did not get the seed corpus:\n" + first_logs)

            html, took = await ask(fake, 501, timeout)
            text = validate_message(html).text
            if not all(part in html for part in EXPECTED):
                raise SmokeError(f"the answer has no dated quote {EXPECTED}:\n{text}")
            figures["first_answer_s"] = round(took, 2)
            figures["answer_first_line"] = text.splitlines()[0]

            figures["healthy_after_s"] = round(await wait_healthy(name, timeout), 1)

            uid = await docker("exec", name, "id", "-u")
            status = await docker("exec", name, "cat", "/proc/1/status")
            pid1 = (await docker("exec", name, "cat", "/proc/1/cmdline")).replace("\0", " ").strip()
            uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
            if uid != RUNTIME_UID or set(uids) != {RUNTIME_UID}:
                raise SmokeError(f"not running as uid {RUNTIME_UID}: exec uid {uid}, PID 1 uids {uids}")
            if "quotebot run" not in pid1:
                raise SmokeError(f"PID 1 is not the bot: {pid1}")
            figures["pid1"] = pid1
            figures["uid"] = int(uid)

            await docker("stop", "-t", "30", name)
            code = await state(name, ".State.ExitCode")
            if code != "0":
                raise SmokeError(f"docker stop: exit code {code}:\n" + await logs(name, "20"))

            # second start on the same volume: the published index is served, nothing rebuilt
            await docker("rm", name)
            since = fake.mark()
            await start(image, name, volume, fake)
            began = time.monotonic()
            await wait_polling(fake, name, timeout, since)
            figures["restart_to_polling_s"] = round(time.monotonic() - began, 1)
            relogs = await logs(name)
            if "entrypoint:" in relogs:
                raise SmokeError("the restart copied or rebuilt something:\n" + relogs)
            html, took = await ask(fake, 502, timeout)
            if EXPECTED[0] not in html:
                raise SmokeError("no dated quote after the restart")
            figures["restart_answer_s"] = round(took, 2)
            if fake.errors:
                raise SmokeError(f"the bot made calls Telegram would refuse: {fake.errors[:3]}")
        finally:
            await docker("rm", "-f", name, check=False)
            await docker("volume", "rm", volume, check=False)
    return figures


def main() -> int:
    global DOCKER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image")
    parser.add_argument("--docker", default="docker", help="the docker client to use")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for each wait")
    args = parser.parse_args()
    DOCKER = args.docker
    try:
        figures = asyncio.run(run(args.image, args.timeout))
    except SmokeError as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke: " + json.dumps(figures, ensure_ascii=False))
    return 0


DOCKER = "docker"

if __name__ == "__main__":
    sys.exit(main())
