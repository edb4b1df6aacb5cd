"""Named exceptions of the index package. Every message names what to fix."""

from __future__ import annotations


class QuotebotError(Exception):
    """Base class of every error the index package raises on purpose."""


class ConfigError(QuotebotError):
    """A configuration value is missing or invalid."""


class CorpusError(QuotebotError):
    """A corpus file (registry, speakers, source text) is missing or invalid."""


class SourceRejected(QuotebotError):
    """A new source cannot be added (empty, binary, duplicate, too large, ...)."""


class ModelMissingError(QuotebotError):
    """The embedding model is not available locally; the message says how to get it."""


class IndexMissingError(QuotebotError):
    """No published index version exists yet."""


class ManifestMismatchError(QuotebotError):
    """The published index was built with another model than the configured one."""


class IndexFormatError(ManifestMismatchError):
    """An index version was written in a format this code or an installed library (bm25s, FAISS,
    numpy) may not read the same; rebuilding it (`quotebot index build`) is the fix."""


class IndexLockedError(QuotebotError):
    """Another process holds the data directory's write lock."""


class IndexCorruptError(QuotebotError):
    """A published index version's files do not match its manifest (truncated, changed, missing)."""


class IndexUnavailableError(QuotebotError):
    """No whole published index version could be read within the wait; the message says why."""
