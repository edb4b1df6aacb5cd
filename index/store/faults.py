"""Named steps of the write path, where tests inject a crash, an error or a delay.

Every step that changes what a reader or the next writer sees (a file written, fsynced or renamed,
the journal, ``CURRENT``, the registry, a pruned version, an audit line) calls :func:`point` with
its name. In production that costs one environment lookup per step. Crash-point tests in the
manner of SQLite's crash tests and ALICE run an operation once to record its steps
(:func:`recording`), then once per step with a crash there, and check what readers see.

``QUOTEBOT_FAULT`` (read at every step, so a test can set it in a child process) holds
``;``-separated rules ``STEP[#N]=ACTION``:

* ``STEP`` is a step name, a prefix ending in ``*`` (``publish.*``) or ``*`` for every step;
* ``#N`` fires only at the N-th step the rule matches in this process (1-based), else at each;
* ``ACTION`` is ``kill`` (SIGKILL to itself: a ``kill -9`` at exactly that step), ``exit``
  (``os._exit(137)``), ``oserror[:ERRNO]`` (raise, default ENOSPC: a full disk), ``sleep:SECONDS``
  (widens the window for races) or ``stop`` (SIGSTOP: the parent kills it when it likes).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ENV = "QUOTEBOT_FAULT"

Handler = Callable[[str], None]
_handlers: list[Handler] = []
_counts: dict[str, int] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Rule:
    pattern: str
    nth: int | None
    action: str

    def matches(self, step: str) -> bool:
        if self.pattern.endswith("*"):
            return step.startswith(self.pattern[:-1])
        return step == self.pattern


def parse(spec: str) -> list[Rule]:
    """``QUOTEBOT_FAULT`` → rules; a malformed rule raises ValueError (a test typo must not pass)."""
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        where, sep, action = part.partition("=")
        if not sep or not action:
            raise ValueError(f"{ENV}: rule {part!r} needs STEP=ACTION")
        pattern, _, nth = where.partition("#")
        rules.append(Rule(pattern.strip(), int(nth) if nth else None, action.strip()))
    return rules


def point(step: str) -> None:
    """A write step is about to be taken: run the injected faults (a crash here leaves the state
    of just before the step; an OSError here is the step failing)."""
    for handler in list(_handlers):
        handler(step)
    spec = os.environ.get(ENV)
    if not spec:
        return
    for i, rule in enumerate(parse(spec)):
        if not rule.matches(step):
            continue
        with _lock:
            key = f"{i}:{rule.pattern}"
            _counts[key] = _counts.get(key, 0) + 1
            seen = _counts[key]
        if rule.nth is None or rule.nth == seen:
            _act(rule.action, step)


def _act(action: str, step: str) -> None:
    name, _, arg = action.partition(":")
    if name == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(60)  # never reached: SIGKILL cannot be handled
    elif name == "exit":
        os._exit(137)
    elif name == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
    elif name == "oserror":
        code = int(arg) if arg else errno.ENOSPC
        raise OSError(code, f"{os.strerror(code)} (injected at {step})")
    elif name == "sleep":
        time.sleep(float(arg or "0.1"))
    else:
        raise ValueError(f"{ENV}: unknown action {action!r}")


@contextlib.contextmanager
def injected(handler: Handler) -> Iterator[None]:
    """Call ``handler(step)`` at every step inside the block (in this process, any thread)."""
    _handlers.append(handler)
    try:
        yield
    finally:
        _handlers.remove(handler)


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """The names of the steps taken inside the block, in order."""
    steps: list[str] = []
    with injected(steps.append):
        yield steps


def fail_at(step: str, exc: BaseException | None = None, *, nth: int = 1) -> contextlib.AbstractContextManager[None]:
    """Raise ``exc`` (default: ENOSPC) at the ``nth`` time ``step`` (or a ``prefix*``) is reached."""
    rule = Rule(step, nth, "oserror")
    seen = 0

    def handler(name: str) -> None:
        nonlocal seen
        if rule.matches(name):
            seen += 1
            if seen == nth:
                raise exc if exc is not None else OSError(errno.ENOSPC, f"No space left on device (injected at {name})")

    return injected(handler)
