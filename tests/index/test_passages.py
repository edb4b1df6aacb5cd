"""The passage model, pinned rule by rule on the seed article and on small synthetic texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus.passages import build_passages, mark_quotes, split_paragraphs
from index.corpus.sources import Source, load_sources, load_speakers
from index.types import SourceInfo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed():
    source = load_sources(REPO / "data")[0]
    speakers = load_speakers(REPO / "data")
    passages, events, paragraphs = build_passages(source, speakers)
    return source, passages, events, {p.number: p for p in paragraphs}


def make_source(text: str, lang: str = "ru", published: str | None = None) -> Source:
    return Source(SourceInfo(id="t", title="t", language=lang, file="t.txt", published=published), text)


def test_seed_has_54_paragraphs_and_exact_passage_text(seed) -> None:
    source, passages, _events, paras = seed
    assert len(paras) == 54
    for p in passages:
        assert source.text[p.start : p.end] == p.text
        assert paras[p.paragraph].start <= p.start < p.end <= paras[p.paragraph].end


def test_header_date_carries_over_to_the_letter(seed) -> None:
    _, _, _, paras = seed
    # the 6 November 2024 letter runs from its header (12) over six more paragraphs
    assert [paras[n].date for n in range(12, 19)] == ["2024-11-06"] * 7
    assert {paras[n].occasion for n in range(12, 19)} == {"letter"}
    assert {paras[n].speaker for n in range(12, 19)} == {"aliyev"}


def test_mid_sentence_date_dates_its_letter(seed) -> None:
    _, _, events, paras = seed
    assert paras[12].header and paras[12].date == "2024-11-06"
    assert any(e.date == "2024-11-06" and e.occasion == "letter" for e in events)


def test_mentioned_years_are_never_event_dates(seed) -> None:
    _, passages, events, paras = seed
    assert "1992" in paras[46].text and "2001" in paras[46].text
    assert paras[46].date == "2025-07-19"
    assert not any(e.date.startswith(("1992", "2001")) for e in events)
    assert not any(p.date and p.date.startswith(("1992", "2001")) for p in passages)


def test_same_day_takes_year_from_context(seed) -> None:
    _, _, _, paras = seed
    assert paras[49].text.startswith("В тот же день, 22 июля")
    assert paras[49].date == "2025-07-22"
    assert paras[49].speaker == "aliyev" and paras[48].speaker == "trump"
    assert paras[49].occasion == "social_post"


def test_commentary_has_no_date(seed) -> None:
    _, passages, _, paras = seed
    for n in [*range(1, 10), 52, 53, 54]:
        assert paras[n].date is None and paras[n].occasion == "commentary", n
    assert all(p.kind == "commentary" for p in passages if p.paragraph in (1, 9, 52, 54))


def test_quote_spans_cross_paragraphs(seed) -> None:
    _, passages, _, paras = seed
    # the 2024 forum quote opens in 10 and closes in 11; the 2025 forum quote fills 46-47
    assert paras[11].depth_at_start == 1
    assert paras[46].speech == [(0, len(paras[46].text))]
    assert paras[47].depth_at_start == 1
    assert {p.kind for p in passages if p.paragraph in (13, 14, 15)} == {"quote"}
    # a stray closing mark (end of 22) does not open anything
    assert paras[23].depth_at_start == 0


def test_scare_quotes_are_not_speech(seed) -> None:
    _, _, _, paras = seed
    assert "«позабыв»" in paras[7].text
    assert paras[7].speech == []


def test_reported_speech_and_speakers(seed) -> None:
    _, passages, _, paras = seed
    assert paras[19].occasion == "phone_call" and paras[19].date == "2024-11-25"
    assert paras[21].speaker == "aliyev"  # subject near the reporting verb, not the first name
    assert paras[22].speaker == "trump"
    assert {p.kind for p in passages if p.paragraph == 20} == {"reported"}


#: The seed's events in order, one a line: date, speaker, occasion.
SEED_EVENTS = """\
2024-07-20 aliyev forum_speech
2024-11-06 aliyev letter
2024-11-25 aliyev phone_call
2025-01-21 aliyev letter
2025-01-30 aliyev letter
2025-01-20 aliyev interview
2025-03-13 aliyev interview
2025-04-10 trump letter
2025-05-28 trump letter
2025-07-04 aliyev letter
2025-07-19 aliyev forum_speech
2025-07-22 trump social_post
2025-07-22 aliyev social_post"""


def test_events_of_the_seed(seed) -> None:
    _, _, events, _ = seed
    assert [f"{e.date} {e.speaker} {e.occasion}" for e in events] == SEED_EVENTS.splitlines()


def test_english_article_rules() -> None:
    text = (
        "Relations have improved lately, analysts say.\n\n"
        'On August 8, 2025, President Trump said at the White House: "This is a historic day for peace."\n\n'
        "Trump added that the sides would sign more deals.\n\n"
        "In 1992 Congress passed Section 907.\n\n"
        "The relationship has a long way to go.\n\n"
        "08.09.2025 Ilham Aliyev wrote in a letter: “We value the partnership with the United States "
        "and look forward to new projects.”"
    )
    from index.corpus.sources import load_speakers

    speakers = load_speakers(REPO / "data")
    _, events, paras = build_passages(make_source(text, "en"), speakers)
    by = {p.number: p for p in paras}
    assert [(e.date, e.speaker) for e in events] == [("2025-08-08", "trump"), ("2025-09-08", "aliyev")]
    assert by[1].date is None
    assert by[3].date == "2025-08-08" and by[3].speaker == "trump"
    assert by[4].date is None and by[5].date is None  # commentary closes the event
    assert by[6].occasion == "letter"


def test_day_without_year_uses_publication_year() -> None:
    text = "15 мая Дональд Трамп написал: «Мы ценим наше партнерство и дружбу с Азербайджаном»."
    speakers = load_speakers(REPO / "data")
    _, events, _ = build_passages(make_source(text, published="2025-06-01"), speakers)
    assert events[0].date == "2025-05-15"


def test_unclosed_quote_is_reset_by_next_header() -> None:
    text = (
        "1 марта 2025 года Ильхам Алиев заявил: «Мы готовы к сотрудничеству во всех областях\n"
        "2 марта 2025 года Дональд Трамп написал: «Спасибо за поддержку и дружбу нашей стране»."
    )
    paras = split_paragraphs(text)
    mark_quotes(paras)
    assert paras[1].depth_at_start == 0
    speakers = load_speakers(REPO / "data")
    _, events, _ = build_passages(make_source(text), speakers)
    assert [e.date for e in events] == ["2025-03-01", "2025-03-02"]


def test_question_names_a_speaker_in_any_script() -> None:
    from index.search.query import parse

    speakers = load_speakers(REPO / "data")
    assert parse("Paşinyanın Rubio ilə danışığı", speakers).speaker == "pashinyan"
    assert parse("What did Pashinian say?", speakers).speaker == "pashinyan"
    assert parse("Что сказал Tramp?", speakers).speaker == "trump"
