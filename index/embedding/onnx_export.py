"""Set-up only: export the materialised e5 folder to ONNX (fp32 and int8) beside it.

Serving must not import torch (it costs ~2 s of start-up and ~300 MB), so the encoder that
answers questions runs on onnxruntime (``index.embedding.onnx_encoder``). The ONNX files are made here,
once, by ``quotebot model fetch`` (``scripts/bootstrap``, the image's build stage): the only
places torch is needed.

* **fp32**: ``torch.onnx.export`` (TorchScript exporter, ``dynamo=False``, opset 17, dynamic
  batch and sequence axes) of transformers' ``BertModel`` (eager attention) followed by mean
  pooling over the attention mask, so the graph's one output is the pooled sentence vector (L2
  normalisation is done in numpy). The graph is then fused by onnxruntime's transformer
  optimizer (``onnxruntime.transformers.optimizer``, BERT: one ``Attention``, ``SkipLayerNormalization``
  and ``BiasGelu`` node per layer instead of dozens of small ones): passages embed ~1.5x faster
  (docs/performance.md). Eager attention because the optimizer recognises its pattern, not
  the SDPA one. Checked against sentence-transformers on sample texts before it is accepted.
* **int8**: ``onnxruntime.quantization.quantize_dynamic`` of the fused graph (weights QInt8, per
  channel; activations quantised per call), after SmoothQuant scales move the activations'
  outlier channels into the weights (``index.embedding.smoothing``: the strength is chosen by
  measuring each candidate's vectors against fp32 on calibration text). Twice: everything int8
  (``model.int8.onnx``, questions), and with the first third of the feed-forward output MatMuls
  in fp32 (``model.int8-mixed.onnx``, passages: the stored vectors, which need to be closer).
* The weights are then moved out of each graph into ``<graph>.data`` (ONNX external data, each
  tensor 64 KiB-aligned): onnxruntime memory-maps them instead of parsing and copying them at
  every start (470 MB for fp32; for int8 a session loads in 0.04 s instead of 0.20 s and its
  96 MB embedding table stays on disk but for the rows questions use; see
  ``index.embedding.onnx_encoder``).

The files are written into a temporary folder beside the verified sentence-transformers folder
(never into it: exporters there may rewrite its files), with ``tokenizer.json`` copied from it
and a checksum file written last, then renamed into place. See ``index.embedding.onnx_encoder`` for the
layout.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..store.checksums import sha256_file
from ..store.durable import building_dir, install_dir
from ..store.durable import fsync_path as _fsync
from .onnx_encoder import (
    CHECKSUM_FILE,
    DATA_SUFFIX,
    FORMAT_VERSION,
    MODEL_FILES,
    TOKENIZER_FILE,
    onnx_folder,
    verify_onnx_folder,
)
from .script_tokenizer import save_core
from .smoothing import choose_smoothing, early_feed_forward_outputs

if TYPE_CHECKING:
    import onnx

OPSET = 17
#: Minimum cosine between the exported fp32 graph and sentence-transformers on the sample texts.
PARITY_MIN_COSINE = 0.99999
SAMPLE_TEXTS = [
    "query: Когда Алиев позвонил Трампу?",
    "query: What did Trump share on Truth Social?",
    "passage: «Азербайджан и США всегда тесно сотрудничали в борьбе с глобальными вызовами»",
    "passage: ё Ё — <b>&amp;</b> 🙂 " * 30,
]

Progress = Callable[[str], None]


def _export_fp32(st_folder: Path, target: Path) -> None:
    import torch
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    class Pooled(torch.nn.Module):
        """BertModel + mean pooling over real tokens: what sentence-transformers computes."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled: torch.Tensor = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return pooled

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the load report lists the unused pooler; the tracer warns about
    hf_logging.disable_progress_bar()  # shape checks that are constant for a mask as long as the input
    try:
        bert = BertModel.from_pretrained(
            str(st_folder), local_files_only=True, add_pooling_layer=False, attn_implementation="eager"
        )
    finally:
        hf_logging.set_verbosity(verbosity)
    model = Pooled(bert).eval()
    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    traced = target.with_name(target.name + ".traced")
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, mask),
            str(traced),
            dynamo=False,
            opset_version=OPSET,
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "sentence_embedding": {0: "batch"},
            },
            do_constant_folding=True,
        )
    _fuse(traced, target, heads=int(bert.config.num_attention_heads), hidden=int(bert.config.hidden_size))
    traced.unlink()


