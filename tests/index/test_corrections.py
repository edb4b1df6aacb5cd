"""Moderators' corrections as data: parsing ``field=value``, merging, the registry round trip and
applying them to passages. No model needed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from index.corpus.corrections import (
    Correction,
    CorrectionError,
    apply_corrections,
    check_paragraph,
    correct_paragraphs,
    paragraph_views,
    parse_assignments,
    with_correction,
)
from index.corpus.passages import build_passages
from index.corpus.sources import REGISTRY_FILE, Source, load_sources, load_speakers, registry_yaml
from index.errors import CorpusError
from index.types import SourceInfo

from ..conftest import copy_corpus

TEXT = (
    "Встреча в Баку\n\n"
    "10 апреля 2025 года Ильхам Алиев сказал: «Мы открыты к диалогу со всеми партнёрами».\n\n"
    "Автор считает, что это важный сигнал.\n"
)


def source(corrections: tuple[Correction, ...] = ()) -> Source:
    info = SourceInfo(id="t1", title="t", language="ru", file="sources/t1.txt", published="2025-04-11")
    return Source(info, TEXT, corrections)


def test_assignments_are_read_with_spaces_quotes_and_none() -> None:
    assert parse_assignments("date=2025-04-08 speaker=Hafiz Pashayev kind=Reported") == {
        "date": "2025-04-08",
        "speaker": "Hafiz Pashayev",
        "kind": "reported",
    }
    assert parse_assignments('speaker="Никол  Пашинян"') == {"speaker": "Никол Пашинян"}
    assert parse_assignments("date=none speaker=NONE") == {"date": None, "speaker": None}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "usage"),
        ("hello", "usage"),
        ("oops date=2025-01-01", "usage"),
        ("date=2025-02-30", "bad_date"),
        ("date=30.04.2025", "bad_date"),
        ("date=", "bad_date"),
        ("kind=speech", "bad_kind"),
        ("colour=blue", "unknown_key"),
        ("date=none date=2025-01-01", "duplicate_key"),
        ("speaker=", "bad_speaker"),
        ("speaker=<b>x</b>", "bad_speaker"),
        ("speaker=" + "x" * 101, "bad_speaker"),
    ],
)
def test_bad_assignments_are_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(CorrectionError) as err:
        parse_assignments(text)
    assert err.value.code == code


def test_paragraph_numbers_must_exist() -> None:
    assert check_paragraph("3", 3) == 3
    for bad in ("0", "4", "-1", "abc", "2.5"):
        with pytest.raises(CorrectionError) as err:
            check_paragraph(bad, 3)
        assert err.value.code == "bad_paragraph" and err.value.values["count"] == 3


def test_a_later_correction_is_merged_into_the_earlier() -> None:
    first = Correction(2, (("date", "2025-04-09"), ("kind", "quote")), "1", "t1")
    merged = with_correction([first], Correction(2, (("date", None), ("speaker", "X")), "2", "t2"))
    assert merged == (Correction(2, (("date", None), ("speaker", "X"), ("kind", "quote")), "2", "t2"),)
    assert merged[0].describe() == "date=none speaker=X kind=quote"


def test_corrections_round_trip_through_the_registry(tmp_path: Path) -> None:
    data = copy_corpus(tmp_path / "data")
    [seed] = load_sources(data)
    fixed = Source(seed.info, seed.text, (Correction(5, (("date", None), ("speaker", "Steve Daines")), "cli:x"),))
    (data / REGISTRY_FILE).write_text(registry_yaml([fixed]), encoding="utf-8")
    raw = yaml.safe_load((data / REGISTRY_FILE).read_text(encoding="utf-8"))
    assert raw["sources"][0]["corrections"] == [
        {"paragraph": 5, "date": None, "speaker": "Steve Daines", "by": "cli:x"}
    ]
    assert load_sources(data)[0].corrections == fixed.corrections
    assert "corrections" not in registry_yaml([seed.info])  # a bare SourceInfo has none


@pytest.mark.parametrize(
    "entry",
    [
        "x",
        [{"paragraph": 0, "date": None}],
        [{"paragraph": 2}],
        [{"paragraph": 2, "kind": "speech"}],
        [{"paragraph": 2, "colour": "blue"}],
    ],
)
def test_a_broken_corrections_field_names_the_registry(tmp_path: Path, entry: object) -> None:
    data = copy_corpus(tmp_path / "data")
    raw = yaml.safe_load((data / REGISTRY_FILE).read_text(encoding="utf-8"))
    raw["sources"][0]["corrections"] = entry
    (data / REGISTRY_FILE).write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"sources\.yaml: sources\[0\]"):
        load_sources(data)


def test_apply_sets_and_clears_only_the_given_fields() -> None:
    speakers = load_speakers(Path(__file__).resolve().parents[2] / "data")
    passages, _, paragraphs = build_passages(source(), speakers)
    views = {v.number: v for v in paragraph_views(passages)}
    assert (views[2].date, views[2].speaker, views[2].kind) == ("2025-04-10", "aliyev", "quote")
    assert (views[3].date, views[3].kind) == (None, "commentary")

    corrections = (
        Correction(2, (("date", None), ("kind", "reported"))),
        Correction(3, (("date", "2025-04-09"), ("speaker", "Президент Азербайджана"))),
        Correction(9, (("kind", "quote"),)),
    )  # a paragraph the text does not have: ignored
    fixed = {v.number: v for v in paragraph_views(apply_corrections(passages, corrections, speakers))}
    assert (fixed[2].date, fixed[2].speaker, fixed[2].kind) == (None, "aliyev", "reported")
    assert (fixed[3].date, fixed[3].speaker, fixed[3].kind) == ("2025-04-09", "aliyev", "commentary")  # an alias
    assert fixed[1] == views[1]
    free = apply_corrections(passages, [Correction(3, (("speaker", "Steve Daines"),))], speakers)
    assert {p.speaker for p in free if p.paragraph == 3} == {"Steve Daines"}  # a name beyond speakers.yaml
    rows = {p.number: p for p in correct_paragraphs(paragraphs, corrections, speakers)}
    assert (rows[3].date, rows[3].speaker) == ("2025-04-09", "aliyev") and rows[1].date is None
