"""Figures for ``/status``: questions answered and declined since start, reply latency."""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass

WINDOW = 1000  # latencies kept for the median


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    answered: int
    declined: int
    p50_seconds: float | None
    since: float  # time.time() at start


class AnswerStats:
    """Thread-safe counters; latency is from the question's arrival to the reply being sent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answered = 0
        self._declined = 0
        self._latencies: deque[float] = deque(maxlen=WINDOW)
        self._since = time.time()

    def record(self, answered: bool, seconds: float) -> None:
        with self._lock:
            if answered:
                self._answered += 1
            else:
                self._declined += 1
            self._latencies.append(seconds)

    def snapshot(self) -> StatsSnapshot:
        with self._lock:
            p50 = statistics.median(self._latencies) if self._latencies else None
            return StatsSnapshot(self._answered, self._declined, p50, self._since)
