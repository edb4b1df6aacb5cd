"""Keep secrets (the bot token above all) out of every log line and error message.

:func:`install` wraps the logging record factory, so it applies to every logger and handler
(PTB logs the API URL, which contains the token, at DEBUG; httpx logs request URLs at INFO).
Anything shaped like a bot token is redacted too, even if it is not the configured one.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any

_TOKEN_LIKE = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,100}")
_secrets: set[str] = set()
_installed = False
MASK = "<redacted>"


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _TOKEN_LIKE.sub(MASK, text)


def add_secrets(secrets: Iterable[str | None]) -> None:
    _secrets.update(s for s in secrets if s and len(s) >= 6)


def install(secrets: Iterable[str | None] = ()) -> None:
    """Register ``secrets`` and (once per process) the redacting record factory."""
    global _installed
    add_secrets(secrets)
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
        return record

    logging.setLogRecordFactory(factory)
    # httpx logs every request URL (with the token) at INFO; we only want its warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _installed = True
