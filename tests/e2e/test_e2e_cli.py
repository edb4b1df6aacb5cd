"""``quotebot run`` as a real process: Telegram mode against the fake server, and the local chat."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.app import run_from_cli
from index import Engine, Settings
from quotebot.testing.fake_telegram import FakeTelegram
from quotebot.testing.telegram_html import validate_message

pytestmark = pytest.mark.slow  # needs the embedding model

REPO = Path(__file__).resolve().parents[2]
QUOTEBOT_RUN = [sys.executable, "-m", "quotebot", "run"]


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "QUOTEBOT_"))}
    env.update({"QUOTEBOT_DATA_DIR": str(settings.data_dir), "PYTHONUNBUFFERED": "1", **extra})
    if os.environ.get("QUOTEBOT_CACHE_DIR"):
        env["QUOTEBOT_CACHE_DIR"] = os.environ["QUOTEBOT_CACHE_DIR"]
    return env


async def test_quotebot_run_serves_telegram(fake: FakeTelegram, seed_settings: Settings, tmp_path: Path) -> None:
    config = tmp_path / "bot.yaml"
    config.write_text(f"polling_timeout: 1\nstate_dir: {tmp_path / 'state'}\nlog_level: DEBUG\n", encoding="utf-8")
    env = environment(
        seed_settings, TELEGRAM_BOT_TOKEN=fake.token, QUOTEBOT_TELEGRAM_API_URL=fake.root, QUOTEBOT_CONFIG=str(config)
    )
    proc = await asyncio.create_subprocess_exec(
        *QUOTEBOT_RUN, cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_for("setMyCommands", timeout=90)
        user = fake.user(701, language_code="en")
        since = fake.mark()
        fake.send_text(user, "When did Aliyev call Trump?")
        reply = (await fake.wait_for_reply(user["id"], since, timeout=30))[-1]
        assert "25 November 2024 · Ilham Aliyev · phone call" in validate_message(reply.text).text
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    log = (out + err).decode()
    assert proc.returncode == 0, log[-3000:]
    assert "starting the bot (long polling)" in log and "getUpdates" in log  # DEBUG logs the API calls...
    assert fake.token not in log  # ...never the token
    assert (tmp_path / "state" / "views.sqlite3").exists()


def test_without_token_quotebot_run_is_a_local_chat(
    seed_settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same entry point as ``quotebot run``, in-process (the model is already loaded) with piped
    stdin/stdout: the local chat goes through the same screens and rendering as Telegram."""
    for var in ("TELEGRAM_BOT_TOKEN", "QUOTEBOT_CONFIG", "QUOTEBOT_TELEGRAM_API_URL"):
        monkeypatch.delenv(var, raising=False)
    question = "Когда Алиев позвонил Трампу?"
    answer = engine.ask(question)
    more = "Результаты 4–" if answer.total > 3 else "Больше результатов нет."
    stdin = io.StringIO(f"{question}\n/full 1\n/more\n/timeline\nрецепт борща\n/quit\nне дойдёт\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    root_level = logging.getLogger().level
    try:
        assert run_from_cli(seed_settings, None, stdin=stdin, stdout=stdout, stderr=stderr) == 0
    finally:
        logging.getLogger().setLevel(root_level)
    out = stdout.getvalue()
    assert "TELEGRAM_BOT_TOKEN" in stderr.getvalue() and "/quit" in stderr.getvalue()
    assert "│ 1. 25 ноября 2024 · Ильхам Алиев · телефонный разговор" in out
    assert "│ 25 ноября 2024 года Ильхам Алиев позвонил Дональду Трампу" in out
    assert "Полный текст" in out and more in out
    assert "• 25 ноября 2024 — Ильхам Алиев, телефонный разговор" in out
    assert "В корпусе нет цитат" in out and "не дойдёт" not in out
    assert "<b>" not in out and "&amp;" not in out and "<blockquote>" not in out


async def test_invalid_config_fails_fast_and_clearly(seed_settings: Settings, tmp_path: Path) -> None:
    config = tmp_path / "bot.yaml"
    config.write_text("mode: webhook\nwebhook: {port: 0}\n", encoding="utf-8")
    secret = "123456789:AAHthisIsTheSecretTokenValue_12345"
    proc = await asyncio.create_subprocess_exec(
        *QUOTEBOT_RUN,
        "--config",
        str(config),
        cwd=REPO,
        env=environment(seed_settings, TELEGRAM_BOT_TOKEN=secret),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = (out + err).decode()
    assert proc.returncode == 2
    assert "webhook.port: must be at least 1" in text and "webhook.public_url: is required" in text
    assert secret not in text
