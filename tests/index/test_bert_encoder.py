"""The lean BERT encoder gives the same vectors as sentence-transformers on the same folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import Settings
from index.bert_encoder import LeanBert, supports
from index.model import load_embedder

TEXTS = ["Когда Алиев позвонил Трампу?", "What did Trump share on Truth Social?", "трамп новруз",
         "«Азербайджан и США всегда тесно сотрудничали в борьбе с глобальными вызовами» " * 20, "ё Ё — <b>&amp;</b> 🙂"]


@pytest.fixture(scope="module")
def folder() -> Path:
    settings = Settings.from_env()
    return load_embedder(settings.model, settings.cache_dir).path


def test_default_model_uses_lean_path(folder: Path) -> None:
    assert supports(folder)
    settings = Settings.from_env()
    assert isinstance(load_embedder(settings.model, settings.cache_dir)._model, LeanBert)


def test_parity_with_sentence_transformers(folder: Path) -> None:
    from sentence_transformers import SentenceTransformer

    lean = LeanBert(folder)
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    for prompt in ("query: ", "passage: "):
        a = lean.encode(TEXTS, prompt=prompt, batch_size=2)
        b = st.encode(TEXTS, prompt=prompt, normalize_embeddings=True, convert_to_numpy=True)
        assert np.min((a * b).sum(1)) > 0.99999
    assert lean.tokenizer([TEXTS[0]])["input_ids"][0] == st.tokenizer([TEXTS[0]])["input_ids"][0]
    long_ids = lean.tokenizer([TEXTS[3] * 5], max_length=512)["input_ids"][0]
    assert len(long_ids) == 512 and long_ids[-1] == 2  # truncated, still closed by </s>


def test_other_layouts_are_not_claimed(tmp_path: Path, folder: Path) -> None:
    assert not supports(tmp_path)
    (tmp_path / "modules.json").write_text((folder / "modules.json").read_text())
    (tmp_path / "config.json").write_text((folder / "config.json").read_text().replace('"bert"', '"roberta"'))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text((folder / "1_Pooling" / "config.json").read_text())
    assert not supports(tmp_path)
