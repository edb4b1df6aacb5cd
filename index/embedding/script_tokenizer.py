"""The e5 tokenizer in two parts: a core for the scripts the corpus is written in, and the full
one for anything else, loaded only when a text needs it.

Why: ``tokenizers`` builds the full 250k-piece Unigram in ~1.1 s while holding the GIL, the
largest single cost of a cold start (docs/performance.md), although Russian, English and
Azerbaijani text can only ever use the pieces made of Latin and Cyrillic letters, digits and
punctuation. A Unigram segments a word with the pieces that are substrings of it, so pieces
holding a character the text lacks change nothing. Restricted to the pieces whose characters
are all in :data:`CORE_CHARS` (plus the lowest-scored piece, which sets the penalty of an
unknown character), the core gives the same segmentation for every text whose normalised form
has only such characters, and its ids map back to the full vocabulary's (``ids`` file). Any
other text (a Chinese quote, an emoji) goes to the full tokenizer, loaded on first need.
``tests/index/test_script_tokenizer.py`` checks that the ids are identical on every evaluation
text and on random strings.

Written by hand because no library does it: ``tokenizers`` has no lazy or partial vocabulary.
The core is derived at set-up (``index.embedding.onnx_export``) from ``tokenizer.json``:
``save_core`` writes it, ``ScriptTokenizer`` loads it.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelMissingError

CORE_FILE = "tokenizer.core.json"
CORE_IDS_FILE = "tokenizer.core.ids.npy"  # core id -> id in the full vocabulary
#: Latin (Basic to Extended-B, IPA's ə, Extended Additional), Cyrillic and its supplement,
#: general punctuation, currency signs, and the metaspace "▁" pieces start with.
CORE_CHARS = "\u0000-\u024f\u0259\u0400-\u052f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20bf\u2581"
_OUTSIDE = re.compile(f"[^{CORE_CHARS}]")
#: what to do about a missing or damaged export (every ModelMissingError of the ONNX folder says it)
FIX = "run `quotebot model fetch` (set-up, needs torch) to export it again"


def save_core(full: Path, folder: Path) -> tuple[Path, Path]:
    """Write the core of the tokenizer ``full`` into ``folder``: the same normaliser,
    pre-tokeniser and post-processor over the pieces made of core characters only (see the
    module docstring), and the map of its ids to the full vocabulary's."""
    spec = json.loads(full.read_text(encoding="utf-8"))
    model = spec["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"only a Unigram tokenizer has a core, {full} is {model.get('type')}")
    vocab = model["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    kept = [i for i, (piece, _score) in enumerate(vocab) if i == lowest or not _OUTSIDE.search(piece)]
    new_id = {old: new for new, old in enumerate(kept)}
    added = [t for t in spec.get("added_tokens") or [] if t["id"] in new_id]
    if len(added) != len(spec.get("added_tokens") or []) or any(new_id[i] != i for i in range(4)):
        raise ValueError("the special tokens must be core pieces and keep their ids")
    core = {
        **spec,
        "added_tokens": [{**t, "id": new_id[t["id"]]} for t in added],
        "model": {**model, "vocab": [vocab[i] for i in kept], "unk_id": new_id[model["unk_id"]]},
    }
    core_path, ids_path = folder / CORE_FILE, folder / CORE_IDS_FILE
    core_path.write_text(json.dumps(core, ensure_ascii=False), encoding="utf-8")
    with open(ids_path, "wb") as out:
        np.save(out, np.asarray(kept, dtype=np.int64), allow_pickle=False)
    return core_path, ids_path


def _load(path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    try:
        tok = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception on a bad file
        raise ModelMissingError(f"{path} could not be read ({exc}); {FIX}") from exc
    tok.no_padding()
    tok.enable_truncation(max_length)
    return tok


class ScriptTokenizer:
    """Token ids of the full e5 tokenizer, computed by its core where that is exact."""

    def __init__(self, full: Path, max_length: int, *, core: tuple[Path, Path] | None = None) -> None:
        """``full``: ``tokenizer.json``; ``core``: the files ``save_core`` wrote (None: use the
        full tokenizer for everything, as for an export that has no core)."""
        self._full_path = full
        self._max_length = max_length
        self._full: Any = None
        self._lock = threading.Lock()
        self._core: Any = None
        self._core_ids = np.zeros(0, dtype=np.int64)
        if core is None:
            self._full = _load(full, max_length)
            return
        self._core = _load(core[0], max_length)
        try:
            self._core_ids = np.load(core[1], allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ModelMissingError(f"{core[1]} could not be read ({exc}); {FIX}") from exc

    def full(self) -> Any:
        """The full tokenizer (loaded on first call)."""
        with self._lock:
            if self._full is None:
                self._full = _load(self._full_path, self._max_length)
            return self._full

    def in_core(self, text: str) -> bool:
        """Whether the core tokenises ``text`` exactly: its normalised form has core characters only."""
        return self._core is not None and not _OUTSIDE.search(self._core.normalizer.normalize_str(text))

    def ids(self, texts: list[str]) -> list[np.ndarray]:
        """The full vocabulary's ids of each text (with ``<s>`` … ``</s>``, truncated)."""
        out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(texts)
        core_rows = [i for i, t in enumerate(texts) if self.in_core(t)]
        if core_rows:
            encoded = self._core.encode_batch([texts[i] for i in core_rows])
            for i, enc in zip(core_rows, encoded, strict=True):
                out[i] = self._core_ids[np.asarray(enc.ids, dtype=np.int64)]
        in_core = set(core_rows)
        rest = [i for i in range(len(texts)) if i not in in_core]
        if rest:
            for i, enc in zip(rest, self.full().encode_batch([texts[i] for i in rest]), strict=True):
                out[i] = np.asarray(enc.ids, dtype=np.int64)
        return out
