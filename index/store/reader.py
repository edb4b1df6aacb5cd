"""How readers (``quotebot ask``, the bot, replicas) get a whole published version.

A reader never takes the writer lock and never repairs anything. It reads ``CURRENT``, then loads
that version after checking its files against the manifest. What a writer is doing at that
moment must never turn into an empty answer:

* a read that fails (the version was pruned in between, an ``OSError`` under pressure) is
  retried with ``CURRENT`` read again, for up to ``wait`` seconds;
* a version whose files do not match its manifest is refused; the reader falls back to its
  newest intact ancestor and says so in the log;
* when nothing whole can be read in time, :class:`IndexUnavailableError` says why. The caller
  reports an error, never "not covered".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from ..errors import IndexCorruptError, IndexMissingError, IndexUnavailableError, ManifestMismatchError
from .versions import IndexStore

log = logging.getLogger("quotebot.reader")
T = TypeVar("T")

#: Seconds a reader keeps retrying before it reports the index unavailable.
READ_WAIT = 15.0


def open_current(
    store: IndexStore, load: Callable[[str], T], *, wait: float = READ_WAIT, sleep: Callable[[float], None] = time.sleep
) -> T:
    """``load(version)`` of the published version (or, if it is corrupt, of its newest intact
    ancestor). Raises IndexMissingError when nothing was ever published,
    IndexUnavailableError when no whole version could be read within ``wait``,
    ManifestMismatchError at once (retrying cannot fix a model mismatch)."""
    deadline = time.monotonic() + wait
    delay = 0.05
    last: Exception | None = None
    version: str | None = None
    while True:
        try:
            version = store.current()
            if version is None:
                raise IndexMissingError(f"no published index under {store.root}; build one with `quotebot index build`")
            try:
                return load(version)
            except IndexCorruptError as exc:
                if store.current() != version:  # a writer moved on meanwhile: read the new one
                    last = exc
                    continue
                return _load_ancestor(store, version, exc, load)
        except (IndexMissingError, ManifestMismatchError, IndexUnavailableError):
            raise
        except (OSError, ValueError, KeyError) as exc:  # transient, or a version pruned under our feet
            last = exc
            log.warning("index version %s could not be read (%s: %s); retrying", version, type(exc).__name__, exc)
        if time.monotonic() >= deadline:
            raise IndexUnavailableError(
                f"no whole index version could be read from {store.root} in {wait:.0f} s "
                f"(last error: {type(last).__name__}: {last}); try again shortly"
            ) from last
        sleep(delay)
        delay = min(delay * 2, 1.0)


def _load_ancestor(store: IndexStore, version: str, error: IndexCorruptError, load: Callable[[str], T]) -> T:
    """The newest intact ancestor of the corrupt ``version`` (by its parents; by age when its
    manifest is unreadable), loaded; the corruption is logged."""
    for candidate in _ancestors(store, version):
        try:
            loaded = load(candidate)
        except (IndexCorruptError, OSError, ValueError, KeyError):
            continue
        log.error(
            "index version %s refused (%s); serving its ancestor %s instead. Roll back "
            "(`quotebot index rollback`) or rebuild (`quotebot index build`).",
            version,
            error,
            candidate,
        )
        return loaded
    log.error("index version %s refused (%s) and no intact earlier version exists", version, error)
    raise IndexUnavailableError(f"{error}; no intact earlier version to serve. Rebuild with `quotebot index build`.")


def _ancestors(store: IndexStore, version: str) -> Iterator[str]:
    seen = {version}
    parent = _parent(store, version)
    while parent and parent not in seen and parent in store.versions():
        seen.add(parent)
        yield parent
        parent = _parent(store, parent)
    for older in reversed(store.versions()):  # version ids sort by build time
        if older < version and older not in seen:
            seen.add(older)
            yield older


def _parent(store: IndexStore, version: str) -> str | None:
    try:
        return store.manifest(version).parent
    except (OSError, ValueError, KeyError):
        return None
