"""The serving BM25 reader scores exactly as bm25s, and a serving import stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np

from index.search.lexical import LexicalIndex, name_token, tokenize

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


def _expanded(index: LexicalIndex, question: str) -> set[str]:
    return {t for token in tokenize(question, query=True) for t in index.expand(token)}


def test_a_word_finds_its_cognate_in_the_other_script() -> None:
    """A Russian question and an English source may share only international words."""
    index = LexicalIndex.build(
        [
            "This is the source of global geopolitical change.",
            "The administration's policy on energy security.",
            "Aliyev gave an interview to Euronews.",
        ]
    )
    found = _expanded(index, "геополитических перемен администрации интервью энергетической")
    assert {"geopolit", "administr", "interview", "energi"} <= found
    assert not {"polici", "chang"} & _expanded(index, "получает перемены")  # one skeleton, other words
    english = LexicalIndex.build(["Администрация обсудила геополитическую ситуацию."])
    assert {"администрац", "геополитическ"} <= _expanded(english, "administration geopolitical")


def test_a_known_name_is_not_also_matched_as_a_cognate() -> None:
    """Names cross scripts by their keys already; their stems would count them twice."""
    index = LexicalIndex.build(["Talks were held in Washington."])
    assert index.expand(tokenize("Вашингтоне", query=True)[0]) == [name_token("вашингтон")]


def test_cognates_are_saved_with_the_index(tmp_path: Path) -> None:
    LexicalIndex.build(TEXTS).save(tmp_path)
    assert (tmp_path / "cognates.index.json").is_file()
    loaded = LexicalIndex.load(tmp_path, len(TEXTS))
    assert "peac" not in loaded.expand("мирн")
    assert loaded.expand("энергетик") == LexicalIndex.build(TEXTS).expand("энергетик")
    (tmp_path / "cognates.index.json").unlink()  # an index saved before them computes them
    assert LexicalIndex.load(tmp_path, len(TEXTS)).expand("энергетик") == loaded.expand("энергетик")


def test_an_azerbaijani_name_is_keyed_for_both_readings_of_its_suffix() -> None:
    """ "Avropanın" is "Avropa" + "nın" (and, by the rule for "Paşinyanın", "Avropan" + "ın")."""
    index = LexicalIndex.build(["Qaz hasilatınız Türkiyənin və Avropanın enerji təhlükəsizliyinə töhfə verir."])
    assert "~avrap" in index.expand(tokenize("Европы", query=True)[0])
    assert name_token("paşinyan") in tokenize("Paşinyanın")  # the surname keeps its own key


def test_a_name_is_known_whatever_vowels_its_transliteration_has() -> None:
    """ "Тегеран" is "Tehran": the abstention must not decline a question for a vowel the
    Russian spelling adds; names of under three consonants still have to match as they are."""
    index = LexicalIndex.build(["Hikmet Hajiyev spoke to Iranian media at a forum in Tehran."])
    assert index.knows_name(tokenize("Тегеране", query=True)[0])
    assert not index.knows_name(tokenize("Тбилиси", query=True)[0])
    assert not index.knows_name(tokenize("Ирана", query=True)[0])  # "~ran": too short to bend
