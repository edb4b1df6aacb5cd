"""Bot configuration: a YAML file (path from ``QUOTEBOT_CONFIG``) overlaid by environment variables.

Everything is validated at start; all problems are reported at once, by key, and no message
ever contains a secret's value. Environment variables win over the file::

    TELEGRAM_BOT_TOKEN            token
    QUOTEBOT_TELEGRAM_API_URL     api_url (Bot API server root, default https://api.telegram.org)
    QUOTEBOT_BOT_MODE             mode: polling | webhook
    QUOTEBOT_WEBHOOK_LISTEN       webhook.listen
    QUOTEBOT_WEBHOOK_PORT         webhook.port
    QUOTEBOT_WEBHOOK_PATH_SECRET  webhook.path_secret
    QUOTEBOT_WEBHOOK_PUBLIC_URL   webhook.public_url
    QUOTEBOT_WEBHOOK_SECRET_TOKEN webhook.secret_token
    QUOTEBOT_MODERATORS           moderators (comma-separated user ids)
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from index.errors import QuotebotError

from .strings import LANGS

DEFAULT_API_URL = "https://api.telegram.org"
CONFIG_ENV = "QUOTEBOT_CONFIG"
_TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")

TOP_KEYS = {"token", "api_url", "mode", "polling_timeout", "webhook", "moderators", "rate_limit",
            "feedback_path", "state_dir", "top_k", "language", "log_level", "flood_limits",
            "max_update_age", "chat_backlog"}
WEBHOOK_KEYS = {"listen", "port", "path_secret", "public_url", "secret_token"}
RATE_KEYS = {"burst", "per_minute"}


class BotConfigError(QuotebotError):
    """The bot configuration is invalid; the message lists every problem by key."""


@dataclass(frozen=True)
class WebhookConfig:
    listen: str = "127.0.0.1"
    port: int = 8080
    path_secret: str = field(default="", repr=False)
    public_url: str = ""
    secret_token: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        return f"{self.public_url.rstrip('/')}/{self.path_secret}"

    @property
    def header_token(self) -> str:
        """``X-Telegram-Bot-Api-Secret-Token``: configured, else derived from the path secret."""
        if self.secret_token:
            return self.secret_token
        return hashlib.sha256(f"quotebot-webhook:{self.path_secret}".encode()).hexdigest()[:48]


@dataclass(frozen=True)
class BotConfig:
    token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    mode: str = "polling"
    polling_timeout: int = 30
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    moderators: tuple[int, ...] = ()
    rate_burst: int = 5
    rate_per_minute: float = 20.0
    feedback_path: Path = Path("data/state/feedback.jsonl")
    state_dir: Path = Path("data/state")
    top_k: int = 3
    language: str = "ru"  # the local chat's language
    log_level: str = "INFO"
    flood_limits: bool = True  # throttle to Telegram's documented flood limits
    broadcast_poll: float = 2.0  # seconds between checks for a newly published source
    broadcast_rate: float = 25.0  # digests per second at most (0: only the shared flood limiter)
    max_update_age: float = 300.0  # seconds; older updates are dropped, not answered late (0: never)
    chat_backlog: int = 8  # updates of one chat that may wait while one of its updates runs

    @property
    def base_url(self) -> str:
        """PTB ``base_url``: ``{root}/bot`` + token + ``/{method}`` (official self-hosted layout)."""
        return f"{self.api_url.rstrip('/')}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/file/bot"

    @property
    def views_path(self) -> Path:
        return self.state_dir / "views.sqlite3"

    @property
    def readers_path(self) -> Path:
        """Readers' language choices, subscriptions and broadcast progress."""
        return self.state_dir / "readers.sqlite3"

    @property
    def pending_dir(self) -> Path:
        """Uploads and other moderator actions waiting for confirmation."""
        return self.state_dir / "pending"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value that must never reach a log: the token, the webhook path secret and the header
        token, configured or derived from the path secret (``setWebhook`` sends it)."""
        derived = self.webhook.header_token if self.webhook.path_secret or self.webhook.secret_token else None
        values = (self.token, self.webhook.path_secret, self.webhook.secret_token, derived)
        return tuple(dict.fromkeys(s for s in values if s))


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def fail(self, key: str, problem: str) -> None:
        self.problems.append(f"{key}: {problem}")

    def int_in(self, key: str, value: Any, lo: int, hi: int) -> int | None:
        try:
            n = int(value)
            if isinstance(value, bool) or float(value) != n:
                raise ValueError
        except (TypeError, ValueError):
            self.fail(key, f"must be a whole number, got {value!r}")
            return None
        if not lo <= n <= hi:
            self.fail(key, f"must be between {lo} and {hi}, got {n}")
            return None
        return n

    def number_in(self, key: str, value: Any, lo: float, hi: float) -> float | None:
        try:
            if isinstance(value, bool):
                raise ValueError
            x = float(value)
        except (TypeError, ValueError):
            self.fail(key, f"must be a number, got {value!r}")
            return None
        if not lo <= x <= hi:
            self.fail(key, f"must be between {lo} and {hi}, got {x:g}")
            return None
        return x

    def url(self, key: str, value: Any, schemes: tuple[str, ...]) -> str | None:
        if not isinstance(value, str) or not value:
            self.fail(key, "must be a URL string")
            return None
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not parsed.netloc:
            self.fail(key, f"must be an {' or '.join(schemes)} URL with a host, got {value!r}")
            return None
        return value.rstrip("/")

    def unknown(self, prefix: str, mapping: Mapping[str, Any], known: set[str]) -> None:
        for key in sorted(set(mapping) - known):
            self.fail(f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})")

    def raise_if_any(self) -> None:
        if self.problems:
            lines = "\n  - ".join(self.problems)
            raise BotConfigError(f"invalid bot configuration ({self.where}):\n  - {lines}")


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BotConfigError(f"bot config file not found: {path} (set {CONFIG_ENV} or pass --config)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BotConfigError(f"cannot read bot config {path}: {exc.__class__.__name__}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise BotConfigError(f"bot config {path} is not valid YAML{at}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise BotConfigError(f"bot config {path} must be a mapping of keys, got {type(raw).__name__}")
    return raw


def _overlay_env(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    merged = dict(raw)
    simple = {"TELEGRAM_BOT_TOKEN": "token", "QUOTEBOT_TELEGRAM_API_URL": "api_url", "QUOTEBOT_BOT_MODE": "mode"}
    for var, key in simple.items():
        if env.get(var):
            merged[key] = env[var]
    hooks = {"QUOTEBOT_WEBHOOK_LISTEN": "listen", "QUOTEBOT_WEBHOOK_PORT": "port",
             "QUOTEBOT_WEBHOOK_PATH_SECRET": "path_secret", "QUOTEBOT_WEBHOOK_PUBLIC_URL": "public_url",
             "QUOTEBOT_WEBHOOK_SECRET_TOKEN": "secret_token"}
    from_env = {key: env[var] for var, key in hooks.items() if env.get(var)}
    file_hook = merged.get("webhook")
    if from_env and (file_hook is None or isinstance(file_hook, dict)):
        merged["webhook"] = {**(file_hook or {}), **from_env}
    mods = env.get("QUOTEBOT_MODERATORS", "").strip()
    if mods:
        merged["moderators"] = [x.strip() for x in mods.split(",") if x.strip()]
    return merged


def load_config(path: str | Path | None, data_dir: Path, env: Mapping[str, str] | None = None) -> BotConfig:
    """Read ``path`` (or ``$QUOTEBOT_CONFIG``; no file is fine), overlay the environment, validate."""
    env = os.environ if env is None else env
    chosen = path or env.get(CONFIG_ENV) or None
    raw = _read_file(Path(chosen)) if chosen else {}
    where = str(chosen) if chosen else "environment"
    check = _Checker(where)
    check.unknown("", raw, TOP_KEYS)
    merged = _overlay_env(raw, env)

    token = merged.get("token")
    if token in ("", None):
        token = None
    elif not isinstance(token, str) or not _TOKEN_SHAPE.match(token.strip()):
        check.fail("token", "does not look like a bot token (digits, a colon, then 20+ characters of "
                            "letters, digits, _ or -); the value is not shown")
        token = None
    else:
        token = token.strip()

    api_url = check.url("api_url", merged.get("api_url", DEFAULT_API_URL), ("http", "https")) or DEFAULT_API_URL

    mode = merged.get("mode", "polling")
    if mode not in ("polling", "webhook"):
        check.fail("mode", f"must be 'polling' or 'webhook', got {mode!r}")
        mode = "polling"
    polling_timeout = check.int_in("polling_timeout", merged.get("polling_timeout", 30), 0, 300)

    webhook = WebhookConfig()
    raw_hook = merged.get("webhook")
    if raw_hook is not None and not isinstance(raw_hook, dict):
        check.fail("webhook", "must be a mapping (listen, port, path_secret, public_url, secret_token)")
    elif isinstance(raw_hook, dict):
        check.unknown("webhook.", raw_hook, WEBHOOK_KEYS)
        listen = raw_hook.get("listen", webhook.listen)
        if not isinstance(listen, str) or not listen:
            check.fail("webhook.listen", "must be an address such as 127.0.0.1 or 0.0.0.0")
            listen = webhook.listen
        port = check.int_in("webhook.port", raw_hook.get("port", webhook.port), 1, 65535) or webhook.port
        path_secret = str(raw_hook.get("path_secret") or "")
        secret_token = str(raw_hook.get("secret_token") or "")
        public_url = raw_hook.get("public_url") or ""
        if public_url:
            public_url = check.url("webhook.public_url", public_url, ("https", "http")) or ""
        if path_secret and not _SECRET_SHAPE.match(path_secret):
            check.fail("webhook.path_secret", "must be 16-256 characters of letters, digits, _ or - "
                                              "(the value is not shown)")
        if secret_token and not _SECRET_SHAPE.match(secret_token):
            check.fail("webhook.secret_token", "must be 16-256 characters of letters, digits, _ or - "
                                               "(the value is not shown)")
        webhook = WebhookConfig(listen, port, path_secret, public_url, secret_token)
    if mode == "webhook" and token:
        if not webhook.public_url:
            check.fail("webhook.public_url", "is required in webhook mode (the https URL Telegram posts to)")
        if not webhook.path_secret:
            check.fail("webhook.path_secret", "is required in webhook mode (set QUOTEBOT_WEBHOOK_PATH_SECRET)")

    moderators: list[int] = []
    raw_mods = merged.get("moderators") or []
    if not isinstance(raw_mods, list):
        check.fail("moderators", "must be a list of Telegram user ids")
    else:
        for item in raw_mods:
            n = check.int_in("moderators", item, 1, 2**53)
            if n is not None:
                moderators.append(n)

    rate = merged.get("rate_limit") or {}
    burst, per_minute = 5, 20.0
    if not isinstance(rate, dict):
        check.fail("rate_limit", "must be a mapping with burst and per_minute")
    else:
        check.unknown("rate_limit.", rate, RATE_KEYS)
        burst = check.int_in("rate_limit.burst", rate.get("burst", burst), 1, 1000) or burst
        per_minute = check.number_in("rate_limit.per_minute", rate.get("per_minute", per_minute), 0.1, 6000) \
            or per_minute

    state_dir = Path(str(merged.get("state_dir") or data_dir / "state"))
    feedback_path = Path(str(merged.get("feedback_path") or state_dir / "feedback.jsonl"))
    top_k = check.int_in("top_k", merged.get("top_k", 3), 1, 10) or 3
    language = merged.get("language", "ru")
    if language not in LANGS:
        check.fail("language", f"must be one of {', '.join(LANGS)}, got {language!r}")
        language = "ru"
    log_level = str(merged.get("log_level", "INFO")).upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        check.fail("log_level", f"must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
        log_level = "INFO"
    flood = merged.get("flood_limits", True)
    if not isinstance(flood, bool):
        check.fail("flood_limits", f"must be true or false, got {flood!r}")
        flood = True

    max_update_age = check.number_in("max_update_age", merged.get("max_update_age", 300), 0, 7 * 86400)
    chat_backlog = check.int_in("chat_backlog", merged.get("chat_backlog", 8), 0, 1000)

    check.raise_if_any()
    return BotConfig(
        token=token, api_url=api_url, mode=mode, webhook=webhook,
        polling_timeout=30 if polling_timeout is None else polling_timeout,
        moderators=tuple(moderators), rate_burst=burst, rate_per_minute=per_minute,
        max_update_age=300.0 if max_update_age is None else max_update_age,
        chat_backlog=8 if chat_backlog is None else chat_backlog,
        feedback_path=feedback_path, state_dir=state_dir, top_k=top_k, language=language,
        log_level=log_level, flood_limits=flood,
    )
