"""The Bot API layout (self-hosted server root, file downloads, uploads) and webhook mode."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import WebhookConfig
from index import Engine
from quotebot.testing.fake_telegram import FakeTelegram, make_png
from quotebot.testing.running import bot_config, running
from quotebot.testing.telegram_html import validate_message

pytestmark = pytest.mark.slow  # needs the embedding model


async def test_files_use_the_self_hosted_layout(fake: FakeTelegram, bot: Application) -> None:
    content = "Новый источник: «цитата» & <разметка>\n".encode()
    file_id = fake.add_file(content, name="new_source.txt")
    tg_file = await bot.bot.get_file(file_id)
    assert tg_file.file_path == f"{fake.root}/file/bot{fake.token}/documents/new_source.txt"
    assert bytes(await tg_file.download_as_bytearray()) == content  # {root}/file/bot{token}/{path}
    message = await bot.bot.send_document(77, document=content, filename="report.jsonl", caption="votes")
    call = fake.calls_of("sendDocument")[-1]
    assert call.files["document"] == content and message.document is not None
    assert bytes(await (await bot.bot.get_file(message.document.file_id)).download_as_bytearray()) == content
    await bot.bot.send_photo(77, photo=make_png())
    assert fake.calls_of("sendPhoto")[-1].files["photo"] == make_png()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode(fake: FakeTelegram, tmp_path: object, engine: Engine) -> None:
    port = free_port()
    hook = WebhookConfig(
        listen="127.0.0.1", port=port, path_secret="s3cr3t-path-0123456789", public_url="https://bot.example.org/tg"
    )
    config = bot_config(fake, tmp_path / "state", mode="webhook", webhook=hook)  # type: ignore[operator]
    async with running(build_application(config, engine), config):
        assert fake.webhook["url"] == "https://bot.example.org/tg/s3cr3t-path-0123456789"
        assert fake.webhook["secret_token"] == hook.header_token
        user = fake.user(601)
        update = {"update_id": 1, "message": fake.message(user, "Когда Алиев позвонил Трампу?")}
        url = f"http://127.0.0.1:{port}/{hook.path_secret}"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                assert r.status == 403
            async with http.post(f"http://127.0.0.1:{port}/guess", json=update) as r:
                assert r.status == 404
            since = fake.mark()
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": hook.header_token}) as r:
                assert r.status == 200
        reply = await fake.wait_for("sendMessage", since, chat_id=user["id"])
        assert "25 ноября 2024" in validate_message(reply.text).text
        assert Update.MESSAGE in fake.webhook["allowed_updates"]
