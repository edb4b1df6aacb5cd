"""The fair update processor: chats take turns, a chat's backlog is bounded, stale updates are
dropped, and an update waiting on Telegram's send limits gives its slot to someone else."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from bot.fairness import FairUpdateProcessor, chat_key, leave_slot
from bot.telegram_io import ResilientLimiter, group_of

NOW = 1_700_000_000.0


def update(update_id: int, chat_id: int, sent: float = NOW) -> Update:
    chat = Chat(chat_id, "private" if chat_id > 0 else "supergroup")
    user = User(abs(chat_id), "U", False)
    message = Message(update_id, datetime.fromtimestamp(sent, UTC), chat, from_user=user, text="q")
    return Update(update_id, message=message)


class Work:
    """Handler bodies the test controls: each records when it starts and waits for its gate."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.gates: dict[int, asyncio.Event] = {}
        self.never_run: list[Any] = []

    def body(self, update_id: int, leave: bool = False) -> Any:
        gate = self.gates.setdefault(update_id, asyncio.Event())

        async def run() -> None:
            self.started.append(update_id)
            if leave:
                assert leave_slot()
                assert not leave_slot()  # idempotent
            await gate.wait()

        return run()

    def open(self, *update_ids: int) -> None:
        for u in update_ids:
            self.gates.setdefault(u, asyncio.Event()).set()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_update_per_chat_in_order_and_chats_take_turns() -> None:
    proc, work = FairUpdateProcessor(slots=2, chat_backlog=8, clock=lambda: NOW), Work()
    group = [asyncio.create_task(proc.process_update(update(i, -100), work.body(i))) for i in range(1, 5)]
    private = asyncio.create_task(proc.process_update(update(10, 7), work.body(10)))
    await settle()
    assert work.started == [1, 10]  # the group's 2nd update waits for the 1st; the private user gets the other slot
    work.open(1)
    await settle()
    assert work.started == [1, 10, 2]
    work.open(10, 2, 3, 4)
    await asyncio.gather(*group, private)
    assert work.started == [1, 10, 2, 3, 4] and proc.pending == 0 and proc.working == 0


async def test_backlog_over_the_limit_is_dropped_with_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    proc, work = FairUpdateProcessor(slots=4, chat_backlog=2, clock=lambda: NOW), Work()
    with caplog.at_level(logging.WARNING, logger="bot.fairness"):
        tasks = [asyncio.create_task(proc.process_update(update(i, -100), work.body(i))) for i in range(1, 8)]
        await settle()
        assert work.started == [1] and proc.dropped["backlog"] == 4  # 1 running + 2 waiting; 4 dropped
        work.open(*range(1, 8))
        await asyncio.gather(*tasks)
    assert work.started == [1, 2, 3]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2  # the first drop, then the total once the chat is idle
    assert "dropped update 4 of chat -100" in lines[0] and "4 updates dropped in all (backlog)" in lines[1]


async def test_stale_updates_are_dropped_when_their_turn_comes(caplog: pytest.LogCaptureFixture) -> None:
    clock = [NOW]
    proc, work = FairUpdateProcessor(slots=1, chat_backlog=8, max_age=60, clock=lambda: clock[0]), Work()
    with caplog.at_level(logging.WARNING, logger="bot.fairness"):
        old = asyncio.create_task(proc.process_update(update(1, 5, sent=NOW - 3600), work.body(1)))
        fresh = asyncio.create_task(proc.process_update(update(2, 6), work.body(2)))
        await settle()
        assert work.started == [2] and proc.dropped["stale"] == 1
        later = asyncio.create_task(proc.process_update(update(3, 6), work.body(3)))  # waits behind 2 …
        await settle()
        clock[0] = NOW + 61  # … for longer than max_age
        work.open(2, 3)
        await asyncio.gather(old, fresh, later)
    assert work.started == [2] and proc.dropped["stale"] == 2
    assert "3600 s old, over max_update_age 60 s" in caplog.text


async def test_leaving_the_slot_lets_another_chat_work() -> None:
    proc, work = FairUpdateProcessor(slots=1, clock=lambda: NOW), Work()
    group = asyncio.create_task(proc.process_update(update(1, -100), work.body(1, leave=True)))
    private = asyncio.create_task(proc.process_update(update(2, 7), work.body(2)))
    await settle()
    assert work.started == [1, 2] and proc.working == 1  # the group's update waits outside the slot
    group_next = asyncio.create_task(proc.process_update(update(3, -100), work.body(3)))
    await settle()
    assert work.started == [1, 2]  # but it still holds its chat's turn
    work.open(1, 2, 3)
    await asyncio.gather(group, private, group_next)
    assert work.started == [1, 2, 3] and proc.working == 0


async def test_total_pending_is_bounded() -> None:
    proc, work = FairUpdateProcessor(slots=1, chat_backlog=1, max_pending=3, clock=lambda: NOW), Work()
    tasks = [asyncio.create_task(proc.process_update(update(i, i), work.body(i))) for i in range(1, 6)]
    await settle()
    assert proc.pending == 3 and proc.dropped["pending"] == 2
    work.open(*range(1, 6))
    await asyncio.gather(*tasks)
    assert sorted(work.started) == [1, 2, 3]


def test_chat_key_and_group_detection() -> None:
    assert chat_key(update(1, -100)) == ("chat", -100)
    assert chat_key(object()) == ("other", 0)
    assert group_of({"chat_id": -100}) == -100 and group_of({"chat_id": "@channel"}) == "@channel"
    assert group_of({"chat_id": 5}) is None and group_of({}) is None and group_of({"chat_id": "-7"}) == -7


async def test_limiter_gives_up_the_slot_for_group_sends_only() -> None:
    limiter = ResilientLimiter(flood_limits=True)
    await limiter.initialize()
    proc, seen = FairUpdateProcessor(slots=2, clock=lambda: NOW), []

    async def send(chat_id: int, endpoint: str) -> None:
        async def cb(*args: Any, **kwargs: Any) -> dict[str, Any]:
            seen.append((chat_id, endpoint, proc.working))
            return {"ok": True}

        await limiter.process_request(cb, (), {}, endpoint, {"chat_id": chat_id}, None)

    await proc.process_update(update(1, 7), send(7, "sendMessage"))
    await proc.process_update(update(2, -100), send(-100, "sendChatAction"))
    await proc.process_update(update(3, -100), send(-100, "sendMessage"))
    assert seen == [(7, "sendMessage", 1), (-100, "sendChatAction", 1), (-100, "sendMessage", 0)]
    await limiter.shutdown()


async def test_a_groups_429_pauses_that_group_only() -> None:
    from telegram.error import RetryAfter

    limiter = ResilientLimiter(flood_limits=False)
    calls: list[int] = []

    async def flood_once(chat_id: int) -> None:
        failed = [False]

        async def cb(*args: Any, **kwargs: Any) -> dict[str, Any]:
            calls.append(chat_id)
            if chat_id < 0 and not failed[0]:
                failed[0] = True
                raise RetryAfter(30)
            return {"ok": True}

        await limiter.process_request(cb, (), {}, "sendMessage", {"chat_id": chat_id}, None)

    group = asyncio.create_task(flood_once(-100))
    await settle()
    await asyncio.wait_for(flood_once(7), 5)  # not paused behind the group's 30 s
    assert calls == [-100, 7] and not group.done()
    group.cancel()
