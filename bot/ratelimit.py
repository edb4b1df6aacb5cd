"""Per-user rate limit (a token bucket per user id) with one polite notice per burst."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRACKED = 10_000


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    notify: bool  # True once, on the first refused request of a burst


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    notified: bool = False


class UserRateLimiter:
    """Allows ``burst`` requests at once and ``per_minute`` sustained, per user."""

    def __init__(self, burst: int, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("burst must be >= 1 and per_minute > 0")
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> Decision:
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_full(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.notified = False
            return Decision(True, False)
        notify = not bucket.notified
        bucket.notified = True
        return Decision(False, notify)

    def _forget_full(self, now: float) -> None:
        full = [uid for uid, b in self._buckets.items() if b.tokens + (now - b.stamp) * self.rate >= self.burst]
        for uid in full:
            del self._buckets[uid]
        if len(self._buckets) >= MAX_TRACKED:  # still full of active users: drop the oldest
            for uid in sorted(self._buckets, key=lambda u: self._buckets[u].stamp)[: MAX_TRACKED // 10]:
                del self._buckets[uid]
