"""SmoothQuant scales for the int8 graph: the smoothed graph computes the same function, its
ranges ignore padding, and the export keeps the candidate measured closest to fp32.

A small graph of the same shape as e5's (token embeddings -> MatMul -> Relu -> MatMul,
mean-pooled), with one hidden channel 50x the others as e5 has, stands in for the model: the
real export is covered by tests/index/test_onnx_encoder.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from index.embedding.smoothing import (
    activation_ranges,
    calibration_texts,
    choose_smoothing,
    early_feed_forward_outputs,
    quantised_inputs,
    smoothed,
)

VOCAB, DIM, HIDDEN, OUT = 64, 16, 32, 8


def _graph(outlier: float = 50.0) -> onnx.ModelProto:
    rng = np.random.default_rng(7)
    emb = rng.normal(size=(VOCAB, DIM)).astype(np.float32)
    up = rng.normal(size=(DIM, HIDDEN)).astype(np.float32) / 4
    emb[:, 3] *= outlier  # one channel far above the others, its weights small, like e5's
    up[3] /= outlier
    inits = [
        numpy_helper.from_array(emb, "emb"),
        numpy_helper.from_array(up, "w1"),
        numpy_helper.from_array(rng.normal(size=(HIDDEN, OUT)).astype(np.float32) / 4, "w2"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
    ]
    nodes = [
        helper.make_node("Gather", ["emb", "input_ids"], ["x"], name="embed"),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT, name="cast"),
        helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"], name="unsqueeze"),
        helper.make_node("Mul", ["x", "mask3"], ["xm"], name="masked"),
        helper.make_node("MatMul", ["xm", "w1"], ["h"], name="up"),
        helper.make_node("Relu", ["h"], ["a"], name="act"),
        helper.make_node("MatMul", ["a", "w2"], ["y"], name="down"),
        helper.make_node("ReduceMean", ["y"], ["pooled"], axes=[1], keepdims=0, name="pool"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", OUT])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def _feeds(texts: list[str]) -> dict[str, np.ndarray]:
    """A text is its characters' codes modulo the vocabulary; padded with 0 and a 0 mask."""
    longest = max(len(t) for t in texts)
    ids = np.zeros((len(texts), longest), dtype=np.int64)
    mask = np.zeros((len(texts), longest), dtype=np.int64)
    for row, t in enumerate(texts):
        ids[row, : len(t)] = [ord(c) % VOCAB for c in t]
        mask[row, : len(t)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def _run(model: onnx.ModelProto | Path, texts: list[str]) -> np.ndarray:
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, _feeds(texts))[0])


def _quantise(graph: onnx.ModelProto, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(graph, str(target), weight_type=QuantType.QInt8, per_channel=True)


TEXTS = [f"line {i}: " + "abcdefghijklmnopqrstuvwxyz"[i % 26 :] * (1 + i % 3) for i in range(40)]


def test_quantised_inputs_are_the_matmuls_by_constant_weights() -> None:
    assert quantised_inputs(_graph()) == {"up": "xm", "down": "a"}


def test_ranges_ignore_padding() -> None:
    ranges = activation_ranges(_graph(), ["ab", "abcdefgh"], _feeds)
    emb = numpy_helper.to_array(_graph().graph.initializer[0])
    used = emb[[ord(c) % VOCAB for c in "abcdefgh"]]  # the padding id 0 never counts
    np.testing.assert_allclose(ranges["xm"], np.abs(used).max(axis=0), rtol=1e-6)
    assert set(ranges) == {"xm", "a"} and ranges["a"].shape == (HIDDEN,)


@pytest.mark.parametrize("alpha", [0.5, 0.8])
def test_smoothed_graph_computes_the_same_vectors(alpha: float) -> None:
    model = _graph()
    smooth = smoothed(model, activation_ranges(model, TEXTS, _feeds), alpha)
    assert [n.name for n in smooth.graph.node if n.op_type == "Mul"] == ["masked", "up/smooth", "down/smooth"]
    np.testing.assert_allclose(_run(smooth, TEXTS), _run(model, TEXTS), rtol=1e-4, atol=1e-4)
    assert len(model.graph.node) == 8  # the original is left as it was


def test_export_keeps_the_candidate_closest_to_fp32(tmp_path: Path) -> None:
    model = _graph()
    target = tmp_path / "model.int8.onnx"
    chosen = choose_smoothing(model, _feeds, _quantise, target, texts=TEXTS)
    assert set(chosen.candidates) == {"None", "0.5", "0.6", "0.7", "0.8"}
    assert chosen.mean_cosine == pytest.approx(max(chosen.candidates.values()), abs=1e-6)
    assert chosen.alpha is not None  # the outlier channel makes smoothing pay
    assert chosen.candidates[str(chosen.alpha)] > chosen.candidates["None"]
    ref, got = _run(model, TEXTS[1::2]), _run(target, TEXTS[1::2])
    cos = (ref * got).sum(1) / np.linalg.norm(ref, axis=1) / np.linalg.norm(got, axis=1)
    assert float(cos.mean()) == pytest.approx(chosen.mean_cosine, abs=1e-4)
    assert [p.name for p in tmp_path.iterdir()] == ["model.int8.onnx"]  # no scratch left behind


def test_calibration_text_is_prompted_and_multilingual() -> None:
    lines = calibration_texts()
    assert len(lines) >= 100
    assert all(line.startswith(("query: ", "passage: ")) for line in lines)
    scripts = {"cyrillic": "а", "azerbaijani": "ə", "latin": "the "}
    assert all(any(mark in line.lower() for line in lines) for mark in scripts.values())


def _layers(n: int) -> onnx.ModelProto:
    """``n`` feed-forward blocks (MatMul -> Gelu -> MatMul) in a row, for the graph's structure."""
    rng = np.random.default_rng(3)
    nodes, inits, x = [], [], "x0"
    for i in range(n):
        inits += [
            numpy_helper.from_array(rng.normal(size=(DIM, HIDDEN)).astype(np.float32), f"up{i}.w"),
            numpy_helper.from_array(rng.normal(size=(HIDDEN, DIM)).astype(np.float32), f"down{i}.w"),
        ]
        nodes += [
            helper.make_node("MatMul", [x, f"up{i}.w"], [f"h{i}"], name=f"layer{i}/up"),
            helper.make_node("Gelu", [f"h{i}"], [f"a{i}"], name=f"layer{i}/gelu", domain="com.microsoft"),
            helper.make_node("MatMul", [f"a{i}", f"down{i}.w"], [f"x{i + 1}"], name=f"layer{i}/down"),
        ]
        x = f"x{i + 1}"
    graph = helper.make_graph(
        nodes,
        "layers",
        [helper.make_tensor_value_info("x0", TensorProto.FLOAT, ["batch", "seq", DIM])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["batch", "seq", DIM])],
        inits,
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)]
    )


def test_early_feed_forward_outputs_are_the_first_layers_matmuls_after_a_gelu() -> None:
    model = _layers(6)
    assert early_feed_forward_outputs(model, 1 / 3) == ["layer0/down", "layer1/down"]
    assert early_feed_forward_outputs(model, 1.0) == [f"layer{i}/down" for i in range(6)]
    assert early_feed_forward_outputs(model, 0.0) == []
    ranges = {
        t: np.ones(DIM if t.startswith("x") else HIDDEN, dtype=np.float32) for t in quantised_inputs(model).values()
    }
    smooth = smoothed(model, ranges, 0.5)  # a smoothing Mul between the GELU and the MatMul
    assert early_feed_forward_outputs(smooth, 1 / 3) == ["layer0/down", "layer1/down"]
