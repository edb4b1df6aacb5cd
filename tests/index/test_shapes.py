"""The passage model on source shapes other than the seed: wire items, letters, interviews,
chronologies, multi-speaker analyses and posts, in Russian, English and Azerbaijani.

Every text here is synthetic and written for the rule it pins."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus.dates import find_dates, relative_day
from index.corpus.names import name_key
from index.corpus.passages import build_passages
from index.corpus.sources import Source, load_speakers
from index.types import SourceInfo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def speakers():
    return load_speakers(REPO / "data")


def paras_of(text: str, speakers, lang: str = "ru", published: str | None = "2025-06-12"):
    source = Source(SourceInfo(id="t", title="T", language=lang, file="t.txt", published=published), text)
    passages, events, paragraphs = build_passages(source, speakers)
    return {p.number: p for p in paragraphs}, passages, events


def lines(*paragraphs: str) -> str:
    """A source text of ``paragraphs``: paragraph ``n`` is the ``n``-th argument."""
    return "\n\n".join(paragraphs)


def test_dateline_and_yesterday(speakers) -> None:
    text = ("Баку, 3 июня — Новости. Ильхам Алиев вчера выступил на конференции и заявил, что партнерство "
            "с США крепнет.\n\nНаблюдатели называют это потеплением.")
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2025-06-02"
    assert paras[1].speaker == "aliyev"
    assert paras[2].date is None  # commentary closes the event


def test_weekday_counts_back_from_publication(speakers) -> None:
    # 2025-06-12 is a Thursday; "on Tuesday" is 10 June
    paras, _, _ = paras_of("On Tuesday, Marco Rubio told reporters that talks were going well.", speakers, "en")
    assert paras[1].date == "2025-06-10" and paras[1].speaker == "rubio"


def test_chronology_relative_days(speakers) -> None:
    text = ("5 марта 2019 года министр Стивен Бэрри провел переговоры в Лиссабоне.\n\n"
            "На следующий день Дональд Трамп написал, что переговоры прошли успешно.\n\n"
            "В тот же день Никол Пашинян поблагодарил Вашингтон за посредничество.\n\n"
            "Через три дня после переговоров в Лиссабоне стороны обменялись пленными.\n\n"
            "В сентябре 2019 года Майк Помпео заявил о новом этапе.")
    paras, _, _ = paras_of(text, speakers)
    assert [paras[n].date for n in range(1, 6)] == ["2019-03-05", "2019-03-06", "2019-03-06", "2019-03-08", None]
    assert paras[2].speaker == "trump"
    assert paras[3].speaker == "pashinyan"  # "Никол Пашинян" after the verb
    assert paras[5].speaker == "pompeo"  # month only: a speaker, no day


def test_mentioned_years_and_quoted_dates_are_not_events(speakers) -> None:
    text = ("В 1992 году Конгресс принял 907-ю поправку.\n\n"
            "10 мая 2025 года Алиев сказал: «14 января в Вашингтоне подписали хартию, и это был плохой шаг»."
            "\n\nОн добавил, что ждет перемен.")
    paras, _, events = paras_of(text, speakers)
    assert paras[1].date is None
    assert [e.date for e in events] == ["2025-05-10"]
    assert paras[3].date == "2025-05-10" and paras[3].speaker == "aliyev"  # "он" is the speaker in play


def test_letter_is_attributed_to_its_signer(speakers) -> None:
    paras, passages, _ = paras_of(lines(
        "# A letter", "Washington, 4 July 2025. The White House published a letter to President Aliyev.",
        "Dear Mr. President,", "I am glad to congratulate you and the people of Azerbaijan.",
        "We value our partnership and wish it to grow stronger every year.", "Sincerely,", "Donald J. Trump",
        "The letter was read at a reception."), speakers, "en")
    assert paras[1].date is None  # the title
    for n in range(3, 8):
        assert paras[n].speaker == "trump" and paras[n].date == "2025-07-04", n
    assert {p.kind for p in passages if p.paragraph == 4} == {"quote"}


def test_interview_turns(speakers) -> None:
    paras, passages, _ = paras_of(lines(
        "Hikmet Hajiyev gave an interview to Reuters on 2 June 2025.",
        "Question: What comes next for the peace treaty?",
        "Answer: The text is ready, and we expect it to be signed this year, if Armenia changes its constitution.",
        "Question: And Washington?", "Answer: We welcome the role of the United States."), speakers, "en")
    assert paras[2].speaker == "Reuters correspondent"
    assert paras[3].speaker == "hajiyev" and paras[5].speaker == "hajiyev"
    assert paras[5].date == "2025-06-02"
    assert {p.kind for p in passages if p.paragraph in (3, 5)} == {"quote"}


def test_posts_with_timestamps_and_unknown_speakers(speakers) -> None:
    text = ("14.07.2024 08:20 — Хафиз Пашаев заявил: «Мы осуждаем любое насилие в политике».\n\n"
            "15.07.2024 10:00 — Агентство Turan обратило внимание на реакцию Баку.")
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2024-07-14" and paras[1].speaker == "Хафиз Пашаев"
    assert paras[2].date == "2024-07-15" and "Turan" in (paras[2].speaker or "")


def test_joint_statement_has_no_speaker(speakers) -> None:
    text = "1 октября 2020 года Дональд Трамп, Эмманюэль Макрон и Владимир Путин выступили с совместным заявлением."
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2020-10-01" and paras[1].speaker is None


def test_azerbaijani_dates_and_speaker(speakers) -> None:
    text = ("Bakı, 30 may 2018-ci il. ABŞ Prezidenti Donald Tramp Prezident İlham Əliyevə təbrik məktubu "
            "ünvanlayıb.\n\nXatırladaq ki, bir gün əvvəl, mayın 29-da terminalın açılışı olub.")
    paras, _, _ = paras_of(text, speakers, "az", published="2018-05-30")
    assert paras[1].date == "2018-05-30" and paras[1].speaker == "trump"  # "Əliyevə" is a dative
    assert paras[2].date == "2018-05-29"
    assert [(d.month, d.day) for d in find_dates("mayın 29-da")] == [(5, 29)]


def test_relative_day_reader() -> None:
    assert relative_day("Через два дня после встречи в Вашингтоне").after.startswith("встречи")
    assert relative_day("ertəsi gün nazir").offset == 1
    assert relative_day("The day before, the ministry").offset == -1


def test_name_key_is_script_free() -> None:
    assert name_key("Пашинян") == name_key("Pashinyan") == name_key("Paşinyan")
    assert name_key("Гаджиев") == name_key("Hajiyev") == name_key("Hacıyev")
    assert name_key("Трамп") == name_key("Tramp") == name_key("Trump")
    assert name_key("Rubio") != name_key("Putin")
