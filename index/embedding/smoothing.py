"""Set-up only: SmoothQuant scales that make the int8 graph rank like the fp32 one.

Why: onnxruntime's dynamic quantisation gives each activation tensor one uint8 scale per
call. A few hidden channels of e5 carry values 20-60x their layer's median (the GELU outputs
that feed each feed-forward block's second MatMul, and some LayerNorm outputs), so one scale
spends most of the 256 levels on them and rounds every other channel coarsely. Plain int8
vectors have a cosine of ~0.996 to fp32 on average, enough to move borderline questions out of
the top 3 (docs/performance.md).

SmoothQuant (Xiao et al., 2023) divides input channel ``j`` of a linear layer by ``s_j`` and
multiplies row ``j`` of its weight by ``s_j``: the product is unchanged in exact arithmetic, and
with ``s_j = max|X_j|^a / max|W_j|^(1-a)`` the activation's range is flattened at the cost of
the weight's, which is quantised per output channel and tolerates it. The fp32 graph that serves
is never changed; only the graph that is quantised is smoothed.

BERT normalises *after* each residual addition, so a LayerNorm's output also feeds the next
residual and the ``1/s`` cannot be folded into the LayerNorm as in pre-norm models: each
quantised node gets an explicit ``Mul`` in front of it (a per-channel multiply of a
``[batch, tokens, 384 or 1536]`` tensor, negligible next to the MatMul it feeds).

The activation ranges come from ``calibration.txt`` (generic ru/en/az news passages and
questions written for this, not evaluation data). The migration strength ``a`` is chosen by
measurement at export (``choose_smoothing``): each candidate is quantised and the one whose
vectors are closest to fp32 on the calibration lines not used for the ranges wins, and "no
smoothing" is a candidate too, so a model without outliers is left as it is.

Written here rather than taken from onnxruntime: its SmoothQuant goes through Intel Neural
Compressor and only for static quantisation (fixed activation scales from calibration), which
this encoder does not use.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnx

#: migration strengths tried at export (SmoothQuant's paper uses 0.5 for most models, up to
#: 0.75-0.85 for those with stronger outliers); None: the graph quantised as it is
ALPHAS: tuple[float | None, ...] = (None, 0.5, 0.6, 0.7, 0.8)
#: bounds of a channel's scale: a dead channel (max 0) must not become a division by zero
_SCALE_RANGE = (1e-2, 1e3)

Feeds = Callable[[list[str]], dict[str, np.ndarray]]
Quantise = Callable[["onnx.ModelProto", Path], None]


@dataclass(frozen=True)
class Smoothing:
    """What ``choose_smoothing`` chose: ``alpha`` (None: none), the mean / minimum cosine of
    that int8 graph's vectors to the fp32 ones on the held-out calibration lines (and the mean per
    candidate), and the fp32 ``graph`` it quantised (to quantise again with other settings, and
    judge that graph by ``cosines``)."""

    alpha: float | None
    mean_cosine: float
    min_cosine: float
    candidates: dict[str, float]
    graph: Any = field(repr=False, compare=False, default=None)
    #: the held-out calibration lines, and the fp32 graph's vectors of them
    judge: list[str] = field(repr=False, compare=False, default_factory=list)
    reference: Any = field(repr=False, compare=False, default=None)

    def cosines(self, quantised: Path, feeds: Feeds) -> np.ndarray:
        """Per held-out line, the cosine between ``quantised``'s vector and the fp32 one."""
        cos: np.ndarray = (unit_vectors(quantised, self.judge, feeds) * self.reference).sum(1)
        return cos

    def as_record(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "mean_cosine": round(self.mean_cosine, 6),
            "min_cosine": round(self.min_cosine, 6),
            "candidates_mean_cosine": self.candidates,
        }


