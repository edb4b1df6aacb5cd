"""The versioned index directory: manifest, atomic publish, rollback, write lock.

Layout under ``<data_dir>/index/``::

    CURRENT                 the published version id (replaced atomically)
    versions/<id>/          one complete, immutable index version: its files are listed, written
                            and read by :mod:`index.store.version` (``IndexVersion``)
    .build-<id>/            a version being written; removed at the next start if left behind
    .trash-<id>/            a pruned version being deleted (renamed out of ``versions/`` first)
    pending.json            journal of a registry change whose version is being published
    .lock                   flock held by any writer (bot or CLI)

A version directory is written beside the published ones, every file fsynced, then renamed
into ``versions/`` and only then is ``CURRENT`` switched, so a crash at any point leaves the
previous version serving. The manifest lists the sha256 of every file of its version; a reader
checks them before it serves the version (:meth:`IndexStore.verify`).

Every write step reports itself to :mod:`index.store.faults` just before it is taken (``staging.*``,
``publish.*``, ``current.*``, ``journal.*``, ``prune.*``) for the crash-point and fault tests.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import IndexCorruptError, IndexLockedError, IndexMissingError, ManifestMismatchError
from . import faults
from .checksums import sha256_file
from .durable import atomic_write, fsync_dir, fsync_tree, remove
from .manifest import CURRENT, MANIFEST, VERSIONS, read_current, read_manifest
from .version import (
    FORMAT,
    IndexVersion,
    file_checksums,
    read_jsonl,
    vectors_checksum,
    write_json,
    write_jsonl,
)

__all__ = [
    "FORMAT",
    "MANIFEST",
    "IndexStore",
    "IndexVersion",
    "Manifest",
    "file_checksums",
    "read_jsonl",
    "vectors_checksum",
    "write_json",
    "write_jsonl",
]

PENDING = "pending.json"
KEEP_VERSIONS = 8


@dataclass(frozen=True)
class Manifest:
    raw: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.raw["version"])

    @property
    def model_name(self) -> str:
        return str(self.raw["model"]["name"])

    @property
    def model_fingerprint(self) -> str:
        return str(self.raw["model"]["fingerprint"])

    @property
    def parent(self) -> str | None:
        return self.raw.get("parent")

    @property
    def encoder(self) -> dict[str, str]:
        """How the vectors were computed: ``{"format", "quantisation", "checksum"}``. Versions
        from before the record was kept were built by torch (fp32) from the model's weights."""
        recorded = self.raw.get("encoder")
        if isinstance(recorded, dict):
            return {k: str(v) for k, v in recorded.items()}
        return {"format": "torch", "quantisation": "none", "checksum": self.model_fingerprint}

    def check_model(self, name: str, fingerprint: str | None, encoder: dict[str, str] | None = None) -> None:
        """Refuse an index built with another model, or another encoder, than the configured one."""
        if self.model_name != name or (fingerprint is not None and self.model_fingerprint != fingerprint):
            raise ManifestMismatchError(
                f"index version {self.version} was built with model {self.model_name!r} "
                f"(fingerprint {self.model_fingerprint[:12]}), but the configured model is {name!r}"
                + (f" (fingerprint {fingerprint[:12]})" if fingerprint else "")
                + ". Rebuild it with `quotebot index build` or configure the original model."
            )
        if encoder is not None and not same_encoder(self.encoder, encoder):
            raise ManifestMismatchError(
                f"index version {self.version} was built with the {describe_encoder(self.encoder)} encoder, "
                f"but the configured one is {describe_encoder(encoder)}; its vectors are not comparable. "
                "Rebuild it with `quotebot index build` (re-embeds every passage) or set QUOTEBOT_ENCODER "
                "back to the original encoder."
            )


