"""Secrets never reach the logs; Bot API failures are retried or given up on, as documented."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot import redact
from bot.telegram_io import ResilientLimiter

TOKEN = "987654321:AAHsecretsecretsecretsecretsecret_abc"


def test_token_is_redacted_from_messages_args_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    redact.install([TOKEN])
    log = logging.getLogger("quotebot.test")
    with caplog.at_level(logging.DEBUG):
        log.info("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
        log.debug("other token-shaped thing 5555555:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB here")
        try:
            raise RuntimeError(f"failed url https://x/bot{TOKEN}/getMe")
        except RuntimeError:
            log.exception("boom")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert TOKEN not in text and "BBBBBBBBBBBBBBBB" not in text
    assert text.count(redact.MASK) >= 3
    assert redact.redact(f"x {TOKEN} y") == f"x {redact.MASK} y"


class Flaky:
    """A request callback failing with the given errors first, then succeeding."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def run(limiter: ResilientLimiter, cb: Flaky, endpoint: str = "sendMessage") -> Any:
    return await limiter.process_request(cb, (), {}, endpoint, {"chat_id": 1}, None)


async def test_retry_after_is_honoured() -> None:
    limiter = ResilientLimiter(flood_limits=False, max_retries=2)
    cb = Flaky(RetryAfter(0), RetryAfter(0))
    assert await run(limiter, cb) == {"ok": True} and cb.calls == 3
    with pytest.raises(RetryAfter):
        await run(limiter, Flaky(RetryAfter(0), RetryAfter(0), RetryAfter(0)))
    with pytest.raises(RetryAfter):  # too long to wait: skip instead of hanging the update
        await run(ResilientLimiter(flood_limits=False, max_wait=5), Flaky(RetryAfter(3600)))


async def test_server_errors_retried_timeouts_only_when_safe() -> None:
    limiter = ResilientLimiter(flood_limits=False, network_retries=2, backoff=0.001)
    cb = Flaky(NetworkError("Bad Gateway"), NetworkError("Internal Server Error (500)"))
    assert await run(limiter, cb) == {"ok": True} and cb.calls == 3
    with pytest.raises(TimedOut):  # a timed-out sendMessage may have been delivered: no duplicate
        await run(limiter, Flaky(TimedOut()))
    cb = Flaky(TimedOut())
    assert await run(limiter, cb, "answerCallbackQuery") == {"ok": True} and cb.calls == 2
    cb = Flaky(BadRequest("can't parse entities"))
    with pytest.raises(BadRequest):
        await run(limiter, cb)
    assert cb.calls == 1
    with pytest.raises(NetworkError):
        await run(limiter, Flaky(*[NetworkError("down")] * 3))


async def test_flood_limiter_path() -> None:
    limiter = ResilientLimiter(flood_limits=True)
    await limiter.initialize()
    cb = Flaky()
    assert await run(limiter, cb) == {"ok": True}
    assert await run(limiter, cb, "sendChatAction") == {"ok": True}
    await limiter.shutdown()
