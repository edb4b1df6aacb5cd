"""The serving encoder: multilingual-e5-small on onnxruntime + ``tokenizers``, without torch.

A new question costs one forward pass of e5-small, ~95 % of the time to answer it. On this
2-core machine onnxruntime runs that pass 2-3x faster than torch, starts in a fraction of the
time (no torch or transformers import) and needs less memory (docs/performance.md). The ONNX
files are made once at set-up by ``index.embedding.onnx_export`` (which does need torch); this module only
reads them.

Layout, beside the materialised sentence-transformers folder ``<models>/<name>``::

    <models>/<name>.onnx-v4/
        model.onnx             fp32 graph, fused for onnxruntime: input_ids, attention_mask -> mean-pooled vector ...
        model.onnx.data        ... and its weights, as ONNX external data (memory-mapped)
        model.int8.onnx        the same, linear weights int8 (dynamic quantisation after
                               SmoothQuant scales, index.embedding.smoothing): questions
        model.int8-mixed.onnx  the same with the first third of the feed-forward output
                               MatMuls left fp32: passages (closer to fp32, ~1.7x torch)
        model.int8*.onnx.data  their weights, external too
        tokenizer.json         copied from the model folder
        tokenizer.core.json    its core for Latin and Cyrillic text, and the core ids' map
        tokenizer.core.ids.npy   to the full vocabulary (index.embedding.script_tokenizer)
        quotebot_onnx.json     written last: weights sha256 it came from, dim, max length,
                               prompts, parity measured at export, sha256 of every file

The tokenizer and the one model file in use are checked against ``quotebot_onnx.json`` when
loaded; a missing or damaged folder is a ``ModelMissingError`` that says to run
``quotebot model fetch``.

Start-up cost (docs/performance.md): the fp32 weights live in ``model.onnx.data`` (format 2)
because onnxruntime memory-maps external data, where it parses and copies weights embedded
in the graph: the session loads ~5x faster and the 384 MB word-embedding matrix stays on disk
except for the rows questions use (peak RSS ~1.2 GB -> under 0.5 GB). A file whose checksum was
verified once is not hashed again while its size, mtime, ctime and inode stay the same
(``.quotebot_verified.json``); anything that rewrites it changes its ctime.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelMissingError
from ..store.checksums import sha256_file
from ..store.durable import read_json_object
from .script_tokenizer import CORE_FILE, CORE_IDS_FILE, FIX, ScriptTokenizer

#: 2: fp32 weights external (model.onnx.data); 3: fused graph; 4: tokenizer core; 5: int8 smoothed;
#: 6: int8-mixed
FORMAT_VERSION = 6
CHECKSUM_FILE = "quotebot_onnx.json"
TOKENIZER_FILE = "tokenizer.json"
VERIFIED_FILE = ".quotebot_verified.json"  # stat of files whose checksum was verified
DATA_SUFFIX = ".data"  # a graph's external weights: <graph file> + DATA_SUFFIX
#: quantisation -> file name (of the graph; its weights may be beside it, see ``model_files``)
MODEL_FILES = {"none": "model.onnx", "int8": "model.int8.onnx", "int8-mixed": "model.int8-mixed.onnx"}


def onnx_folder(st_folder: Path) -> Path:
    """Where the ONNX export of the sentence-transformers folder ``st_folder`` lives."""
    return st_folder.parent / f"{st_folder.name}.onnx-v{FORMAT_VERSION}"


def read_record(folder: Path) -> dict[str, Any] | None:
    return read_json_object(folder / CHECKSUM_FILE)


def model_files(quantisation: str, record: dict[str, Any]) -> list[str]:
    """The files of the model of ``quantisation``: its graph, and its external weights when the
    export wrote them (listed in the checksum record)."""
    graph = MODEL_FILES[quantisation]
    listed = record.get("files") or {}
    return [graph, *([graph + DATA_SUFFIX] if graph + DATA_SUFFIX in listed else [])]


def encoder_checksum(quantisation: str, record: dict[str, Any]) -> str:
    """What index manifests record of the model of ``quantisation``: its graph's sha256, joined
    with its weights' when they are a file of their own."""
    files = record.get("files") or {}
    return ":".join(str(files.get(name, "")) for name in model_files(quantisation, record))


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _verified(folder: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads((folder / VERIFIED_FILE).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def _remember_verified(folder: Path, entries: dict[str, Any]) -> None:
    """Best effort: a read-only folder (an image layer) is simply hashed at every start."""
    tmp = folder / f"{VERIFIED_FILE}.{os.getpid()}.tmp"
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(tmp, folder / VERIFIED_FILE)
    with contextlib.suppress(OSError):
        tmp.unlink()


def file_matches(folder: Path, name: str, sha256: str, verified: dict[str, Any]) -> bool:
    """Whether ``folder/name`` has the checksum ``sha256``: known without reading the file when
    it was verified before and its stat is unchanged; else hashed (and remembered in
    ``verified`` when it matches)."""
    path = folder / name
    key = _stat_key(path)
    if verified.get(name) == [*key, sha256]:
        return True
    if sha256_file(path) != sha256:
        verified.pop(name, None)
        return False
    verified[name] = [*key, sha256]
    return True


def verify_onnx_folder(folder: Path, fingerprint: str | None, quantisation: str | None) -> str | None:
    """Why ``folder`` is not a complete export of the weights ``fingerprint`` (None: any), or
    None if it is. Checks the tokenizer and the model files of ``quantisation`` (None: all)
    against their checksums (hashing only those changed since they were last verified)."""
    if not folder.is_dir():
        return f"{folder} does not exist"
    record = read_record(folder)
    if record is None:
        return f"{CHECKSUM_FILE} missing or unreadable (incomplete export?)"
    if record.get("format_version") != FORMAT_VERSION:
        return "exported by another version of quotebot"
    if fingerprint is not None and record.get("weights_sha256") != fingerprint:
        return "exported from other weights"
    files = record.get("files")
    if not isinstance(files, dict):
        return "checksum file lists no files"
    wanted = [
        TOKENIZER_FILE,
        *(name for name in (CORE_FILE, CORE_IDS_FILE) if name in files),
        *(name for q in (MODEL_FILES if quantisation is None else [quantisation]) for name in model_files(q, record)),
    ]
    verified = _verified(folder)
    before = dict(verified)
    try:
        for name in wanted:
            if name not in files:
                return f"{name} is not listed in {CHECKSUM_FILE}"
            if not (folder / name).is_file():
                return f"{name} is missing"
            if not file_matches(folder, name, files[name], verified):
                return f"checksum mismatch for {name} (damaged file)"
        return None
    finally:
        if verified != before:
            _remember_verified(folder, verified)


class OnnxEncoder:
    """Tokenise with ``tokenizers``, run the pooled graph with onnxruntime, L2-normalise.

    Offers what ``index.embedding.model.Embedder`` needs of a backend: ``dim``, ``prompts``,
    ``max_seq_length``, ``encode(texts, prefix, threads=)`` and ``token_lengths``. One
    onnxruntime session per thread count, created on first use (serving needs only the
    one-thread session of questions; a build adds one on every core for passages).
    """

    def __init__(
        self,
        folder: Path,
        quantisation: str = "none",
        *,
        fingerprint: str | None = None,
        verify: bool = True,
        preload_threads: int | None = None,
    ) -> None:
        """Check and load ``folder``'s tokenizer and model file of ``quantisation``; with
        ``preload_threads``, also create that session. The checksums, the tokenizer (~1 s: a
        250k-piece Unigram) and the session are done on parallel threads: each mostly runs
        outside the GIL, so a cold start pays for the slowest, not for the sum."""
        if quantisation not in MODEL_FILES:
            raise ValueError(f"quantisation must be one of {sorted(MODEL_FILES)}, got {quantisation!r}")
        record = read_record(folder) if verify else (read_record(folder) or {})
        if record is None:
            problem = verify_onnx_folder(folder, fingerprint, quantisation)
            raise ModelMissingError(f"the ONNX encoder in {folder} is not usable ({problem}); {FIX}")
        self.folder = folder
        self.quantisation = quantisation
        self.model_path = folder / MODEL_FILES[quantisation]
        self.checksum = encoder_checksum(quantisation, record)
        self.fingerprint = str(record.get("weights_sha256", ""))
        self.prompts: dict[str, str] = dict(record.get("prompts") or {})
        self.max_seq_length = int(record.get("max_seq_length", 512))
        self.dim = int(record.get("dim", 384))
        self._pad = int(record.get("pad_token_id", 1))
        self._sessions: dict[int, Any] = {}
        self._lock = threading.Lock()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="onnx-load") as pool:
            # threads first: loading the tokenizer holds the GIL, and a thread cannot start without it
            checked = pool.submit(verify_onnx_folder, folder, fingerprint, quantisation) if verify else None
            session = pool.submit(self.session, preload_threads) if preload_threads else None
            try:
                has_core = CORE_FILE in (record.get("files") or {})
                core = (folder / CORE_FILE, folder / CORE_IDS_FILE) if has_core else None
                tokenizer = ScriptTokenizer(folder / TOKENIZER_FILE, self.max_seq_length, core=core)
            except ModelMissingError as exc:
                tokenizer, failed = None, exc
            problem = checked.result() if checked is not None else None
            if problem is not None:  # the checksum's verdict explains a failed load best
                raise ModelMissingError(f"the ONNX encoder in {folder} is not usable ({problem}); {FIX}")
            if tokenizer is None:
                raise failed
            self._tokenizer = tokenizer
            if session is not None:
                session.result()

    def __repr__(self) -> str:
        return f"OnnxEncoder({self.model_path}, quantisation={self.quantisation!r})"

    def session(self, threads: int) -> Any:
        """The onnxruntime session running on ``threads`` intra-op threads (made once)."""
        with self._lock:
            sess = self._sessions.get(threads)
        if sess is None:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            # idle workers sleep instead of spinning: on a small shared box spinning threads
            # steal the core another process (or the bot's event loop) needs
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            try:
                sess = ort.InferenceSession(str(self.model_path), opts, providers=["CPUExecutionProvider"])
            except Exception as exc:  # onnxruntime raises its own exception types
                raise ModelMissingError(f"{self.model_path} could not be loaded ({exc}); {FIX}") from exc
            with self._lock:
                sess = self._sessions.setdefault(threads, sess)
        return sess

    def release(self, threads: int) -> None:
        """Forget the session on ``threads`` threads (its copy of the weights is freed)."""
        with self._lock:
            self._sessions.pop(threads, None)

    def has_session(self, threads: int) -> bool:
        return threads in self._sessions

    def sessions(self) -> list[int]:
        with self._lock:
            return sorted(self._sessions)

    def token_lengths(self, texts: list[str], prefix: str) -> list[int]:
        return [len(ids) for ids in self._tokenizer.ids([prefix + t for t in texts])]

    def feeds(self, texts: list[str], prefix: str = "") -> dict[str, np.ndarray]:
        """The graph's inputs for ``texts`` (non-empty) as one batch padded to the longest."""
        encs = self._tokenizer.ids([prefix + t for t in texts])
        longest = max(len(e) for e in encs)
        ids = np.full((len(encs), longest), self._pad, dtype=np.int64)
        mask = np.zeros((len(encs), longest), dtype=np.int64)
        for row, e in enumerate(encs):
            ids[row, : len(e)] = e
            mask[row, : len(e)] = 1
        return {"input_ids": ids, "attention_mask": mask}

    def encode(self, texts: list[str], prefix: str, *, threads: int = 1) -> np.ndarray:
        """float32 ``[len(texts), dim]``, L2-normalised; ``texts`` run as one padded batch."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        (pooled,) = self.session(threads).run(None, self.feeds(texts, prefix))
        pooled = np.asarray(pooled, dtype=np.float32)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = pooled / np.maximum(norms, 1e-12)
        return unit
