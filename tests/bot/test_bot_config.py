"""Config loading: YAML + environment, validation messages, secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, BotConfigError, load_config

TOKEN = "123456789:AAHsecretsecretsecretsecretsecret_xyz"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_env(tmp_path: Path) -> None:
    cfg = load_config(None, tmp_path, env={})
    assert cfg.token is None and cfg.mode == "polling" and cfg.api_url == DEFAULT_API_URL
    assert cfg.feedback_path == tmp_path / "state" / "feedback.jsonl"
    assert cfg.base_url == "https://api.telegram.org/bot"
    assert cfg.base_file_url == "https://api.telegram.org/file/bot"
    assert cfg.top_k == 3 and cfg.moderators == ()


def test_file_then_env_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
token: "{TOKEN}"
api_url: http://127.0.0.1:8081/
mode: webhook
webhook: {{listen: 0.0.0.0, port: 8443, public_url: "https://bot.example.org/tg"}}
moderators: [1, 2]
rate_limit: {{burst: 2, per_minute: 10}}
top_k: 5
""",
    )
    env = {
        "QUOTEBOT_WEBHOOK_PATH_SECRET": "p" * 20,
        "QUOTEBOT_MODERATORS": "10, 20,30",
        "QUOTEBOT_TELEGRAM_API_URL": "http://localhost:9000",
    }
    cfg = load_config(path, tmp_path, env=env)
    assert cfg.token == TOKEN and cfg.api_url == "http://localhost:9000"
    assert cfg.base_url == "http://localhost:9000/bot" and cfg.base_file_url == "http://localhost:9000/file/bot"
    assert cfg.mode == "webhook" and cfg.webhook.port == 8443 and cfg.webhook.listen == "0.0.0.0"
    assert cfg.webhook.url == "https://bot.example.org/tg/" + "p" * 20
    assert len(cfg.webhook.header_token) == 48
    assert cfg.moderators == (10, 20, 30) and cfg.rate_burst == 2 and cfg.top_k == 5
    assert TOKEN not in repr(cfg) and "p" * 20 not in repr(cfg)


def test_config_path_from_env(tmp_path: Path) -> None:
    path = write(tmp_path, "top_k: 4\n")
    assert load_config(None, tmp_path, env={"QUOTEBOT_CONFIG": str(path)}).top_k == 4


def test_all_problems_reported_without_secrets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
token: "not-a-token-but-secret-ish-value"
mode: carrier_pigeon
webhook: {port: 99999, path_secret: "short", colour: red}
rate_limit: {burst: 0}
top_k: 0
moderators: [abc]
unknown_thing: 1
""",
    )
    with pytest.raises(BotConfigError) as err:
        load_config(path, tmp_path, env={})
    msg = str(err.value)
    for key in (
        "token:",
        "mode:",
        "webhook.port:",
        "webhook.path_secret:",
        "webhook.colour:",
        "rate_limit.burst:",
        "top_k:",
        "moderators:",
        "unknown_thing:",
    ):
        assert key in msg, key
    assert "not-a-token-but-secret-ish-value" not in msg
    assert "'short'" not in msg


def test_webhook_mode_needs_url_and_secret(tmp_path: Path) -> None:
    with pytest.raises(BotConfigError, match=r"webhook.public_url.*\n.*webhook.path_secret"):
        load_config(None, tmp_path, env={"TELEGRAM_BOT_TOKEN": TOKEN, "QUOTEBOT_BOT_MODE": "webhook"})


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("token: [1, 2]\n", "token"),
        (": : :\n", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping"),
        ("api_url: ftp://x\n", "api_url"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(BotConfigError, match=error):
        load_config(write(tmp_path, text), tmp_path, env={})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BotConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml", tmp_path, env={})