def passage_encoder(e: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """What computed the stored vectors: (format, quantisation, checksum) of the passages' side.
    An encoder record whose questions run on another graph than its passages names the latter in
    ``passages_quantisation`` / ``passages_checksum``; else one graph did both."""
    if "passages_quantisation" in e:
        return e.get("format"), e.get("passages_quantisation"), e.get("passages_checksum")
    return e.get("format"), e.get("quantisation"), e.get("checksum")


def same_encoder(a: dict[str, str], b: dict[str, str]) -> bool:
    """Whether an index built with encoder ``a`` serves encoder ``b``: its stored vectors must come
    from the same passage graph. The question side may differ (int8 questions against fp32
    passages, ``QUOTEBOT_ENCODER=onnx-int8-queries``): the same weights map a question to the
    same space, within the quantisation's cosine (docs/performance.md)."""
    return passage_encoder(a) == passage_encoder(b)


def describe_encoder(e: dict[str, str]) -> str:
    return f"{e.get('format')}/{e.get('quantisation')} ({str(e.get('checksum'))[:12]})"


def new_version_id() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{os.urandom(3).hex()}"


class IndexStore:
    """Reads and writes the versions of one index directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def versions_dir(self) -> Path:
        return self.root / VERSIONS

    def current(self) -> str | None:
        return read_current(self.root)

    def version_dir(self, version: str) -> Path:
        return self.versions_dir / version

    def require_current(self) -> str:
        version = self.current()
        if not version or not (self.version_dir(version) / MANIFEST).is_file():
            raise IndexMissingError(f"no published index under {self.root}; build one with `quotebot index build`")
        return version

    def manifest(self, version: str) -> Manifest:
        return Manifest(read_manifest(self.root, version))

    def open(self, version: str, manifest: Manifest | None = None) -> IndexVersion:
        """``version``'s files, after checking this code and the installed libraries can read
        them (:class:`~index.errors.IndexFormatError`); pass the manifest :meth:`verify` returned
        to have them checked against it too."""
        return IndexVersion.read(self.version_dir(version), None if manifest is None else manifest.raw)

    def versions(self) -> list[str]:
        if not self.versions_dir.is_dir():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir() if (p / MANIFEST).is_file())

    def verify(self, version: str) -> Manifest:
        """The manifest of ``version`` after checking its files against it; raises
        :class:`IndexCorruptError` (naming the file) when one is missing, truncated or changed.

        Versions built before the manifest listed every file are checked by their vectors'
        checksum alone."""
        vdir = self.version_dir(version)
        try:
            manifest = self.manifest(version)
            files = manifest.raw.get("files")
            if not isinstance(files, dict):
                self._verify_vectors(manifest)
                return manifest
            for rel, expected in files.items():
                path = vdir / rel
                if not path.is_file():
                    raise IndexCorruptError(f"index version {version}: {rel} is missing")
                if sha256_file(path) != expected:
                    raise IndexCorruptError(
                        f"index version {version}: {rel} does not match its manifest checksum (truncated or changed)"
                    )
        except (ValueError, KeyError, TypeError) as exc:  # unreadable manifest or vectors
            raise IndexCorruptError(f"index version {version}: unreadable manifest or vectors ({exc})") from exc
        return manifest

    def _verify_vectors(self, manifest: Manifest) -> None:
        vectors = IndexVersion(self.version_dir(manifest.version), manifest.raw).vector_matrix(mmap=True)
        if vectors_checksum(vectors) != manifest.raw["vectors"]["sha256"]:
            raise IndexCorruptError(
                f"index version {manifest.version}: vectors.npy does not match its manifest "
                "checksum (truncated or changed)"
            )

    def lock_held(self) -> bool:
        """Whether a writer holds the lock right now (a hint for readers, who never take it)."""
        try:
            with open(self.root / ".lock") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return True
                fcntl.flock(fh, fcntl.LOCK_UN)
                return False
        except OSError:  # no lock file: no writer has ever run here
            return False

    @contextlib.contextmanager
    def lock(self, *, wait: float = 30.0) -> Iterator[None]:
        """Exclusive writer lock (flock); released when the holder exits, even on kill -9."""
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / ".lock", "a+")  # noqa: SIM115
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(
                            f"{self.root} is being updated by another process; try again shortly"
                        ) from None
                    time.sleep(0.1)
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def clean_partial(self) -> list[str]:
        """Remove half-written build directories and half-deleted pruned versions left by a
        crash. Call under the lock."""
        removed = []
        if self.root.is_dir():
            for p in self.root.iterdir():
                if p.name.startswith((".build-", ".trash-")) and p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p.name)
        return removed

    def pending(self) -> dict[str, Any] | None:
        """The journal of a registry change waiting for its version to be published."""
        try:
            entry = json.loads((self.root / PENDING).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            entry = None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("version"), str)
            or not isinstance(entry.get("registry"), str | None)
        ):
            # torn journal (it is written atomically, so only by hand): nothing was published with it
            remove(self.root / PENDING, "journal")
            return None
        return entry

    def set_pending(self, entry: dict[str, Any]) -> None:
        atomic_write(self.root / PENDING, json.dumps(entry, ensure_ascii=False).encode("utf-8"), "journal")

    def clear_pending(self) -> None:
        remove(self.root / PENDING, "journal")

    def staging_dir(self, version: str) -> Path:
        path = self.root / f".build-{version}"
        faults.point("staging.mkdir")
        path.mkdir(parents=True, exist_ok=False)
        return path

    def publish(self, staging: Path, version: str) -> None:
        """fsync the staged version, move it into ``versions/`` and switch ``CURRENT``."""
        fsync_tree(staging, "staging")
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        target = self.version_dir(version)
        faults.point("publish.rename")
        os.rename(staging, target)
        faults.point("publish.dirsync")
        fsync_dir(self.versions_dir)
        fsync_dir(self.root)
        self.switch(version)

    def switch(self, version: str) -> None:
        if not (self.version_dir(version) / MANIFEST).is_file():
            raise IndexMissingError(f"index version {version!r} does not exist under {self.versions_dir}")
        atomic_write(self.root / CURRENT, (version + "\n").encode("utf-8"), "current")

    def prune(self, keep: int | None = None) -> list[str]:
        """Delete the oldest versions beyond ``keep`` (default ``KEEP_VERSIONS``), never the current
        one or its parent.

        Each is first renamed out of ``versions/`` (atomic), so no reader or rollback ever finds a
        half-deleted version; a crash leaves a ``.trash-*`` directory the next writer removes."""
        keep = KEEP_VERSIONS if keep is None else keep
        current = self.current()
        protected = {current}
        if current:
            protected.add(self.manifest(current).parent)
        versions = self.versions()
        removable = [v for v in versions[:-keep] if v not in protected] if len(versions) > keep else []
        for v in removable:
            trash = self.root / f".trash-{v}"
            faults.point("prune.rename")
            os.rename(self.version_dir(v), trash)
            fsync_dir(self.versions_dir)
            faults.point("prune.rmtree")
            shutil.rmtree(trash, ignore_errors=True)
        return removable
