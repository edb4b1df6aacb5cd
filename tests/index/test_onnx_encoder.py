"""The ONNX encoder: parity with sentence-transformers (the reference), the encoder record in
index manifests, a missing or damaged export, and a serving path that never imports torch."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import Engine, Settings, build_index
from index.config import DEFAULT_MODEL
from index.embedding import onnx_encoder as onx
from index.embedding.materialise import FOLDER_NAME, WEIGHTS_SHA256
from index.embedding.model import ENCODERS, Embedder, default_onnx_folder, encoder_choice, load_embedder
from index.errors import ManifestMismatchError, ModelMissingError
from index.store.versions import IndexStore
from tests.conftest import flip_byte

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "Когда Алиев позвонил Трампу?",
    "What did Trump share on Truth Social?",
    "трамп новруз",
    "«Азербайджан и США всегда тесно сотрудничали в борьбе с глобальными вызовами» " * 20,
    "ё Ё — <b>&amp;</b> 🙂",
    "ꙮꙮ",
    "",
]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1)


# ----------------------------------------------------------------------------- parity


@pytest.mark.parametrize(
    ("encoder", "min_cos", "mean_cos"),
    [("onnx", 0.99999, 0.99999), ("onnx-int8", 0.99, 0.997), ("onnx-int8-mixed", 0.99, 0.997)],
)
def test_parity_with_sentence_transformers(
    shared_cache: Path, reference: Embedder, encoder: str, min_cos: float, mean_cos: float
) -> None:
    onnx = load_embedder(DEFAULT_MODEL, shared_cache, encoder=encoder)
    assert onnx.fingerprint == reference.fingerprint == WEIGHTS_SHA256
    for ours, ref in (
        (onnx.encode_queries(TEXTS), reference.encode_queries(TEXTS)),
        (onnx.encode_passages(TEXTS, batch_size=3), reference.encode_passages(TEXTS, batch_size=3)),
    ):
        assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        cos = _cosines(ours, ref)
        assert cos.min() >= min_cos and cos.mean() >= mean_cos, cos


def test_onnx_batches_equal_single_texts(shared_cache: Path) -> None:
    onnx = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")
    batch = onnx.encode_passages(TEXTS, batch_size=4)
    single = np.stack([onnx.encode_passages([t])[0] for t in TEXTS])
    np.testing.assert_allclose(batch, single, atol=1e-5)
    assert float(onnx.encode_queries(TEXTS[:1])[0] @ single[0]) < 0.9999  # another prompt


def test_long_texts_are_truncated_like_sentence_transformers(shared_cache: Path, reference: Embedder) -> None:
    onnx = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")
    long = [TEXTS[3] * 5]
    assert onnx.token_lengths(long, "passage: ") == reference.token_lengths(long, "passage: ") == [512]
    assert float(_cosines(onnx.encode_passages(long), reference.encode_passages(long))[0]) > 0.99999


# ----------------------------------------------------------------------------- choice of encoder


def test_encoder_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUOTEBOT_ENCODER", raising=False)
    assert encoder_choice(DEFAULT_MODEL, Settings.from_env().encoder) == "onnx-int8-mixed"
    assert encoder_choice("/some/other/model", "onnx") == "sentence-transformers"  # no ONNX files for other models
    monkeypatch.setenv("QUOTEBOT_ENCODER", "onnx-int8")  # read once, into the settings
    assert encoder_choice(DEFAULT_MODEL, Settings.from_env().encoder) == "onnx-int8"
    assert encoder_choice(DEFAULT_MODEL) == "onnx-int8-mixed"  # the environment is not read here
    with pytest.raises(ModelMissingError, match="QUOTEBOT_ENCODER='tensorflow' is not one of onnx"):
        encoder_choice(DEFAULT_MODEL, "tensorflow")
    assert set(ENCODERS) == {"onnx", "onnx-int8", "onnx-int8-queries", "onnx-int8-mixed", "sentence-transformers"}


def test_int8_questions_with_fp32_passages(shared_cache: Path, tmp_path: Path) -> None:
    (tmp_path / "cache").symlink_to(shared_cache)  # another cache path: a fresh embedder, not the cached one
    default = load_embedder(DEFAULT_MODEL, tmp_path / "cache", encoder="onnx-int8-queries")
    fp32 = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")
    int8 = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx-int8")
    assert default.encoder["quantisation"] == "int8 questions, none passages"
    assert default.encoder["checksum"] == f"{int8.encoder['checksum']}+{fp32.encoder['checksum']}"
    np.testing.assert_allclose(default.encode_queries(TEXTS[:3]), int8.encode_queries(TEXTS[:3]), atol=1e-6)
    assert default._passage_backend is None  # serving never loads the fp32 graph
    np.testing.assert_allclose(default.encode_passages(TEXTS[:3]), fp32.encode_passages(TEXTS[:3]), atol=1e-6)
    assert default._passage_backend is not None and default._passage_backend.sessions() == []  # released


# ----------------------------------------------------------------------------- missing or damaged


@pytest.fixture
def small_cache(tmp_path: Path, shared_cache: Path) -> Path:
    """A cache holding only the int8 export (enough to serve), copied from the shared cache."""
    src = default_onnx_folder(shared_cache)
    dst = default_onnx_folder(tmp_path)
    dst.mkdir(parents=True)
    int8 = onx.model_files("int8", onx.read_record(src) or {})
    for name in (onx.CHECKSUM_FILE, onx.TOKENIZER_FILE, onx.CORE_FILE, onx.CORE_IDS_FILE, *int8):
        shutil.copyfile(src / name, dst / name)
    return tmp_path


def test_copied_export_serves(small_cache: Path) -> None:
    emb = load_embedder(DEFAULT_MODEL, small_cache, encoder="onnx-int8")
    assert emb.encoder == {
        "format": "onnx",
        "quantisation": "int8",
        "checksum": onx.encoder_checksum("int8", onx.read_record(default_onnx_folder(small_cache)) or {}),
    }
    assert emb.encode_queries(["трамп новруз"]).shape == (1, 384)
    assert not (small_cache / "models" / FOLDER_NAME).exists()  # serving never needs the torch folder


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda f: (f / "model.int8.onnx").unlink(), "model.int8.onnx is missing"),
        (lambda f: flip_byte(f / "model.int8.onnx.data", 5_000_000), "checksum mismatch for model.int8.onnx.data"),
        (lambda f: flip_byte(f / "model.int8.onnx", 1000), "checksum mismatch for model.int8.onnx"),
        (lambda f: (f / "tokenizer.json").write_text("{}"), "checksum mismatch for tokenizer.json"),
        (lambda f: flip_byte(f / "tokenizer.core.json", 1000), "checksum mismatch for tokenizer.core.json"),
        (lambda f: (f / "tokenizer.core.ids.npy").unlink(), "tokenizer.core.ids.npy is missing"),
        (lambda f: (f / onx.CHECKSUM_FILE).unlink(), "missing or unreadable"),
        (lambda f: shutil.rmtree(f), "does not exist"),
    ],
)
def test_missing_or_damaged_export_says_how_to_fix(small_cache: Path, damage: object, why: str) -> None:
    damage(default_onnx_folder(small_cache))  # type: ignore[operator]
    with pytest.raises(ModelMissingError) as err:
        load_embedder(DEFAULT_MODEL, small_cache, encoder="onnx-int8")
    assert why in str(err.value)
    assert "quotebot model fetch" in str(err.value)


def test_export_of_other_weights_is_refused(small_cache: Path) -> None:
    folder = default_onnx_folder(small_cache)
    record = json.loads((folder / onx.CHECKSUM_FILE).read_text())
    record["weights_sha256"] = "0" * 64
    (folder / onx.CHECKSUM_FILE).write_text(json.dumps(record))
    with pytest.raises(ModelMissingError, match=r"exported from other weights.*quotebot model fetch"):
        load_embedder(DEFAULT_MODEL, small_cache, encoder="onnx-int8")


# ----------------------------------------------------------------------------- manifest


def test_manifest_records_the_encoder_and_refuses_another(built_data: Path, shared_cache: Path) -> None:
    settings = Settings.from_env(data_dir=built_data)
    store = IndexStore(settings.index_dir)
    manifest = store.manifest(store.require_current())
    served = load_embedder(DEFAULT_MODEL, shared_cache)
    assert manifest.encoder == served.encoder
    assert Engine.open(settings).ask("Когда Алиев позвонил Трампу?").answered
    other = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx-int8")
    with pytest.raises(ManifestMismatchError, match=r"built with the onnx/.* onnx/int8 .*quotebot index build"):
        Engine.open(settings, embedder=other)


def test_index_build_re_embeds_for_another_encoder(data_dir: Path, shared_cache: Path) -> None:
    settings = Settings.from_env(data_dir=data_dir)
    fp32 = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")
    int8 = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx-int8")
    first = build_index(settings, encoder=fp32)
    assert build_index(settings, encoder=fp32).embedded == 0  # same encoder: every vector reused
    switched = build_index(settings, encoder=int8)
    assert switched.embedded == first.embedded  # another encoder: nothing reused
    store = IndexStore(settings.index_dir)
    assert store.manifest(switched.version).encoder["quantisation"] == "int8"
    assert Engine.open(settings, embedder=int8).ask("трамп новруз").answered


def test_int8_questions_serve_an_index_of_fp32_passages(data_dir: Path, shared_cache: Path) -> None:
    """Only the passages' graph makes the stored vectors: switching the questions to int8 (or
    back) keeps the index and every vector; switching the passages re-embeds."""
    settings = Settings.from_env(data_dir=data_dir)
    fp32 = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")
    mixed = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx-int8-queries")
    int8 = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx-int8")
    first = build_index(settings, encoder=fp32)
    assert Engine.open(settings, embedder=mixed).ask("трамп новруз").answered
    assert build_index(settings, encoder=mixed).embedded == 0
    assert Engine.open(settings, embedder=fp32).ask("трамп новруз").answered
    with pytest.raises(ManifestMismatchError, match=r"int8 questions, none passages .* onnx/int8 "):
        Engine.open(settings, embedder=int8)
    assert build_index(settings, encoder=int8).embedded == first.embedded


def test_run_builds_again_once_for_a_changed_encoder(data_dir: Path, shared_cache: Path) -> None:
    """An upgrade that changes the default encoder must not stop the bot: `quotebot run` / `ask`
    (``open_engine``) re-embed the intact corpus once, and the old version stays for rollback."""
    from index.build import open_engine

    settings = Settings.from_env(data_dir=data_dir)
    old = build_index(settings, encoder=load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx-int8"))
    notice = io.StringIO()
    engine = open_engine(settings, notice=notice)
    assert "built with the onnx/int8 " in notice.getvalue() and "Building it again once" in notice.getvalue()
    store = IndexStore(settings.index_dir)
    assert store.current() != old.version and old.version in store.versions()
    assert store.manifest(store.require_current()).encoder == load_embedder(DEFAULT_MODEL, shared_cache).encoder
    assert engine.ask("трамп новруз").answered
    again = io.StringIO()
    open_engine(settings, notice=again)  # nothing to do the second time
    assert again.getvalue() == "" and store.current() == engine.version


def test_old_manifest_without_encoder_is_refused(built_data: Path, tmp_path: Path, shared_cache: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_data, data)
    store = IndexStore(data / "index")
    path = store.version_dir(store.require_current()) / "manifest.json"
    raw = json.loads(path.read_text())
    del raw["encoder"]  # built before the record existed: torch
    path.write_text(json.dumps(raw))
    with pytest.raises(ManifestMismatchError, match="torch/none"):
        Engine.open(Settings.from_env(data_dir=data))


# ----------------------------------------------------------------------------- no torch


def test_serving_path_never_imports_torch(built_data: Path) -> None:
    """`quotebot ask` and the bot's modules, in a fresh interpreter, answer without torch."""
    code = (
        "import sys\n"
        "from quotebot.cli import main\n"
        "import bot.app\n"
        "code = main(['ask', '--json', 'Когда Алиев позвонил Трампу?'])\n"
        "assert code == 0, code\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "print('IMPORTED', bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTEBOT_")}
    env["QUOTEBOT_DATA_DIR"] = str(built_data)
    if os.environ.get("QUOTEBOT_CACHE_DIR"):
        env["QUOTEBOT_CACHE_DIR"] = os.environ["QUOTEBOT_CACHE_DIR"]
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert '"answered": true' in proc.stdout
    assert "IMPORTED []" in proc.stdout


def test_verified_files_are_not_hashed_again_until_they_change(
    small_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start checks the model by its stat once its checksum was verified (hashing 470 MB at
    every start cost seconds); rewriting the file changes its ctime, so damage is still found."""
    folder = default_onnx_folder(small_cache)
    assert onx.verify_onnx_folder(folder, WEIGHTS_SHA256, "int8") is None
    assert "model.int8.onnx" in json.loads((folder / onx.VERIFIED_FILE).read_text())
    hashed: list[str] = []
    real = onx.sha256_file
    monkeypatch.setattr(onx, "sha256_file", lambda p: hashed.append(Path(p).name) or real(p))
    assert onx.verify_onnx_folder(folder, WEIGHTS_SHA256, "int8") is None
    assert hashed == []
    flip_byte(folder / "model.int8.onnx.data", 5_000_000)
    problem = onx.verify_onnx_folder(folder, WEIGHTS_SHA256, "int8") or ""
    assert "checksum mismatch for model.int8.onnx.data" in problem
    assert hashed == ["model.int8.onnx.data"]


def test_fp32_weights_are_external_data_listed_in_the_record(shared_cache: Path) -> None:
    """The fp32 graph keeps its weights in model.onnx.data (memory-mapped by onnxruntime); both
    files are checksummed and both are in the encoder's checksum."""
    folder = default_onnx_folder(shared_cache)
    record = onx.read_record(folder) or {}
    assert onx.model_files("none", record) == ["model.onnx", "model.onnx.data"]
    assert (folder / "model.onnx").stat().st_size < 10_000_000 < (folder / "model.onnx.data").stat().st_size
    emb = load_embedder(DEFAULT_MODEL, shared_cache, encoder="onnx")
    assert emb.encoder["checksum"] == f"{record['files']['model.onnx']}:{record['files']['model.onnx.data']}"
