"""The write path every corpus change takes: lock → recover → work → publish → audit.

:func:`writing` is the one way in. It takes the data directory's writer lock, finishes or
forgets what a crashed writer left (:func:`recover`), and hands the caller the store. The work
(a build, a rollback) publishes by switching ``CURRENT``; :func:`finish_publish` then writes
the journalled registry and audit entry and prunes. With ``audit=(user, action, source id)``
a failure of the work is appended to the audit log before it propagates.

Publishing is the switch of ``CURRENT``. What comes before it (staging, journal, fsync, rename)
may fail and changes nothing a reader sees; what comes after it (the registry, the journal's
removal, pruning) is completed here or, if that fails, by the next writer's :func:`recover`,
and never turns a published change into a reported failure.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from ..config import Settings
from ..corpus.sources import REGISTRY_FILE
from .auditlog import append as append_audit
from .auditlog import append_once as append_audit_once
from .auditlog import audit as audit_line
from .durable import atomic_write
from .versions import IndexStore

log = logging.getLogger("quotebot.build")

#: (user, action, source id) of an audited change.
Audit = tuple[str | int | None, str, str | None]


def recover(settings: Settings, store: IndexStore) -> None:
    """Finish or forget an operation a crash interrupted. Call under the writer lock.

    A half-written version directory is removed. A registry change journalled for a version
    that did get published is written (roll forward); one for a version that did not is
    dropped (the old registry and the old version stay, consistent).
    """
    store.clean_partial()
    pending = store.pending()
    if pending is None:
        return
    if store.current() == pending["version"]:
        if pending.get("registry") is not None:
            atomic_write(settings.data_dir / REGISTRY_FILE, pending["registry"].encode("utf-8"), "registry")
        if isinstance(pending.get("audit"), dict):
            append_audit_once(settings, pending["audit"])
        log.info("recovered: the registry and audit entry of published version %s are written", pending["version"])
    store.clear_pending()


@contextlib.contextmanager
def audited(settings: Settings, audit: Audit | None) -> Iterator[None]:
    """Append ``failed: <error>`` for ``audit`` to the audit log when the block raises."""
    try:
        yield
    except Exception as exc:
        if audit is not None:
            audit_failure(settings, *audit, exc)
        raise


@contextlib.contextmanager
def writing(settings: Settings, *, wait: float = 30.0) -> Iterator[IndexStore]:
    """The writer lock on ``settings``' index, after recovery: the store to change under it."""
    store = IndexStore(settings.index_dir)
    with store.lock(wait=wait):
        recover(settings, store)
        yield store


def finish_publish(
    settings: Settings, store: IndexStore, registry_text: str | None, record: dict[str, Any] | None = None
) -> list[str]:
    """After ``CURRENT`` switched: write the registry and the audit entry, drop the journal,
    prune. A failure is logged and returned, never raised: the version is published, and what is
    left unfinished (the journal stays) is completed by the next writer's :func:`recover`."""
    warnings = []
    done = True
    if registry_text is not None:
        try:
            atomic_write(settings.data_dir / REGISTRY_FILE, registry_text.encode("utf-8"), "registry")
        except OSError as exc:
            log.error("published, but the registry could not be written (%s); the next writer completes it", exc)
            warnings.append(f"registry: {exc}")
            done = False
    if record is not None:
        try:
            append_audit(settings, record)
        except OSError as exc:
            log.error("published, but the audit log could not be written (%s); the next writer completes it", exc)
            warnings.append(f"audit: {exc}")
            done = False
    if done and (registry_text is not None or record is not None):
        try:
            store.clear_pending()
        except OSError as exc:  # the journal stays: recovery finds the work done and drops it
            log.error("published, but the journal could not be removed (%s)", exc)
            warnings.append(f"journal: {exc}")
    try:
        store.prune()
    except (OSError, ValueError, KeyError) as exc:
        log.error("published, but old versions could not be pruned (%s); the next writer retries", exc)
        warnings.append(f"prune: {exc}")
    return warnings


def audit_failure(
    settings: Settings, user: str | int | None, action: str, source_id: str | None, exc: BaseException
) -> None:
    """Log a failed change; a failure to log it is itself only logged (the error is what matters)."""
    try:
        audit_line(settings, user, action, source_id, f"failed: {type(exc).__name__}")
    except OSError as err:
        log.error("could not write the audit log: %s", err)
