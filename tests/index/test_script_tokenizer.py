"""The tokenizer core gives the full tokenizer's ids, exactly, on every text it takes; other
texts go to the full tokenizer. Checked on every evaluation text (seed, corpus_dev, questions)
and on random strings of core and other characters."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from index.embedding.model import default_onnx_folder
from index.embedding.onnx_encoder import TOKENIZER_FILE
from index.embedding.script_tokenizer import CORE_FILE, CORE_IDS_FILE, ScriptTokenizer

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="module")
def folder(shared_cache: Path) -> Path:
    return default_onnx_folder(shared_cache)


@pytest.fixture(scope="module")
def split(folder: Path) -> ScriptTokenizer:
    return ScriptTokenizer(folder / TOKENIZER_FILE, 512, core=(folder / CORE_FILE, folder / CORE_IDS_FILE))


def _evaluation_texts() -> list[str]:
    texts: list[str] = []
    for path in [*(REPO / "data" / "sources").glob("*"), *(SHARED / "corpus_dev").glob("*.md")]:
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for questions in (SHARED / "eval" / "questions.yaml", SHARED / "corpus_dev" / "questions.yaml"):
        if questions.exists():
            texts += [q["question"] for q in yaml.safe_load(questions.read_text(encoding="utf-8"))]
    texts += [q["question"] for q in yaml.safe_load((REPO / "bench" / "dev_questions.yaml").read_text("utf-8"))]
    return texts


def _random_texts(n: int) -> list[str]:
    rng = random.Random(7)
    alphabet = (
        "abcxyz ABCXYZ əƏğĞıİöÖüÜşŞçÇ абвгдеёжзийэюя АБВЁЯ 0123456789 .,;:!?-—–«»“”'\"()[]{}<>/@#%&*+=…"
        "éèàñßøåčšž ǅ ﬁ ½ №"  # Latin-1 and beyond, a ligature, a digraph: normalised, then core or not
        "中文 🙂 ꙮ ع ह"  # not core: the full tokenizer
    )
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(n)]


def test_core_ids_equal_full_ids(split: ScriptTokenizer) -> None:
    texts = [prefix + t for t in [*_evaluation_texts(), *_random_texts(3000)] for prefix in ("query: ", "passage: ")]
    full = split.full()
    expected = [e.ids for e in full.encode_batch(texts)]
    got = split.ids(texts)
    mismatched = [t for t, a, b in zip(texts, expected, got, strict=True) if list(b) != a]
    assert not mismatched, mismatched[:5]


def test_the_core_takes_the_corpus_scripts_and_leaves_the_rest(split: ScriptTokenizer) -> None:
    assert all(split.in_core(t) for t in ("Когда Алиев позвонил Трампу?", "Əliyev Trampa zəng edib", "Rubio’s «call»"))
    assert not any(split.in_core(t) for t in ("中文", "🙂", "ꙮ"))


def test_the_full_tokenizer_loads_only_when_needed(folder: Path) -> None:
    fresh = ScriptTokenizer(folder / TOKENIZER_FILE, 512, core=(folder / CORE_FILE, folder / CORE_IDS_FILE))
    fresh.ids(["query: Когда Алиев позвонил Трампу?"])
    assert fresh._full is None
    ids = fresh.ids(["query: 🙂"])[0]
    assert fresh._full is not None and isinstance(ids, np.ndarray) and ids[0] == 0 and ids[-1] == 2
