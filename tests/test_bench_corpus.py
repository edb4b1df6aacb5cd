"""The corpus-model benchmark's scoring on a tiny synthetic corpus folder (no model, no dev files)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.bench_corpus import model_paragraphs, paragraph_accuracy, speaker_forms, speaker_ok
from bench.peer_paragraphs import bm25_ranker, paragraphs
from index.corpus.sources import Source, load_sources, registry_yaml
from index.types import SourceInfo

from .conftest import copy_corpus

TEXT = (
    "# Встреча в Баку\n\n"
    "10 апреля 2025 года Ильхам Алиев сказал: «Мы открыты к диалогу со всеми партнёрами региона».\n\n"
    "Автор считает, что это важный сигнал для соседей.\n"
)
GOLD = [
    {"paragraph": 1, "date": None, "speaker": None, "kind": "title"},
    {"paragraph": 2, "date": "2025-04-10", "speaker": "Ilham Aliyev", "kind": "quote"},
    {"paragraph": 3, "date": "2025-04-10", "speaker": "Ilham Aliyev", "kind": "reported"},  # the model says otherwise
    {"paragraph": 4, "date": None, "speaker": None, "kind": "commentary"},  # a paragraph the text does not have
]


def corpus_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.md").write_text(TEXT, encoding="utf-8")
    (folder / "sources.yaml").write_text(
        yaml.safe_dump([{"file": "a.md", "title": "A", "language": "ru", "published": "2025-04-11"}]), encoding="utf-8"
    )
    (folder / "annotations.yaml").write_text(yaml.safe_dump({"a.md": GOLD}, allow_unicode=True), encoding="utf-8")
    (folder / "speakers.yaml").write_text("Ilham Aliyev: [Ильхам Алиев, Алиев]\n", encoding="utf-8")
    return folder


def registered(tmp_path: Path, folder: Path) -> Path:
    """A data dir with the seed and ``a.md`` registered as ``x1`` (as `sources add` would, without an index)."""
    data = copy_corpus(tmp_path / "data")
    (data / "sources" / "x1.txt").write_text((folder / "a.md").read_text(encoding="utf-8"), encoding="utf-8")
    info = SourceInfo(id="x1", title="A", language="ru", file="sources/x1.txt", published="2025-04-11")
    sources = [*load_sources(data), Source(info, "")]
    (data / "sources.yaml").write_text(registry_yaml(list(sources)), encoding="utf-8")
    return data


def test_per_paragraph_accuracy_on_a_synthetic_folder(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path)
    data = registered(tmp_path, folder)
    model = model_paragraphs(data, {"a.md": "x1"})
    assert sorted(model["a.md"]) == [1, 2, 3]
    assert model["a.md"][2].speaker == "aliyev" and "Ilham Aliyev" in model["a.md"][2].names
    annotations = yaml.safe_load((folder / "annotations.yaml").read_text(encoding="utf-8"))
    tallies = paragraph_accuracy(annotations, model, speaker_forms(folder))
    overall = tallies["overall"]
    assert overall.n == tallies["a.md"].n == 4
    assert overall.right == {"date": 2, "speaker": 2, "kind": 2}  # the title and the dated quote
    assert "a.md ¶3 kind: expected reported got commentary" in overall.wrong
    assert "a.md ¶4 date: expected None got None" in overall.wrong  # missing paragraphs are wrong


def test_speaker_rule_is_the_scorers() -> None:
    forms = {"Ilham Aliyev": ["Ilham Aliyev", "Ильхам Алиев", "Алиев"]}
    assert speaker_ok("Ilham Aliyev", "Президент Ильхам Алиев", forms)
    assert speaker_ok("Ilham Aliyev", "aliyev", forms)
    assert not speaker_ok("Ilham Aliyev", "Donald Trump", forms) and not speaker_ok("Ilham Aliyev", None, forms)
    assert speaker_ok("Hikmet Hajiyev", "Hajiyev", {})  # no spellings: the name itself


def test_bm25_peer_ranks_whole_paragraphs(tmp_path: Path) -> None:
    data = registered(tmp_path, corpus_folder(tmp_path))
    rows = paragraphs(data)
    assert ("x1", 3, "Автор считает, что это важный сигнал для соседей.") in rows
    rank = bm25_ranker([text for _, _, text in rows], data)
    best = rows[rank("важный сигнал для соседей")[0][0]]
    assert best[:2] == ("x1", 3)
