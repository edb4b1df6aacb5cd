"""The versioned index directory: manifest, atomic publish, rollback, write lock.

Layout under ``<data_dir>/index/``::

    CURRENT                 the published version id (replaced atomically)
    versions/<id>/          one complete, immutable index version
        manifest.json       format, model name + fingerprint + dim, encoder (format, quantisation,
                            checksum), vector checksum, corpus hash,
                            passage count, sources, build time, parent version
        passages.jsonl      one Passage per line, in vector order (with its text hash)
        paragraphs.jsonl    paragraph offsets per source (for "full paragraph")
        events.json         the events found in each source
        sources.yaml        the registry this version was built from (rollback restores it)
        vectors.npy         float32 or float16 matrix, L2-normalised rows
        faiss.index         the vector index
        bm25/               the lexical index (JSON + .npy, no pickle)
    .build-<id>/            a version being written; removed at the next start if left behind
    pending.json            journal of a registry change whose version is being published
    .lock                   flock held by any writer (bot or CLI)

A version directory is written beside the published ones, every file fsynced, then renamed
into ``versions/`` and only then is ``CURRENT`` switched, so a crash at any point leaves the
previous version serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexLockedError, IndexMissingError, ManifestMismatchError
from .sources import atomic_write

FORMAT = 1
CURRENT = "CURRENT"
PENDING = "pending.json"
VERSIONS = "versions"
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


def same_encoder(a: dict[str, str], b: dict[str, str]) -> bool:
    return all(a.get(k) == b.get(k) for k in ("format", "quantisation", "checksum"))


def describe_encoder(e: dict[str, str]) -> str:
    return f"{e.get('format')}/{e.get('quantisation')} ({str(e.get('checksum'))[:12]})"


def new_version_id() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{os.urandom(3).hex()}"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    for root, _dirs, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(Path(root))


def vectors_checksum(vectors: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(vectors).tobytes()).hexdigest()


class IndexStore:
    """Reads and writes the versions of one index directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def versions_dir(self) -> Path:
        return self.root / VERSIONS

    def current(self) -> str | None:
        try:
            value = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return value or None

    def version_dir(self, version: str) -> Path:
        return self.versions_dir / version

    def require_current(self) -> str:
        version = self.current()
        if not version or not (self.version_dir(version) / "manifest.json").is_file():
            raise IndexMissingError(
                f"no published index under {self.root}; build one with `quotebot index build`"
            )
        return version

    def manifest(self, version: str) -> Manifest:
        path = self.version_dir(version) / "manifest.json"
        return Manifest(json.loads(path.read_text(encoding="utf-8")))

    def versions(self) -> list[str]:
        if not self.versions_dir.is_dir():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir() if (p / "manifest.json").is_file())

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
        """Remove half-written build directories left by a crash. Call under the lock."""
        removed = []
        if self.root.is_dir():
            for p in self.root.iterdir():
                if p.name.startswith(".build-") and p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(p.name)
        return removed

    def pending(self) -> dict[str, Any] | None:
        """The journal of a registry change waiting for its version to be published."""
        try:
            return json.loads((self.root / PENDING).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            (self.root / PENDING).unlink(missing_ok=True)  # torn journal: nothing was published with it
            return None

    def set_pending(self, entry: dict[str, Any]) -> None:
        atomic_write(self.root / PENDING, json.dumps(entry, ensure_ascii=False).encode("utf-8"))

    def clear_pending(self) -> None:
        (self.root / PENDING).unlink(missing_ok=True)
        fsync_dir(self.root)

    def staging_dir(self, version: str) -> Path:
        path = self.root / f".build-{version}"
        path.mkdir(parents=True, exist_ok=False)
        return path

    def publish(self, staging: Path, version: str) -> None:
        """fsync the staged version, move it into ``versions/`` and switch ``CURRENT``."""
        fsync_tree(staging)
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        target = self.version_dir(version)
        os.rename(staging, target)
        fsync_dir(self.versions_dir)
        fsync_dir(self.root)
        self.switch(version)

    def switch(self, version: str) -> None:
        if not (self.version_dir(version) / "manifest.json").is_file():
            raise IndexMissingError(f"index version {version!r} does not exist under {self.versions_dir}")
        atomic_write(self.root / CURRENT, (version + "\n").encode("utf-8"))

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        """Delete the oldest versions beyond ``keep``, never the current one or its parent."""
        current = self.current()
        protected = {current}
        if current:
            protected.add(self.manifest(current).parent)
        versions = self.versions()
        removable = [v for v in versions[:-keep] if v not in protected] if len(versions) > keep else []
        for v in removable:
            shutil.rmtree(self.version_dir(v), ignore_errors=True)
        return removable


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
