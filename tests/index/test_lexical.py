"""The serving BM25 reader scores exactly as bm25s, and a serving import stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np

from index.search.lexical import LexicalIndex, tokenize

TEXTS = [
    "Президент Алиев провёл телефонный разговор с Трампом.",
    "Госсекретарь Блинкен обсудил мирное соглашение с Арменией.",
    "The United States welcomed the peace agreement between Azerbaijan and Armenia.",
    "Алиев и Блинкен обсудили энергетику и Южный газовый коридор.",
    "COP29 in Baku: the US delegation and climate finance.",
]
QUERIES = [["ал"], ["блинк", "армен", "ал"], ["peac", "agreement", "peac"], ["~tramp"], ["нет-такого"], []]


def test_loaded_index_scores_exactly_as_bm25s(tmp_path: Path) -> None:
    built = LexicalIndex.build(TEXTS)
    built.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, len(TEXTS))
    reference = bm25s.BM25.load(str(tmp_path))
    for query in QUERIES:
        known = [t for t in query if t in reference.vocab_dict]
        expected = (
            np.asarray(reference.get_scores(known), dtype=np.float32) if known else np.zeros(len(TEXTS), np.float32)
        )
        assert np.array_equal(loaded.scores(query), expected), query
        assert np.array_equal(built.scores(query), expected), query
        assert loaded.doc_count(query) == int((expected > 0).sum())


def test_doc_count_is_documents_with_any_token() -> None:
    index = LexicalIndex.build(TEXTS)
    assert index.doc_count(tokenize("Алиев")) == 2
    assert index.doc_count(tokenize("Алиев Блинкен", query=True)) == 3
    assert index.doc_count(["нет-такого"]) == 0
    assert index.doc_count(["~tramp"]) == 1  # the name key of "Трампом"


def test_expansions_are_memoised_but_returned_as_copies() -> None:
    index = LexicalIndex.build(TEXTS)
    first = index.expand("армения")
    first.append("mutated")
    assert "mutated" not in index.expand("армения")


def test_loaded_index_cannot_be_saved_again(tmp_path: Path) -> None:
    LexicalIndex.build(TEXTS).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, len(TEXTS))
    try:
        loaded.save(tmp_path / "again")
    except ValueError:
        return
    raise AssertionError("a loaded index has nothing new to save")


def test_serving_imports_leave_out_build_libraries() -> None:
    """Answering needs neither bm25s (it pulls in scipy) nor the corpus model's natasha and
    pymorphy3: importing the engine, the public API and the CLI must not load them."""
    code = (
        "import sys, index, index.search.engine, quotebot.cli; "
        "heavy = [m for m in ('bm25s', 'scipy', 'natasha', 'pymorphy3', 'torch', 'index.build') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_a_verb_is_known_by_its_prefixed_pair() -> None:
    """ "звонил" is known where the corpus says "позвонил" (the same stem after a short prefix)."""
    index = LexicalIndex.build(["Алиев позвонил Трампу.", "Трамп написал письмо."])
    assert index.prefixed(tokenize("звонил")[0]) == [tokenize("позвонил")[0]]
    assert index.prefixed(tokenize("писал")[0]) == [tokenize("написал")[0]]
    assert index.prefixed("ал") == []  # too short to say anything


def test_azerbaijani_dotted_capital_keeps_the_word_whole() -> None:
    assert tokenize("İlham Əliyev") == tokenize("ilham əliyev")[:1] + tokenize("İlham Əliyev")[1:]
    assert "lham" not in tokenize("İlham")