#: fused nodes the transformer optimizer must produce for a BERT graph (else it did not recognise it)
_FUSED = ("Attention", "SkipLayerNormalization")


def _fuse(traced: Path, target: Path, *, heads: int, hidden: int) -> None:
    """``target``: the traced graph with each layer's attention, layer norms and GELU fused into
    onnxruntime's contrib operators (``opt_level=0``: the fusions only, nothing specific to this
    CPU). Raises when nothing was fused, so an exporter change cannot silently cost the speed."""
    from onnxruntime.transformers.optimizer import optimize_model

    with _root_log_errors_only():  # the optimizer logs each fusion pass at info level
        fused = optimize_model(str(traced), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0)
    stats = fused.get_fused_operator_statistics()
    missing = [op for op in _FUSED if not stats.get(op)]
    if missing:
        raise RuntimeError(f"the transformer optimizer fused no {', '.join(missing)} nodes: {stats}")
    fused.save_model_to_file(str(target))


#: share of the layers whose feed-forward output MatMul stays fp32 in the passages' int8 graph
#: (``index.embedding.smoothing.early_feed_forward_outputs``)
MIXED_FP32_SHARE = 1 / 3


def _quantise_int8(folder: Path) -> dict[str, Any]:
    """``folder``'s fp32 graph quantised to int8 twice, both smoothed as ``choose_smoothing``
    measures best: everything int8 (questions), and the same with the early feed-forward
    outputs in fp32 (passages). Returns what the checksum record says of them."""
    import onnx

    from .onnx_encoder import OnnxEncoder

    feeds = OnnxEncoder(folder, "none", verify=False).feeds  # the export's tokenizer, already there
    fp32 = onnx.load(str(folder / MODEL_FILES["none"]))
    with _root_log_errors_only():
        smoothing = choose_smoothing(fp32, feeds, _quantise_dynamic, folder / MODEL_FILES["int8"])
        keep = early_feed_forward_outputs(smoothing.graph, MIXED_FP32_SHARE)
        _quantise_dynamic(smoothing.graph, folder / MODEL_FILES["int8-mixed"], keep_fp32=keep)
    mixed = smoothing.cosines(folder / MODEL_FILES["int8-mixed"], feeds)
    return {
        **smoothing.as_record(),
        "int8-mixed": {"fp32_nodes": keep, "mean_cosine": round(float(mixed.mean()), 6)},
    }


