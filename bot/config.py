"""Bot configuration: a YAML file (path from ``--config`` or ``QUOTEBOT_CONFIG``) overlaid by
environment variables, validated by one pydantic model.

Everything is validated at start; all problems are reported at once, by key, and no message
ever contains a given value (it may be a secret): ``index.config.describe_errors`` words them.
Environment variables win over the file::

    TELEGRAM_BOT_TOKEN            token
    QUOTEBOT_TELEGRAM_API_URL     api_url (Bot API server root, default https://api.telegram.org)
    QUOTEBOT_BOT_MODE             mode: polling | webhook
    QUOTEBOT_WEBHOOK_LISTEN       webhook.listen
    QUOTEBOT_WEBHOOK_PORT         webhook.port
    QUOTEBOT_WEBHOOK_PATH_SECRET  webhook.path_secret
    QUOTEBOT_WEBHOOK_PUBLIC_URL   webhook.public_url
    QUOTEBOT_WEBHOOK_SECRET_TOKEN webhook.secret_token
    QUOTEBOT_MODERATORS           moderators (comma-separated user ids)

The index's settings (data and state directories, model, encoder) are ``index.Settings``, read
from the environment once by the command line; this file holds only what the Telegram edge needs.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

import yaml
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from index.config import describe_errors
from index.errors import QuotebotError

from .strings import LANGS

DEFAULT_API_URL = "https://api.telegram.org"
CONFIG_ENV = "QUOTEBOT_CONFIG"
_TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
_SECRET = r"^[A-Za-z0-9_-]{16,256}$"
_SECRET_RULE = "must be 16-256 characters of letters, digits, _ or - (the value is not shown)"

#: environment variable -> key of the file (``webhook.`` keys go into the ``webhook`` mapping)
ENV_KEYS = {
    "TELEGRAM_BOT_TOKEN": "token",
    "QUOTEBOT_TELEGRAM_API_URL": "api_url",
    "QUOTEBOT_BOT_MODE": "mode",
    "QUOTEBOT_WEBHOOK_LISTEN": "webhook.listen",
    "QUOTEBOT_WEBHOOK_PORT": "webhook.port",
    "QUOTEBOT_WEBHOOK_PATH_SECRET": "webhook.path_secret",
    "QUOTEBOT_WEBHOOK_PUBLIC_URL": "webhook.public_url",
    "QUOTEBOT_WEBHOOK_SECRET_TOKEN": "webhook.secret_token",
    "QUOTEBOT_MODERATORS": "moderators",
}
#: the file's ``rate_limit`` mapping -> fields
RATE_KEYS = {"burst": "rate_burst", "per_minute": "rate_per_minute"}


class BotConfigError(QuotebotError):
    """The bot configuration is invalid; the message lists every problem by key."""


def _http_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("must be an http or https URL with a host")
    return value.rstrip("/")


def _optional_http_url(value: str) -> str:
    return _http_url(value) if value else ""


def _token(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not _TOKEN_SHAPE.match(value):
        raise ValueError(
            "does not look like a bot token (digits, a colon, then 20+ characters of letters, "
            "digits, _ or -); the value is not shown"
        )
    return value


def _secret(value: str) -> str:
    if value and not re.match(_SECRET, value):
        raise ValueError(_SECRET_RULE)
    return value


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _language(value: str) -> str:
    if value not in LANGS:
        raise ValueError(f"must be one of {', '.join(LANGS)}")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
Secret = Annotated[str, AfterValidator(_secret)]
_STRICT = ConfigDict(extra="forbid", hide_input_in_errors=True)


@dataclass(frozen=True, config=_STRICT)
class WebhookConfig:
    listen: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    path_secret: Secret = field(default="", repr=False)
    public_url: Annotated[str, AfterValidator(_optional_http_url)] = ""
    secret_token: Secret = field(default="", repr=False)

    @property
    def url(self) -> str:
        return f"{self.public_url.rstrip('/')}/{self.path_secret}"

    @property
    def header_token(self) -> str:
        """``X-Telegram-Bot-Api-Secret-Token``: configured, else derived from the path secret."""
        if self.secret_token:
            return self.secret_token
        return hashlib.sha256(f"quotebot-webhook:{self.path_secret}".encode()).hexdigest()[:48]


@dataclass(frozen=True, config=_STRICT)
class BotConfig:
    token: Annotated[str | None, AfterValidator(_token)] = field(default=None, repr=False)
    api_url: HttpUrl = DEFAULT_API_URL
    mode: Literal["polling", "webhook"] = "polling"
    polling_timeout: Annotated[int, Field(ge=0, le=300)] = 30
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    moderators: tuple[Annotated[int, Field(ge=1, le=2**53)], ...] = ()
    rate_burst: Annotated[int, Field(ge=1, le=1000)] = 5
    rate_per_minute: Annotated[float, Field(ge=0.1, le=6000)] = 20.0
    feedback_path: Path = Path("data/state/feedback.jsonl")
    state_dir: Path = Path("data/state")
    top_k: Annotated[int, Field(ge=1, le=10)] = 3
    language: Annotated[str, AfterValidator(_language)] = "ru"  # the local chat's language
    log_level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(_upper)] = "INFO"
    flood_limits: bool = True  # throttle to Telegram's documented flood limits
    broadcast_poll: Annotated[float, Field(gt=0)] = 2.0  # seconds between checks for a newly published source
    broadcast_rate: Annotated[float, Field(ge=0)] = 25.0  # digests per second at most (0: only the flood limiter)
    #: seconds; older updates are dropped, not answered late (0: never)
    max_update_age: Annotated[float, Field(ge=0, le=7 * 86400)] = 300.0
    chat_backlog: Annotated[int, Field(ge=0, le=1000)] = 8  # updates of one chat that may wait while one runs

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


_VALIDATE = TypeAdapter(BotConfig)


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


def _fields(raw: dict[str, Any], env: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    """The file's keys overlaid by the environment, in the shape of ``BotConfig``'s fields."""
    merged = dict(raw)
    for var, key in ENV_KEYS.items():
        value = env.get(var, "").strip()
        if not value:
            continue
        if key == "moderators":
            merged[key] = [x.strip() for x in value.split(",") if x.strip()]
        elif key.startswith("webhook."):
            hook = merged.get("webhook")
            if hook is None or isinstance(hook, dict):
                merged["webhook"] = {**(hook or {}), key.removeprefix("webhook."): value}
        else:
            merged[key] = value
    rate = merged.pop("rate_limit", None) or {}
    if not isinstance(rate, dict):
        problems.append("rate_limit: must be a mapping with burst and per_minute")
    else:
        for key in sorted(set(rate) - set(RATE_KEYS)):
            problems.append(f"rate_limit.{key}: unknown key (known: {', '.join(sorted(RATE_KEYS))})")
        merged.update({RATE_KEYS[k]: v for k, v in rate.items() if k in RATE_KEYS})
    if merged.get("moderators") is None:
        merged.pop("moderators", None)
    elif isinstance(merged["moderators"], list):
        merged["moderators"] = tuple(merged["moderators"])
    for key in ("token", "webhook"):
        if merged.get(key) is None:
            merged.pop(key, None)
    return merged


def _webhook_mode_problems(fields: Mapping[str, Any]) -> list[str]:
    """What webhook mode needs beyond valid values (checked on the given values, so that these are
    reported together with any invalid one)."""
    hook = fields.get("webhook")
    hook = hook if isinstance(hook, dict) else {}
    if fields.get("mode") != "webhook" or not fields.get("token"):
        return []
    problems = []
    if not hook.get("public_url"):
        problems.append("webhook.public_url: is required in webhook mode (the https URL Telegram posts to)")
    if not hook.get("path_secret"):
        problems.append("webhook.path_secret: is required in webhook mode (set QUOTEBOT_WEBHOOK_PATH_SECRET)")
    return problems


def load_config(path: str | Path | None, data_dir: Path, env: Mapping[str, str] | None = None) -> BotConfig:
    """Read ``path`` (or ``$QUOTEBOT_CONFIG``; no file is fine), overlay the environment, validate.
    The state directory defaults to ``data_dir/state``."""
    env = os.environ if env is None else env
    chosen = path or env.get(CONFIG_ENV) or None
    raw = _read_file(Path(chosen)) if chosen else {}
    problems: list[str] = []
    fields = _fields(raw, env, problems)
    if not fields.get("state_dir"):
        fields["state_dir"] = data_dir / "state"
    fields["feedback_path"] = fields.get("feedback_path") or Path(str(fields["state_dir"])) / "feedback.jsonl"
    config: BotConfig | None = None
    try:
        config = _VALIDATE.validate_python(fields)
    except ValidationError as exc:
        problems += describe_errors(exc, {v: f"rate_limit.{k}" for k, v in RATE_KEYS.items()})
    problems += _webhook_mode_problems(fields)
    if problems or config is None:
        lines = "\n  - ".join(problems)
        raise BotConfigError(f"invalid bot configuration ({chosen or 'environment'}):\n  - {lines}")
    return config