def calibration_texts() -> list[str]:
    """The calibration lines, each with its e5 prompt (``query: `` or ``passage: ``)."""
    text = resources.files(__package__).joinpath("calibration.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def quantised_inputs(model: onnx.ModelProto) -> dict[str, str]:
    """Node name -> the activation input of every node dynamic quantisation turns into int8: a
    ``MatMul`` by a constant weight, and the fused ``Attention`` (its packed Q, K, V weight)."""
    consts = {init.name for init in model.graph.initializer}
    return {
        node.name: node.input[0]
        for node in model.graph.node
        if (node.op_type == "MatMul" and node.input[1] in consts) or node.op_type == "Attention"
    }


def activation_ranges(model: onnx.ModelProto, texts: list[str], feeds: Feeds, batch: int = 16) -> dict[str, np.ndarray]:
    """Tensor name -> per-channel max |value| over the real (unpadded) tokens of ``texts``, for
    the activation input of each quantised node."""
    import onnx
    import onnxruntime as ort

    probe = _copy(model)
    names = list(dict.fromkeys(quantised_inputs(model).values()))
    for name in names:
        probe.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    ranges: dict[str, np.ndarray] = {}
    for start in range(0, len(texts), batch):
        inputs = feeds(texts[start : start + batch])
        real = inputs["attention_mask"].astype(bool)
        for name, value in zip(names, session.run(names, inputs), strict=True):
            top = np.abs(np.asarray(value)[real]).max(axis=0)
            ranges[name] = np.maximum(ranges[name], top) if name in ranges else top
    return ranges


def _copy(model: onnx.ModelProto) -> onnx.ModelProto:
    import onnx

    out = onnx.ModelProto()
    out.CopyFrom(model)
    return out


def smoothed(model: onnx.ModelProto, ranges: dict[str, np.ndarray], alpha: float) -> onnx.ModelProto:
    """A copy of ``model`` computing the same function, each quantised node's input divided by
    its SmoothQuant scales (an inserted ``Mul``) and its weight rows multiplied by them."""
    import onnx
    from onnx import numpy_helper

    out = _copy(model)
    inits = {init.name: init for init in out.graph.initializer}
    targets = quantised_inputs(out)
    nodes = list(out.graph.node)
    del out.graph.node[:]
    for node in nodes:
        if node.name in targets:
            weight_init = inits[node.input[1]]
            weight = numpy_helper.to_array(weight_init)  # [in, out]: row j multiplies input channel j
            w_max = np.maximum(np.abs(weight).max(axis=1), 1e-5)
            x_max = np.maximum(ranges[node.input[0]], 1e-5)
            scale = np.clip(x_max**alpha / w_max ** (1 - alpha), *_SCALE_RANGE).astype(np.float32)
            rows = (weight * scale[:, None]).astype(np.float32)
            weight_init.CopyFrom(numpy_helper.from_array(rows, weight_init.name))
            inverse = f"{node.name}/smooth_inverse"
            out.graph.initializer.append(numpy_helper.from_array((1 / scale).astype(np.float32), inverse))
            flat = f"{node.name}/smoothed_input"
            mul = onnx.helper.make_node("Mul", [node.input[0], inverse], [flat], name=f"{node.name}/smooth")
            out.graph.node.append(mul)
            node.input[0] = flat
        out.graph.node.append(node)
    return out


def held_out(texts: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """The calibration lines that give the ranges (even) and those that judge a graph (odd)."""
    lines = list(texts if texts is not None else calibration_texts())
    return lines[0::2], lines[1::2]


def unit_vectors(graph: onnx.ModelProto | Path, texts: list[str], feeds: Feeds) -> np.ndarray:
    """``graph``'s (a model or a file) L2-normalised vectors of ``texts``, in batches of 16."""
    import onnxruntime as ort

    source = str(graph) if isinstance(graph, Path) else graph.SerializeToString()
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    rows = [np.asarray(session.run(None, feeds(texts[i : i + 16]))[0]) for i in range(0, len(texts), 16)]
    v = np.concatenate(rows).astype(np.float32)
    unit: np.ndarray = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return unit


def choose_smoothing(
    model: onnx.ModelProto,
    feeds: Feeds,
    quantise: Quantise,
    target: Path,
    *,
    texts: Sequence[str] | None = None,
    alphas: Sequence[float | None] = ALPHAS,
) -> Smoothing:
    """Quantise ``model`` (``quantise(graph, path)``) with each of ``alphas`` and keep at
    ``target`` the int8 graph whose vectors are closest to ``model``'s (mean cosine) on the odd
    calibration lines; the ranges come from the even ones. ``model``'s own vectors of those
    lines are computed once, and kept in the result to judge other graphs by
    (``Smoothing.cosines``)."""
    fit, judge = held_out(texts)
    ranges = activation_ranges(model, fit, feeds)
    reference = unit_vectors(model, judge, feeds)
    best: tuple[float, float, float | None, onnx.ModelProto] | None = None
    tried: dict[str, float] = {}
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".smoothing-") as scratch:
        for alpha in alphas:
            graph = _copy(model) if alpha is None else smoothed(model, ranges, alpha)
            path = Path(scratch) / f"int8-{alpha}.onnx"
            quantise(graph, path)
            cos = (unit_vectors(path, judge, feeds) * reference).sum(1)
            tried[str(alpha)] = round(float(cos.mean()), 6)
            if best is None or float(cos.mean()) > best[0]:
                best = (float(cos.mean()), float(cos.min()), alpha, graph)
                path.replace(target)
    assert best is not None, "no candidate alpha"
    return Smoothing(
        alpha=best[2],
        mean_cosine=best[0],
        min_cosine=best[1],
        candidates=tried,
        graph=best[3],
        judge=judge,
        reference=reference,
    )


def early_feed_forward_outputs(model: onnx.ModelProto, share: float) -> list[str]:
    """The names of the feed-forward output MatMuls (the ones fed by a GELU) of the first
    ``share`` of the layers, in graph order.

    Why these: the first and last tokens (``<s>``, ``</s>``) carry activations 10-30x every other
    token's in the feed-forward blocks' GELU outputs, a per-token outlier that one scale per
    tensor cannot represent and per-channel smoothing cannot move (docs/performance.md). An error
    made in an early layer passes through all the later ones: keeping the first third of those
    MatMuls in fp32 brings passages from a mean cosine of 0.9985 to 0.9991 to fp32 at ~1.7x
    torch's speed, where the last third gives 0.9988."""
    gelu_outputs = {out for node in model.graph.node if node.op_type in _GELU for out in node.output}
    consts = {init.name for init in model.graph.initializer}
    names = [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul" and node.input[1] in consts and _source(model, node.input[0]) & gelu_outputs
    ]
    return names[: round(len(names) * share)]


_GELU = ("BiasGelu", "Gelu", "FastGelu")


def _source(model: onnx.ModelProto, tensor: str) -> set[str]:
    """``tensor`` and, through an inserted smoothing ``Mul``, the tensor it scales."""
    for node in model.graph.node:
        if tensor in node.output and node.op_type == "Mul" and node.name.endswith("/smooth"):
            return {tensor, node.input[0]}
    return {tensor}