def _quantise_dynamic(graph: onnx.ModelProto, target: Path, keep_fp32: list[str] | None = None) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # "consider pre-processing": shape inference adds nothing to a BERT graph
    quantize_dynamic(
        graph,
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        nodes_to_exclude=keep_fp32 or [],
        # the fused contrib operators have no type inference: their outputs are float
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


@contextlib.contextmanager
def _root_log_errors_only() -> Iterator[None]:
    """onnxruntime's tools log through the root logger: only errors, while they run."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


#: offsets of external tensors are aligned to this (page- and mmap-friendly; ONNX's own maximum)
EXTERNAL_ALIGNMENT = 64 * 1024


def _externalise(graph: Path) -> None:
    """Rewrite ``graph`` with its weights in ``graph.data``: same tensors, bit for bit."""
    import onnx
    from onnx.external_data_helper import set_external_data

    model = onnx.load(str(graph))
    offset = 0
    data = graph.with_name(graph.name + DATA_SUFFIX)
    with open(data, "wb") as out:
        for tensor in model.graph.initializer:
            raw = tensor.raw_data if tensor.HasField("raw_data") else b""
            if len(raw) < 1024:
                continue  # small constants stay in the graph
            offset = -(-offset // EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT
            out.seek(offset)
            out.write(raw)
            set_external_data(tensor, data.name, offset, len(raw))  # sets data_location too
            tensor.ClearField("raw_data")
            offset += len(raw)
    tmp = graph.with_name(graph.name + ".tmp")
    onnx.save_model(model, str(tmp))
    os.replace(tmp, graph)


def _reference_vectors(st_folder: Path, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = SentenceTransformer(str(st_folder), device="cpu", local_files_only=True)
    return np.asarray(model.encode(texts, normalize_embeddings=True, convert_to_numpy=True), dtype=np.float32)


def _check_parity(tmp: Path, reference: np.ndarray, quantisation: str, min_cosine: float) -> float:
    """The smallest cosine between ``tmp``'s graph of ``quantisation`` and sentence-transformers'
    vectors of ``SAMPLE_TEXTS`` (``reference``); raises below ``min_cosine``."""
    from .onnx_encoder import OnnxEncoder

    enc = OnnxEncoder(tmp, quantisation, verify=False)
    ours = enc.encode(SAMPLE_TEXTS, "")
    worst = float(np.min((ours * reference).sum(1)))
    if worst < min_cosine:
        raise RuntimeError(f"exported ONNX ({quantisation}) differs from sentence-transformers: cosine {worst:.6f}")
    return worst


def export_onnx(st_folder: Path, *, say: Progress | None = None, fingerprint: str) -> Path:
    """Return the ONNX folder beside ``st_folder``, exporting it first when it is missing or fails
    its checksums. ``fingerprint`` is the sha256 of ``st_folder``'s weights (recorded, so the
    ONNX files are tied to the weights they came from)."""
    say = say or (lambda _msg: None)
    target = onnx_folder(st_folder)
    if verify_onnx_folder(target, fingerprint, None) is None:
        return target
    if target.exists():
        say(f"re-exporting {target.name}: {verify_onnx_folder(target, fingerprint, None)}")
    with building_dir(target) as tmp:
        os.chmod(tmp, 0o755)
        t0 = time.monotonic()
        say("exporting to ONNX (fp32, torch.onnx, opset 17, fused for onnxruntime)")
        _export_fp32(st_folder, tmp / MODEL_FILES["none"])
        shutil.copyfile(st_folder / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        save_core(tmp / TOKENIZER_FILE, tmp)
        reference = _reference_vectors(st_folder, SAMPLE_TEXTS)  # loads torch's model once
        fp32_cos = _check_parity(tmp, reference, "none", PARITY_MIN_COSINE)
        say(f"quantising to int8 (dynamic, per channel, smoothing measured) after {time.monotonic() - t0:.0f}s")
        int8 = _quantise_int8(tmp)
        say(
            f"int8: smoothing alpha {int8['alpha']}, mean cosine to fp32 {int8['mean_cosine']:.5f} "
            f"(int8-mixed {int8['int8-mixed']['mean_cosine']:.5f})"
        )
        for leftover in tmp.glob("*-opt.onnx"):  # quantisation's pre-processing scratch
            leftover.unlink()
        for graph in MODEL_FILES.values():  # memory-mapped at load: int8 too (load 0.20 -> 0.04 s, -100 MB)
            _externalise(tmp / graph)
        fp32_cos = _check_parity(tmp, reference, "none", PARITY_MIN_COSINE)  # as it will serve
        parity = {q: _check_parity(tmp, reference, q, 0.97) for q in ("int8", "int8-mixed")}
        _write_checksums(tmp, st_folder, fingerprint, {"none": fp32_cos, **parity}, int8)
        install_dir(tmp, target)
    say(f"ONNX encoder ready: {target}")
    return target


def _write_checksums(
    tmp: Path, st_folder: Path, fingerprint: str, parity: dict[str, float], int8: dict[str, Any]
) -> None:
    import onnxruntime
    import torch

    st_config = json.loads((st_folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    sbert = json.loads((st_folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    config = json.loads((st_folder / "config.json").read_text(encoding="utf-8"))
    record = {
        "format_version": FORMAT_VERSION,
        "weights_sha256": fingerprint,
        "dim": int(config["hidden_size"]),
        "max_seq_length": int(sbert.get("max_seq_length", 512)),
        "pad_token_id": int(config.get("pad_token_id", 0)),
        "prompts": st_config.get("prompts") or {},
        "exported_with": {"torch": torch.__version__, "onnxruntime": onnxruntime.__version__, "opset": OPSET},
        "parity_min_cosine": {k: round(v, 7) for k, v in parity.items()},
        "int8_smoothing": int8,
        "files": {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()},
    }
    for path in tmp.iterdir():
        _fsync(path)
    (tmp / CHECKSUM_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    _fsync(tmp / CHECKSUM_FILE)
    _fsync(tmp)
