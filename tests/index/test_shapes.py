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
    text = (
        "Баку, 3 июня — Новости. Ильхам Алиев вчера выступил на конференции и заявил, что партнерство "
        "с США крепнет.\n\nНаблюдатели называют это потеплением."
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2025-06-02"
    assert paras[1].speaker == "aliyev"
    assert paras[2].date is None  # commentary closes the event


def test_weekday_counts_back_from_publication(speakers) -> None:
    # 2025-06-12 is a Thursday; "on Tuesday" is 10 June
    paras, _, _ = paras_of("On Tuesday, Marco Rubio told reporters that talks were going well.", speakers, "en")
    assert paras[1].date == "2025-06-10" and paras[1].speaker == "rubio"


def test_chronology_relative_days(speakers) -> None:
    text = (
        "5 марта 2019 года министр Стивен Бэрри провел переговоры в Лиссабоне.\n\n"
        "На следующий день Дональд Трамп написал, что переговоры прошли успешно.\n\n"
        "В тот же день Никол Пашинян поблагодарил Вашингтон за посредничество.\n\n"
        "Через три дня после переговоров в Лиссабоне стороны обменялись пленными.\n\n"
        "В сентябре 2019 года Майк Помпео заявил о новом этапе."
    )
    paras, _, _ = paras_of(text, speakers)
    assert [paras[n].date for n in range(1, 6)] == ["2019-03-05", "2019-03-06", "2019-03-06", "2019-03-08", None]
    assert paras[2].speaker == "trump"
    assert paras[3].speaker == "pashinyan"  # "Никол Пашинян" after the verb
    assert paras[5].speaker == "pompeo"  # month only: a speaker, no day


def test_mentioned_years_and_quoted_dates_are_not_events(speakers) -> None:
    text = (
        "В 1992 году Конгресс принял 907-ю поправку.\n\n"
        "10 мая 2025 года Алиев сказал: «14 января в Вашингтоне подписали хартию, и это был плохой шаг»."
        "\n\nОн добавил, что ждет перемен."
    )
    paras, _, events = paras_of(text, speakers)
    assert paras[1].date is None
    assert [e.date for e in events] == ["2025-05-10"]
    assert paras[3].date == "2025-05-10" and paras[3].speaker == "aliyev"  # "он" is the speaker in play


def test_letter_is_attributed_to_its_signer(speakers) -> None:
    paras, passages, _ = paras_of(
        lines(
            "# A letter",
            "Washington, 4 July 2025. The White House published a letter to President Aliyev.",
            "Dear Mr. President,",
            "I am glad to congratulate you and the people of Azerbaijan.",
            "We value our partnership and wish it to grow stronger every year.",
            "Sincerely,",
            "Donald J. Trump",
            "The letter was read at a reception.",
        ),
        speakers,
        "en",
    )
    assert paras[1].date is None  # the title
    for n in range(3, 8):
        assert paras[n].speaker == "trump" and paras[n].date == "2025-07-04", n
    assert {p.kind for p in passages if p.paragraph == 4} == {"quote"}


def test_interview_turns(speakers) -> None:
    text = lines(
        "Hikmet Hajiyev gave an interview to Reuters on 2 June 2025.",
        "Question: What comes next for the peace treaty?",
        "Answer: The text is ready, and we expect it to be signed this year, if Armenia changes its constitution.",
        "Question: And Washington?",
        "Answer: We welcome the role of the United States.",
    )
    paras, passages, _ = paras_of(text, speakers, "en")
    assert paras[2].speaker == "Reuters correspondent" and paras[2].role == "question:Reuters correspondent"
    assert paras[3].speaker == "hajiyev" and paras[5].speaker == "hajiyev"
    assert paras[5].date == "2025-06-02"
    assert {p.kind for p in passages if p.paragraph in (3, 5)} == {"quote"}


def test_posts_with_timestamps_and_unknown_speakers(speakers) -> None:
    text = (
        "14.07.2024 08:20 — Хафиз Пашаев заявил: «Мы осуждаем любое насилие в политике».\n\n"
        "15.07.2024 10:00 — Агентство Turan обратило внимание на реакцию Баку."
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2024-07-14" and paras[1].speaker == "Хафиз Пашаев"
    assert paras[2].date == "2024-07-15" and "Turan" in (paras[2].speaker or "")


def test_joint_statement_has_no_speaker(speakers) -> None:
    text = "1 октября 2020 года Дональд Трамп, Эмманюэль Макрон и Владимир Путин выступили с совместным заявлением."
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2020-10-01" and paras[1].speaker is None


def test_azerbaijani_dates_and_speaker(speakers) -> None:
    text = (
        "Bakı, 30 may 2018-ci il. ABŞ Prezidenti Donald Tramp Prezident İlham Əliyevə təbrik məktubu "
        "ünvanlayıb.\n\nXatırladaq ki, bir gün əvvəl, mayın 29-da terminalın açılışı olub."
    )
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


def test_dash_interview(speakers) -> None:
    text = lines(
        "5 мая 2025 года Президент Ильхам Алиев дал интервью газете «Известия».",
        "— Господин президент, как вы оцениваете отношения с Вашингтоном?",
        "— Мы видим большой потенциал, и новая администрация действует решительно.",
        "Второй абзац ответа: партнерство в энергетике остается основой.",
        "— А мирный договор?",
        "— Текст согласован, ждем подписания.",
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[2].speaker == "корреспондент Известия"
    assert paras[3].speaker == paras[4].speaker == paras[6].speaker == "aliyev"
    assert paras[4].date == "2025-05-05"


def test_dash_quote_in_news_is_not_an_interview(speakers) -> None:
    text = lines(
        "10 мая 2025 года Майк Помпео выступил в Баку.", "— Мы ценим партнерство, — сказал он.", "— Как будет дальше?"
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[3].speaker != "корреспондент"  # no interview named: not a turn


def test_name_labelled_interview(speakers) -> None:
    text = lines(
        "Hikmet Hajiyev gave an interview to CNN on 2 June 2025.",
        "CNN: What comes next for the peace treaty?",
        "Hikmet Hajiyev: The text is ready, and we expect it to be signed this year.",
        "It depends on the constitution of Armenia, he said.",
        "CNN: And Washington?",
        "Hikmet Hajiyev: We welcome the role of the United States.",
    )
    paras, _, _ = paras_of(text, speakers, "en")
    assert paras[2].speaker == paras[5].speaker == "CNN correspondent"
    assert paras[3].speaker == paras[4].speaker == paras[6].speaker == "hajiyev"


def test_date_after_a_quoted_name_dates_the_event(speakers) -> None:
    text = lines(
        "Ильхам Алиев дал интервью газете «Известия» 5 мая 2025 года.",
        "Он сказал, что партнерство с США крепнет и будет расти.",
        "Форум «Баку, 10 апреля» открылся вновь.",
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2025-05-05" and paras[1].speaker == "aliyev"
    assert paras[2].date == "2025-05-05"
    assert paras[3].date is None  # a date inside quotation marks is a name, not the event's day


def test_chronology_weeks_months_and_the_year_in_play(speakers) -> None:
    text = lines(
        "12 марта 2018 года госсекретарь Рекс Тиллерсон позвонил Алиеву.",
        "Спустя неделю Алиев направил ответное письмо.",
        "В апреле того же года Трамп поздравил Алиева с переизбранием.",
        "15 мая Пашинян заявил, что готов к переговорам.",
    )
    paras, _, _ = paras_of(text, speakers, published="2019-01-10")
    assert [paras[n].date for n in range(1, 5)] == ["2018-03-12", "2018-03-19", None, "2018-05-15"]
    assert relative_day("Two weeks later, Rubio wrote").offset == 14
    assert relative_day("спустя несколько дней") is None  # no day to count


def test_a_day_after_publication_is_last_year(speakers) -> None:
    paras, _, _ = paras_of("25 декабря Алиев заявил, что год был успешным.", speakers, published="2025-01-10")
    assert paras[1].date == "2024-12-25"


def test_post_header_line_and_name_labels(speakers) -> None:
    text = lines(
        "Posted by @StateDept · Jan 31, 2025",
        "Secretary Rubio: The United States values its partnership with Azerbaijan.",
        "Posted by @presidentaz · Feb 1, 2025",
        "Ilham Aliyev: Thank you, Secretary Rubio, for the warm words.",
    )
    paras, _, _ = paras_of(text, speakers, "en", published="2025-02-02")
    assert paras[2].date == "2025-01-31" and paras[2].speaker == "rubio"
    assert paras[3].speaker is None  # "Feb" is a month, not a name
    assert paras[4].date == "2025-02-01" and paras[4].speaker == "aliyev"


def test_reported_speech_of_an_unnamed_person_continues_the_event(speakers) -> None:
    text = lines(
        "Баку, 13 марта, Trend. Президент Ильхам Алиев в четверг принял помощника госсекретаря США.",
        "Американский дипломат, в свою очередь, подчеркнул важность мира в регионе.",
    )
    paras, _, _ = paras_of(text, speakers, published="2025-03-14")
    assert paras[2].date == "2025-03-13" and paras[2].speaker is None


def test_analysis_quotes_experts_without_dates(speakers) -> None:
    text = (
        '"This is a pragmatic choice for both capitals," said Matthew Bryza, a former US ambassador.\n\n'
        "According to Richard Kauzlarich, another former envoy, Section 907 remains the main obstacle.\n\n"
        "The analysts agree on one thing: the momentum is real."
    )
    paras, passages, _ = paras_of(text, speakers, "en")
    assert paras[1].speaker == "Matthew Bryza" and paras[1].date is None
    assert {p.kind for p in passages if p.paragraph == 1} == {"quote"}
    assert paras[2].speaker == "Richard Kauzlarich"
    assert paras[3].speaker is None


def test_a_namesake_is_another_person(speakers) -> None:
    text = "По мнению эксперта Центра анализа международных отношений Вугара Байрамова, сближение продолжится."
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].speaker == "Вугар Байрамов"  # not the minister Jeyhun Bayramov


def test_unnamed_groups_noting_things_are_commentary(speakers) -> None:
    text = lines(
        "Баку, 13 марта, Trend. Президент Ильхам Алиев в четверг принял помощника госсекретаря США.",
        "Наблюдатели отметили, что тон Баку заметно изменился.",
    )
    paras, _, _ = paras_of(text, speakers, published="2025-03-14")
    assert paras[2].date is None and paras[2].speaker is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            lines(
                "Баку, 10 июня — АПА. Ильхам Алиев провел телефонный разговор с Марко Рубио.",
                "Стороны обсудили мирный процесс между Азербайджаном и Арменией.",
                "В ходе разговора Алиев отметил, что Баку готов к подписанию соглашения.",
                "Напомним, что в 1992 году Конгресс США принял 907-ю поправку.",
                "Алиев также поблагодарил американскую сторону за поддержку.",
            ),
        ),
        (
            "en",
            lines(
                "BAKU, June 10 (Reuters) - Ilham Aliyev and Marco Rubio held a phone call.",
                "The two discussed the peace process with Armenia and regional transport links.",
                "Aliyev said Baku was ready to sign the agreement.",
                "Earlier, the State Department had welcomed the talks.",
                "Aliyev also thanked Washington for its support, his office said.",
            ),
        ),
        (
            "az",
            lines(
                "Bakı, 10 iyun, AZƏRTAC. Prezident İlham Əliyev ABŞ dövlət katibi Marko Rubio ilə telefonla danışıb.",
                "Tərəflər Azərbaycan ilə Ermənistan arasında sülh prosesini müzakirə ediblər.",
                "Prezident İlham Əliyev bildirib ki, Bakı sazişi imzalamağa hazırdır.",
                "Xatırladaq ki, 1992-ci ildə ABŞ Konqresi 907-ci düzəlişi qəbul edib.",
                "Prezident İlham Əliyev dəstəyə görə təşəkkür edib.",
            ),
        ),
    ],
)
def test_a_news_item_tells_one_story_under_its_dateline(speakers, lang: str, text: str) -> None:
    """Narration after a dateline lead ("the two discussed …") is still the item's event, and so
    is the speech after it; a background paragraph is not, and the story goes on after it."""
    paras, _, _ = paras_of(text, speakers, lang)
    assert [paras[n].date for n in (1, 2, 3, 5)] == ["2025-06-10"] * 4
    assert paras[2].speaker is None  # narration: nobody's words
    assert paras[3].speaker == "aliyev" and paras[5].speaker == "aliyev"
    assert paras[4].date is None and paras[4].occasion == "commentary"


def test_undated_narration_in_an_analysis_is_commentary(speakers) -> None:
    """Without a dateline the same narration is the author's: the story rule is for news items."""
    text = lines(
        "On 10 June, Ilham Aliyev and Marco Rubio held a phone call.",
        "The two discussed the peace process with Armenia and regional transport links.",
    )
    paras, _, _ = paras_of(text, speakers, "en")
    assert paras[1].date == "2025-06-10"
    assert paras[2].date is None


@pytest.mark.parametrize(
    ("lang", "lead"),
    [
        ("ru", "ВАШИНГТОН, 10 июня. /ТАСС/. Госсекретарь Марко Рубио провел разговор с Ильхамом Алиевым."),
        ("ru", "Баку. 10 июня. INTERFAX.AZ — Ильхам Алиев провел разговор с Марко Рубио."),
        ("az", "Bakı. 10 iyun. REPORT.AZ. Prezident İlham Əliyev Marko Rubio ilə telefonla danışıb."),
        ("en", "WASHINGTON (AP) — Marco Rubio spoke with Ilham Aliyev on Tuesday."),
    ],
)
def test_datelines_of_every_print(speakers, lang: str, lead: str) -> None:
    """A place with a comma or a full stop before the day, or in capitals before "(Agency) —"."""
    narration = {"ru": "Стороны обсудили мирный процесс.", "az": "Tərəflər sülh prosesini müzakirə ediblər."}
    paras, _, _ = paras_of(lines(lead, narration.get(lang, "The two discussed the peace process.")), speakers, lang)
    assert paras[1].date == paras[2].date == "2025-06-10"  # 2025-06-12 is a Thursday


def test_azerbaijani_chronology_with_two_surnames_side_by_side(speakers) -> None:
    """ "Tramp Əliyevə" is Trump writing to Aliyev, not a person called Tramp Əliyev; "İki gün
    sonra" is two days (a capital dotted İ lowercases to an i with a combining dot)."""
    text = lines(
        "31 may 2017-ci ildə Tramp Əliyevə məktub göndərib.",
        "İki gün sonra Əliyev Trampa cavab məktubu yazıb.",
        "2018-ci ilin aprelində Tramp Əliyevi təbrik edib.",
    )
    paras, _, _ = paras_of(text, speakers, "az", published="2021-01-10")
    assert (paras[1].date, paras[1].speaker) == ("2017-05-31", "trump")
    assert (paras[2].date, paras[2].speaker) == ("2017-06-02", "aliyev")
    assert (paras[3].date, paras[3].speaker) == (None, "trump")  # a month only: no day


@pytest.mark.parametrize(
    ("lang", "text", "who"),
    [
        ("ru", "«Это окно возможностей», — отмечает американский эксперт Бренда Шаффер.", "Бренда Шаффер"),
        ("en", "Expert Brenda Shaffer notes that ties have improved.", "Brenda Shaffer"),
        ("az", "Ekspert Bruce Jentleson hesab edir ki, bu yeni mərhələdir.", "Bruce Jentleson"),
    ],
)
def test_analyses_report_in_the_present_tense(speakers, lang: str, text: str, who: str) -> None:
    """Analyses quote people in the present ("отмечает", "notes", "hesab edir"); a title before
    the name ("Ekspert") is not part of it."""
    paras, _, _ = paras_of(text, speakers, lang)
    assert paras[1].speaker == who and paras[1].date is None


def test_interviewee_named_without_a_reporting_verb(speakers) -> None:
    text = lines(
        "In an interview with Politico on 12 May 2025, presidential aide Hikmet Hajiyev discussed ties with the US.",
        "Q: How do you see the new administration?",
        "A: We see a pragmatic approach.",
    )
    paras, _, _ = paras_of(text, speakers, "en")
    assert paras[3].speaker == "hajiyev" and paras[3].date == "2025-05-12"
    assert paras[2].role.startswith("question:")


@pytest.mark.parametrize(
    ("lang", "text", "who", "occasion"),
    [
        ("en", "25 Jul 2025, 19:30 — Aliyev phoned Trump and congratulated him.", "aliyev", "phone_call"),
        ("az", "20.07.2025 19:30 — Əliyev Trampa zəng edib və onu təbrik edib.", "aliyev", "phone_call"),
        ("az", "14.07.2025 11:05 — Hücumu Nikol Paşinyan da pisləyib.", "pashinyan", "statement"),
    ],
)
def test_post_speakers_objects_and_openers(speakers, lang: str, text: str, who: str, occasion: str) -> None:
    """The one who phoned, not the one phoned ("phoned Trump" makes Trump an object); a
    capitalised opener before a full name ("Hücumu Nikol Paşinyan") is not the first name."""
    paras, _, _ = paras_of(text, speakers, lang, published="2025-08-01")
    assert (paras[1].speaker, paras[1].occasion) == (who, occasion)


def test_speech_after_a_side_event_returns_to_the_lead(speakers) -> None:
    """A wire item's side event ("the day before, …") is not its story: speech after background
    goes back to the lead's event."""
    text = lines(
        "Баку, 10 июня — АПА. Ильхам Алиев вчера выступил на форуме в Университете ADA.",
        "За день до форума участники посетили Карабах.",
        "Напомним, что в 1992 году Конгресс США принял 907-ю поправку.",
        "Алиев также отметил, что Баку готов к диалогу.",
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[1].date == "2025-06-09" and paras[2].date == "2025-06-08"
    assert paras[3].date is None
    assert (paras[4].date, paras[4].speaker) == ("2025-06-09", "aliyev")


@pytest.mark.parametrize(
    ("lang", "intro", "asker", "answerer", "interviewer"),
    [
        # markdown emphasis around "Question:"/"Answer:" labels
        (
            "en",
            "President Ilham Aliyev gave an interview to Fox News on 19 August.",
            "**Question:**",
            "**Answer:**",
            "Fox News correspondent",
        ),
        # name labels in emphasis; no word "interview": two labels taking turns, one always asking
        (
            "en",
            "Ilham Aliyev spoke to Fox News on 19 August.",
            "**Fox News:**",
            "**Aliyev:**",
            "Fox News correspondent",
        ),
        # "ответил на вопросы" is an interview; the asking label is the outlet
        (
            "ru",
            "Ильхам Алиев 19 августа ответил на вопросы агентства Bloomberg.",
            "Bloomberg:",
            "Ильхам Алиев:",
            "корреспондент Bloomberg",
        ),
    ],
)
def test_interviews_printed_in_other_ways(speakers, lang, intro, asker, answerer, interviewer) -> None:
    asks = (
        ("How do you see the summit?", "And Section 907?")
        if lang == "en"
        else ("Как вы оцениваете итоги?", "Что дальше?")
    )
    text = lines(
        "T",
        intro,
        f"{asker} {asks[0]}",
        f"{answerer} It is a historic day for the region, and we are grateful.",
        f"{asker} {asks[1]}",
        f"{answerer} The waiver opens a new page.",
    )
    paras, _, _ = paras_of(text, speakers, lang, "2025-08-20")
    assert paras[2].speaker == "aliyev" and paras[2].date == "2025-08-19"
    for n in (3, 5):
        assert paras[n].speaker == interviewer and paras[n].date == "2025-08-19"
    for n in (4, 6):
        assert paras[n].speaker == "aliyev" and paras[n].date == "2025-08-19"


@pytest.mark.parametrize(
    ("lang", "text", "who"),
    [
        # a nationality and a title word inside an organisation's name do not split it
        (
            "en",
            "The Armenian National Committee of America said the deal ignored Armenian interests.",
            "Armenian National Committee of America",
        ),
        (
            "en",
            "The House Foreign Affairs Committee said the waiver should be reviewed.",
            "House Foreign Affairs Committee",
        ),
        # a person after the organisation in one capitalised run is still a person
        ("en", "Foreign Ministry Spokesperson Aykhan Hajizada said the talks were constructive.", "Aykhan Hajizada"),
    ],
)
def test_organisations_named_whole(speakers, lang: str, text: str, who: str) -> None:
    paras, _, _ = paras_of(
        lines("T", "On 9 August 2025 the declaration was signed in Washington.", text), speakers, lang
    )
    assert paras[3].speaker == who


@pytest.mark.parametrize(
    ("lang", "text", "who"),
    [
        # the caller is the speaker of a call, in every language (as "позвонил" always was)
        ("en", "A day earlier, Trump phoned Aliyev to invite him to Washington.", "trump"),
        ("az", "Dünən Prezident Tramp Əliyevə zəng edib və onu Vaşinqtona dəvət edib.", "trump"),
        # a name governed by a contact verb is its object even with titles between them
        ("en", "Ilham Aliyev met U.S. special envoy Steve Witkoff in Baku, his office said.", "aliyev"),
        # "of" inside a title is not a preposition governing the name
        ("en", "Secretary of State Marco Rubio reacted the next day and praised the treaty.", "rubio"),
    ],
)
def test_callers_and_objects_past_titles(speakers, lang: str, text: str, who: str) -> None:
    paras, _, _ = paras_of(lines("T", text), speakers, lang, "2025-08-09")
    assert paras[2].speaker == who


@pytest.mark.parametrize(
    ("lang", "intro", "says", "letter"),
    [
        (
            "ru",
            "11 августа Президент Ильхам Алиев получил письмо от Президента США Дональда Трампа.",
            "В письме говорится:",
            [
                "«Уважаемый господин Президент!",
                "Для меня было честью принимать Вас в Белом доме.",
                "С уважением, Дональд Трамп»",
            ],
        ),
        (
            "az",
            "Avqustun 11-də Prezident İlham Əliyev ABŞ Prezidenti Donald Trampdan məktub alıb.",
            "Məktubda deyilir:",
            [
                '"Hörmətli cənab Prezident,',
                "Sizi Ağ Evdə qəbul etmək mənim üçün şərəf idi.",
                'Hörmətlə,\nDonald J. Tramp"',
            ],
        ),
        (
            "en",
            "On August 11, President Ilham Aliyev received a letter from U.S. President Donald Trump.",
            "The letter reads:",
            [
                "“Dear President Aliyev:",
                "It was an honor to host you at the White House.",
                "Sincerely,\nDonald J. Trump”",
            ],
        ),
    ],
)
def test_a_letter_in_quotation_marks_after_its_announcement(speakers, lang, intro, says, letter) -> None:
    paras, _, events = paras_of(lines("T", intro, says, *letter), speakers, lang, "2025-08-12")
    assert events[0].occasion == "letter"
    for n in range(3, 6 + 1):
        assert paras[n].date == "2025-08-11"
    for n in range(4, 6 + 1):
        assert paras[n].speaker == "trump"


def test_a_post_whose_second_line_names_its_author(speakers) -> None:
    text = lines(
        "Aug 8, 2025 · 9:14 PM\nDonald Trump: A historic day for the Caucasus.",
        "Aug 9, 2025 · 10:02 AM\nIlham Aliyev: Thank you, President Trump.",
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-08-20")
    assert (paras[1].date, paras[1].speaker) == ("2025-08-08", "trump")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-09", "aliyev")


def test_the_head_of_state_in_an_english_wire_item(speakers) -> None:
    text = lines(
        "Washington, DC, August 8, 2025 (AZERTAC). President Ilham Aliyev met U.S. President Donald Trump.",
        "The head of state said the meeting opened a new page.",
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-08-09")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-08", "aliyev")


@pytest.mark.parametrize(
    ("lang", "entries"),
    [
        (
            "ru",
            [
                "8 августа 2025 года подписана декларация.",
                "20 августа Рубио встретился с Байрамовым.",
                "В 1992 году Конгресс принял 907-ю поправку.",
            ],
        ),
        (
            "az",
            [
                "8 avqust 2025-ci ildə Ağ Evdə birgə bəyannamə imzalanıb.",
                "Avqustun 20-də Rubio Bayramovla görüşüb.",
                "1992-ci ildə Konqres 907-ci düzəlişi qəbul edib.",
            ],
        ),
    ],
)
def test_a_short_chronology_entry_is_a_whole_event(speakers, lang: str, entries: list[str]) -> None:
    """Five words that tell something are an entry of their own, not a bare header whose body
    follows: the background after it keeps no date."""
    paras, _, _ = paras_of(lines("Хроника", *entries), speakers, lang, "2025-09-01")
    assert [paras[n].date for n in (2, 3, 4)] == ["2025-08-08", "2025-08-20", None]


@pytest.mark.parametrize(
    ("lang", "entry", "who"),
    [
        # timelines tell in the present tense
        ("en", "January 20: Trump is inaugurated. Aliyev sends a congratulatory letter.", "aliyev"),
        ("ru", "20 января — инаугурация Трампа. Алиев направляет поздравительное письмо.", "aliyev"),
        ("az", "20 yanvar: Trampın andiçmə mərasimi. Əliyev təbrik məktubu göndərir.", "aliyev"),
        # a name that qualifies a noun is not the subject ("The Trump administration has sent …")
        (
            "en",
            "The Trump administration has sent mixed signals. On 25 March Secretary Rubio told reporters "
            "that the treaty was within reach.",
            "rubio",
        ),
        # a capitalised word that opens a quotation is not a name
        (
            "en",
            'On 25 March the critics were unconvinced. "This is wishful thinking," said Laurence Broers.',
            "Laurence Broers",
        ),
    ],
)
def test_timelines_qualifiers_and_quotation_openers(speakers, lang: str, entry: str, who: str) -> None:
    paras, _, _ = paras_of(lines("T", entry), speakers, lang, "2025-04-02")
    assert paras[2].speaker == who


def test_azerbaijani_named_and_quoted_with_deye(speakers) -> None:
    text = lines(
        "Vaşinqton, 9 avqust, APA. Prezident İlham Əliyev Ağ Evdəki görüşü tarixi adlandırıb.",
        '"Biz bu günə uzun müddət getdik", - deyə Prezident jurnalistlərə bildirib.',
        'Ağ Evin mətbuat xidmətinin məlumatına görə, Tramp sazişi "böyük nailiyyət" adlandırıb.',
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-08-10")
    assert [(paras[n].date, paras[n].speaker) for n in (1, 2, 3)] == [
        ("2025-08-09", "aliyev"),
        ("2025-08-09", "aliyev"),
        ("2025-08-09", "trump"),
    ]


def test_a_wire_item_with_a_month_ahead_and_called_as_naming(speakers) -> None:
    """ "called the meeting historic" names, "called Bayramov" phones; a month a news item
    mentions ("talks will take place in September") opens no event of its own."""
    text = lines(
        "WASHINGTON, Aug 9 (Reuters) - Azerbaijan's President Ilham Aliyev called the White House meeting "
        "historic on Saturday.",
        '"We have walked a long road to this day," he told reporters.',
        "According to a statement from the Azerbaijani Foreign Ministry, the next round of talks will take "
        "place in September.",
        'Armenian Prime Minister Nikol Pashinyan said separately that the deal was "irreversible".',
        "On Friday, Secretary Rubio called Bayramov.",
    )
    paras, _, events = paras_of(text, speakers, "en", "2025-08-10")
    assert events[0].occasion != "phone_call"
    assert [paras[n].date for n in (1, 2, 3, 4)] == ["2025-08-09"] * 4
    assert paras[3].speaker == "azerbaijan_mfa" and paras[4].speaker == "pashinyan"
    assert paras[5].date == "2025-08-08" and paras[5].occasion == "phone_call"


def test_azerbaijani_posts_name_each_person_once(speakers) -> None:
    """An inflected word ends an Azerbaijani name ("Əliyev X-də Trampa" is three), and a name
    label after a post's timestamp is its author's."""
    text = lines(
        "# Qafqaz xronikası",
        "09.08.2025 10:02 — Əliyev X-də Trampa qonaqpərvərliyə görə təşəkkür edib.",
        '10.08.2025 12:30 — Paşinyan: "Sülh artıq reallıqdır."',
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-08-15")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-09", "aliyev")
    assert (paras[3].date, paras[3].speaker) == ("2025-08-10", "pashinyan")


def test_an_interview_by_its_turns_names_its_interviewee_and_outlet(speakers) -> None:
    text = lines(
        "Hajiyev: the road is open",
        "Hikmet Hajiyev, foreign policy aide to President Aliyev, spoke with Politico on August 22.",
        "Q: What did the summit achieve?",
        "A: It ended the war chapter. We now have a framework.",
        "And the route through Armenia will open trade.",
        "Q: What about Section 907?",
        "A: The waiver is a first step.",
    )
    paras, _, events = paras_of(text, speakers, "en", "2025-08-25")
    assert events[0].occasion == "interview"
    assert paras[3].speaker == "Politico correspondent"
    assert paras[4].speaker == paras[5].speaker == "hajiyev" and paras[5].date == "2025-08-22"


def test_a_letter_no_event_introduces_is_an_event_of_its_own(speakers) -> None:
    text = lines(
        "Президент Ильхам Алиев направил поздравительное письмо Президенту США Дональду Трампу",
        "Его Превосходительству господину Дональду Трампу, Президенту Соединенных Штатов Америки",
        "Уважаемый господин Президент!",
        "От имени народа Азербайджана поздравляю Вас с Днем независимости.",
        "С уважением,",
        "Ильхам Алиев",
        "Президент Азербайджанской Республики",
        "Баку, 3 июля 2025 года",
    )
    paras, _, events = paras_of(text, speakers, "ru", "2025-07-05")
    assert events[0].occasion == "letter"
    for n in range(3, 9):
        assert (paras[n].date, paras[n].speaker) == ("2025-07-03", "aliyev")
    # without a date line, the letter is dated by its publication
    paras, _, _ = paras_of(lines(*text.split("\n\n")[:-1]), speakers, "ru", "2025-07-05")
    assert (paras[4].date, paras[4].speaker) == ("2025-07-05", "aliyev")


def test_an_analysis_names_people_of_organisations(speakers) -> None:
    """ "announced on August 8 would link mainland Azerbaijan" has no speaker after its verb,
    and "Svante Cornell of the American Foreign Policy Council" is a person of an organisation."""
    text = lines(
        "Why the route matters",
        "The route announced on August 8 would link mainland Azerbaijan with Nakhchivan. Svante Cornell of "
        "the American Foreign Policy Council argues that it changes the map of the region.",
        "In his view, Russia is the main loser.",
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-09-05")
    assert paras[2].speaker == paras[3].speaker == "Svante Cornell"


def test_a_conversation_in_dash_turns_under_a_quoted_headline(speakers) -> None:
    text = lines(
        "«Мир стал реальностью»",
        "В беседе с корреспондентом ТАСС 22 августа помощник президента Хикмет Гаджиев рассказал о планах Баку.",
        "— Что дал саммит?",
        "— Он закрыл главу войны.",
        "— А что с 907-й поправкой?",
        "— Отмена — вопрос времени.",
    )
    paras, _, _ = paras_of(text, speakers, "ru", "2025-08-25")
    assert paras[1].role == "title"
    assert paras[3].speaker == "корреспондент ТАСС"
    assert [(paras[n].date, paras[n].speaker) for n in (2, 4, 6)] == [("2025-08-22", "hajiyev")] * 3


def test_post_headers_that_name_their_author(speakers) -> None:
    text = lines(
        "Ilham Aliyev (@presidentaz) · Aug 9, 2025\nThank you, President Trump, for your hospitality.",
        "Donald J. Trump (@realDonaldTrump) · Aug 8, 2025\nA historic day for the Caucasus!",
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-08-15")
    assert (paras[1].date, paras[1].speaker) == ("2025-08-09", "aliyev")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-08", "trump")


def test_azerbaijani_opinion_of_a_named_expert(speakers) -> None:
    paras, _, _ = paras_of(
        lines("T", "Politoloq Elxan Şahinoğlunun fikrincə, Vaşinqton sammiti regionda yeni dövr açıb."),
        speakers,
        "az",
        "2025-09-01",
    )
    assert paras[2].speaker == "Elxan Şahinoğlu"


def test_two_full_names_side_by_side_in_azerbaijani(speakers) -> None:
    """ "Donald Tramp İlham Əliyevi … təbrik edib": Trump congratulated Aliyev, two people in one
    capitalised run, not a namesake of Aliyev's called "Donald Tramp İlham"."""
    text = lines(
        "Telefon danışığı",
        "Avqustun 9-da Azərbaycan Prezidenti İlham Əliyev ilə ABŞ Prezidenti Donald Tramp arasında telefon "
        "danışığı olub.",
        "Donald Tramp İlham Əliyevi bəyannamənin imzalanması münasibətilə təbrik edib.",
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-08-09")
    assert (paras[3].date, paras[3].speaker) == ("2025-08-09", "trump")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            [
                "11 августа МИД Азербайджана распространил заявление в связи с подписанием декларации.",
                "«Азербайджан приветствует мирные усилия США», — говорится в документе.",
                "Официальный представитель МИД Айхан Гаджизаде отметил, что следующая встреча пройдет в сентябре.",
            ],
        ),
        (
            "en",
            [
                "On August 11, Azerbaijan's Foreign Ministry issued a statement on the declaration.",
                '"Azerbaijan welcomes the peace efforts of the United States," the statement said.',
                "Spokesperson Aykhan Hajizada added that the next meeting would take place in September.",
            ],
        ),
    ],
)
def test_a_statement_and_a_month_after_a_reporting_verb(speakers, lang: str, text: list[str]) -> None:
    """An institution that issues a statement speaks; a month after a reporting verb ("… will
    take place in September") is a plan told in the event, not an undated event of its own."""
    paras, _, _ = paras_of(lines("T", *text), speakers, lang, "2025-08-12")
    assert [paras[n].date for n in (2, 3, 4)] == ["2025-08-11"] * 3
    assert paras[2].speaker == paras[3].speaker == "azerbaijan_mfa"


def test_a_wire_items_day_named_after_its_first_sentence(speakers) -> None:
    # 2025-05-17 is a Saturday: "в пятницу" is 16 May
    text = lines(
        "Алиев: Баку готов к новому этапу",
        "Президент Азербайджана Ильхам Алиев заявил, что Баку готов к новому этапу отношений с Вашингтоном. "
        "Об этом он сказал в пятницу на встрече с делегацией Конгресса США.",
        "«Мы открыты к сотрудничеству», — подчеркнул глава государства.",
    )
    paras, _, _ = paras_of(text, speakers, published="2025-05-17")
    assert [paras[n].date for n in (2, 3)] == ["2025-05-16", "2025-05-16"]
    assert [paras[n].speaker for n in (2, 3)] == ["aliyev", "aliyev"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            lines(
                "Интервью Хикмета Гаджиева",
                "Помощник Президента Азербайджана Хикмет Гаджиев ответил на вопросы агентства «Интерфакс».",
                "— Как вы оцениваете первые шаги новой администрации?",
                "— Мы видим позитивную динамику.",
            ),
        ),
        (
            "az",
            lines(
                "Hikmət Hacıyevin müsahibəsi",
                "Prezidentin köməkçisi Hikmət Hacıyev APA-ya müsahibə verib.",
                "Sual: ABŞ ilə münasibətlər necə inkişaf edir?",
                "Cavab: Biz müsbət dinamika görürük.",
            ),
        ),
        (
            "en",
            lines(
                "Hajiyev interview",
                "Presidential aide Hikmet Hajiyev gave an interview to Reuters.",
                "Q: How are relations with the US developing?",
                "A: We see positive dynamics.",
            ),
        ),
    ],
)
def test_an_interview_whose_introduction_names_no_day(speakers, lang: str, text: str) -> None:
    """Its answers are the interviewee's and it is dated by the publication, as a letter no
    event dates is; the outlet asks ("APA-ya" is APA)."""
    paras, _, _ = paras_of(text, speakers, lang, published="2025-03-15")
    assert paras[4].speaker == "hajiyev" and paras[4].date == "2025-03-15"
    assert paras[3].speaker in ("корреспондент Интерфакс", "APA müxbiri", "Reuters correspondent")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Напомним, в апреле Алиев встретился с Рубио в Анталье."),
        ("en", "In April, Aliyev met Rubio in Antalya."),
    ],
)
def test_a_month_that_opens_a_paragraph_of_a_news_item_is_its_own_undated_event(speakers, lang: str, text: str) -> None:
    lead = {
        "ru": "Баку, 17 мая — АПА. Президент Ильхам Алиев заявил, что Баку готов к переговорам.",
        "en": "BAKU, May 17 (Reuters) - President Ilham Aliyev said Baku was ready for talks.",
    }[lang]
    paras, _, _ = paras_of(lines("Заголовок" if lang == "ru" else "Headline", lead, text), speakers, lang, "2025-05-17")
    assert paras[2].date == "2025-05-17"
    assert paras[3].date is None  # April, not the story's day


def test_speakers_of_an_analysis_and_of_posts(speakers) -> None:
    analysis, _, _ = paras_of(
        lines("Analysis", "As Svante Cornell put it, Baku has won a strategic prize."), speakers, "en"
    )
    assert analysis[2].speaker == "Svante Cornell"  # "As" opens the sentence, not the name
    posts, _, _ = paras_of(
        lines(
            "Telegram-канал «Кавказ сегодня»",
            "[10.08.25 12:30]\nПашинян: декларация открывает новую страницу.",
            "12:40, 11 августа 2025\nМИД России: Москва изучит документы.",
        ),
        speakers,
        published="2025-08-11",
    )
    assert posts[1].role == "title"
    assert (posts[2].date, posts[2].speaker) == ("2025-08-10", "pashinyan")  # a two-digit year before a time
    assert (posts[3].date, posts[3].speaker) == ("2025-08-11", "МИД России")  # a body with its country


def test_slashed_and_short_year_dates() -> None:
    def days(text: str) -> list[str | None]:
        return [d.iso() for d in find_dates(text)]

    assert days("[10.08.25 12:30]") == ["2025-08-10"]
    assert days("v1.2.25 release") == []  # no time after it: a version, not a day
    assert days("20/08/2025") == days("08/20/2025") == ["2025-08-20"]
    assert days("10/08/2025") == [None]  # day and month could be either: only the year is sure


def test_a_press_release_that_announces_a_letter_without_a_day(speakers) -> None:
    text = lines(
        "Prezident İlham Əliyev Donald Trampa məktub ünvanlayıb",
        "Prezident İlham Əliyev ABŞ Prezidenti Donald Trampa məktub ünvanlayıb.",
        "Məktubda deyilir:",
        '"Hörmətli cənab Prezident!',
        "Vaşinqton Sammitinin nəticələrinə görə Sizə təşəkkür edirəm.",
        "Hörmətlə,",
        'İlham Əliyev"',
    )
    paras, _, _ = paras_of(text, speakers, "az", published="2025-08-20")
    assert {paras[n].date for n in range(2, 8)} == {"2025-08-20"}  # the publication's day
    assert {paras[n].speaker for n in range(2, 8)} == {"aliyev"}  # "Məktubda deyilir:" announces his words
    assert {paras[n].occasion for n in range(2, 8)} == {"letter"}


def test_a_letter_under_its_addressee_keeps_its_own_date_line(speakers) -> None:
    text = lines(
        "Письмо Президента",
        "Его Превосходительству господину Дональду Трампу, Президенту Соединенных Штатов Америки",
        "Уважаемый господин Президент!",
        "От имени народа Азербайджана поздравляю Вас с Днем независимости.",
        "С уважением,",
        "Ильхам Алиев",
        "Баку, 3 июля 2025 года",
    )
    paras, _, _ = paras_of(text, speakers, published="2025-07-05")
    assert {paras[n].date for n in range(2, 8)} == {"2025-07-03"}
    assert paras[2].speaker == paras[3].speaker == "aliyev"


@pytest.mark.parametrize(
    ("lang", "entry"),
    [
        ("ru", "На следующей неделе Госдепартамент объявил о продлении отказа от 907-й поправки."),
        ("en", "The following week, the State Department announced a new waiver of Section 907."),
        ("az", "Bir neçə gün sonra Dövlət Departamenti yeni qərar elan edib."),
    ],
)
def test_a_later_time_without_a_day_is_an_undated_event(speakers, lang: str, entry: str) -> None:
    first = {
        "ru": "8 августа 2025 года Алиев и Пашинян подписали совместную декларацию.",
        "en": "On 8 August 2025, Aliyev and Pashinyan signed a joint declaration.",
        "az": "8 avqust 2025-ci ildə Əliyev və Paşinyan birgə bəyannamə imzalayıblar.",
    }[lang]
    paras, _, _ = paras_of(lines("Chronicle", first, entry), speakers, lang, published="2025-09-01")
    assert paras[2].date == "2025-08-08"
    assert paras[3].date is None and paras[3].event != paras[2].event


def test_a_post_header_that_opens_with_its_author_and_a_handle(speakers) -> None:
    text = lines(
        "Posts",
        "Donald J. Trump (@realDonaldTrump) · Truth Social · Aug 8, 2025, 3:12 PM\nA GREAT DAY for peace!",
    )
    paras, _, _ = paras_of(text, speakers, "en", published="2025-08-09")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-08", "trump")


def test_an_expert_quoted_by_pronoun_after_being_named(speakers) -> None:
    text = lines(
        "Эксперты о саммите",
        "Американский аналитик Томас де Ваал считает, что главное впереди.",
        "«Это только начало пути», — говорит он.",
    )
    paras, _, _ = paras_of(text, speakers)
    assert paras[2].speaker == paras[3].speaker == "Томас де Ваал"
    assert paras[3].date is None


@pytest.mark.parametrize(
    ("lang", "text", "who"),
    [
        (
            "ru",
            lines(
                "Пашинян: мы открыли дорогу к миру",
                "Ереван, 9 августа — Sputnik Армения. Премьер-министр Армении Никол Пашинян в субботу выступил "
                "с обращением к народу.",
                "«Мы открыли дорогу к миру», — сказал премьер.",
                "Он также отметил, что маршрут будет под суверенитетом Армении.",
            ),
            "pashinyan",
        ),
        (
            "az",
            lines(
                "Hikmət Hacıyev: sammit tarixi nəticələr verdi",
                "Bakı, 9 avqust, Report. Prezidentin köməkçisi Hikmət Hacıyev şənbə günü jurnalistlərə açıqlama verib.",
                "O bildirib ki, sammit tarixi nəticələr verdi.",
                "Hacıyevin sözlərinə görə, növbəti addım sülh müqaviləsinin imzalanmasıdır.",
            ),
            "hajiyev",
        ),
    ],
)
def test_an_address_or_a_statement_to_the_press_is_speech(speakers, lang: str, text: str, who: str) -> None:
    """ "выступил с обращением", "açıqlama verib" report speech, so the item's later "сказал
    премьер", "Он", "O bildirib" are that person's."""
    paras, _, _ = paras_of(text, speakers, lang, published="2025-08-10")
    assert [paras[n].speaker for n in (2, 3, 4)] == [who] * 3
    assert {paras[n].date for n in (2, 3, 4)} == {"2025-08-09"}


def test_an_anchor_asking_under_a_surname_label(speakers) -> None:
    text = lines(
        "Q&A: Aliyev on the peace deal",
        "Azerbaijan's President Ilham Aliyev spoke to Fox News anchor Bret Baier on August 11.",
        "BAIER: Mr. President, is this peace real?",
        "ALIYEV: Yes. We have initialled the text and it will be signed.",
        "BAIER: And the route?",
        "ALIYEV: It will connect Azerbaijan with Nakhchivan.",
    )
    paras, _, _ = paras_of(text, speakers, "en", published="2025-08-12")
    assert [paras[n].speaker for n in range(3, 7)] == ["Bret Baier", "aliyev"] * 2
    assert {paras[n].occasion for n in range(2, 7)} == {"interview"}
    assert paras[3].role == "question:Bret Baier"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("az", "Həmin gün Prezident İlham Əliyev Donald Trampı Azərbaycana dəvət edib."),
        ("ru", "В тот же день Ильхам Алиев пригласил Дональда Трампа в Азербайджан."),
        ("en", "The same day, Ilham Aliyev invited Donald Trump to Azerbaijan."),
    ],
)
def test_an_invitation_is_its_senders(speakers, lang: str, text: str) -> None:
    first = {
        "az": "8 avqust — Vaşinqtonda birgə bəyannamə imzalanıb.",
        "ru": "8 августа в Вашингтоне подписана совместная декларация.",
        "en": "August 8 — the joint declaration is signed in Washington.",
    }[lang]
    paras, _, _ = paras_of(lines("Chronicle", first, text), speakers, lang, published="2025-08-10")
    assert (paras[3].date, paras[3].speaker) == ("2025-08-08", "aliyev")


@pytest.mark.parametrize(
    ("lang", "lead", "quote"),
    [
        (
            "en",
            "The route, announced on August 8, would link mainland Azerbaijan with Nakhchivan.",
            '"It is a game changer," said Laurence Broers of Chatham House.',
        ),
        (
            "ru",
            "Декларация, подписанная 8 августа в Белом доме, открывает новую страницу в истории региона.",
            "«Это исторический шанс», — считает политолог Фархад Мамедов.",
        ),
        (
            "az",
            "Avqustun 8-də Ağ Evdə imzalanan bəyannamə regionda yeni mərhələ açıb.",
            "Politoloq Fərhad Məmmədov hesab edir ki, bu tarixi şansdır.",
        ),
    ],
)
def test_a_day_inside_a_participle_dates_a_thing_not_the_paragraph(speakers, lang: str, lead: str, quote: str) -> None:
    paras, _, _ = paras_of(lines("Analysis", lead, quote), speakers, lang, published="2025-08-30")
    assert paras[2].date is None and paras[3].date is None
    assert paras[3].speaker in ("Laurence Broers", "Фархад Мамедов", "Fərhad Məmmədov")


def test_a_gerund_or_a_plain_day_still_dates_the_event(speakers) -> None:
    text = "Ильхам Алиев, выступая 8 августа в Белом доме, заявил, что мир достигнут."
    ru, _, _ = paras_of(text, speakers, published="2025-08-30")
    assert ru[1].date == "2025-08-08" and ru[1].speaker == "aliyev"
    en, _, _ = paras_of("On August 8, Aliyev and Pashinyan signed the declaration.", speakers, "en", "2025-08-30")
    assert en[1].date == "2025-08-08"


def test_azerbaijani_titles_of_the_president(speakers) -> None:
    """ "Azərbaycan lideri" is Aliyev; "ABŞ dövlət başçısı Donald Tramp" is Trump, whose title it is."""
    text = lines(
        "Başlıq",
        "Vaşinqton, 8 avqust, APA. ABŞ dövlət başçısı Donald Tramp bildirib ki, sülh əldə olunub.",
        "Azərbaycan lideri isə bildirib ki, bu tarixi gündür.",
    )
    paras, _, _ = paras_of(text, speakers, "az", published="2025-08-09")
    assert [paras[n].speaker for n in (2, 3)] == ["trump", "aliyev"]


def test_a_dateline_with_the_day_before_the_place(speakers) -> None:
    """ "Aug 8, 2025 — WASHINGTON." opens a news item's story as "WASHINGTON, Aug 8 —" does: a
    time-stamp line inside it does not end it."""
    text = lines(
        "Peace declaration signed",
        "Aug 8, 2025 — WASHINGTON. Azerbaijan's President Ilham Aliyev and Armenia's Prime Minister "
        "Nikol Pashinyan signed a joint declaration at the White House.",
        "Updated 14:35 GMT",
        "Pashinyan told reporters that the document opens a new era.",
    )
    paras, _, _ = paras_of(text, speakers, "en", published="2025-08-09")
    assert (paras[4].date, paras[4].speaker) == ("2025-08-08", "pashinyan")


def test_a_dated_post_counts_yesterday_from_its_bracketed_timestamp(speakers) -> None:
    text = (
        "# Kanal\n\n"
        "[12.03.2025, 09:30] Dünən Vaşinqtonda Ceyhun Bayramov Marko Rubio ilə görüşüb.\n\n"
        "[14.03.2025, 18:00] Prezident İlham Əliyev bildirib ki, Azərbaycan sülhə hazırdır.\n"
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-03-20")
    assert paras[2].date == "2025-03-11"
    assert paras[3].date == "2025-03-14"


def test_the_event_day_after_a_dateline_dates_the_item_not_the_dateline(speakers) -> None:
    """ "Bakı, 16 mart. … 15 mart tarixində müsahibə verib": the interview's day; a day after the
    dateline would be a plan, and the dateline stays the date then."""
    past = "Bakı, 16 mart 2025-ci il. Hikmət Hacıyev 15 mart 2025-ci il tarixində agentliyə müsahibə verib.\n"
    plan = "Bakı, 16 mart 2025-ci il. Hikmət Hacıyev bildirib ki, görüş 20 mart 2025-ci il tarixində keçiriləcək.\n"
    assert paras_of("# T\n\n" + past, speakers, "az", "2025-03-16")[0][2].date == "2025-03-15"
    assert paras_of("# T\n\n" + plan, speakers, "az", "2025-03-16")[0][2].date == "2025-03-16"


def test_a_letter_after_an_aside_is_dated_by_its_announcement(speakers) -> None:
    text = (
        "# Письмо\n\n"
        "Президент Ильхам Алиев 11 августа 2025 года направил письмо Президенту США Дональду Трампу.\n\n"
        "Письмо направлено после того, как в минувшую пятницу в Белом доме прошел саммит.\n\n"
        "Уважаемый господин Президент!\n\n"
        "Благодарю Вас за гостеприимство, оказанное нашей делегации.\n\n"
        "С уважением,\n\n"
        "Ильхам Алиев\n"
    )
    paras, _, _ = paras_of(text, speakers, "ru", "2025-08-12")
    assert paras[3].date == "2025-08-08"  # the summit: last Friday before the publication
    assert [paras[n].date for n in range(4, 8)] == ["2025-08-11"] * 4
    assert {paras[n].speaker for n in range(4, 8)} == {"aliyev"}


def test_after_an_aside_on_another_day_a_wire_item_returns_to_its_story(speakers) -> None:
    text = (
        "# Summit\n\n"
        "WASHINGTON, Aug 9 (Reuters) - The leaders of Armenia and Azerbaijan signed a declaration "
        "at the White House on Friday.\n\n"
        "A senior official, briefing reporters a day earlier, said companies would bid for the route.\n\n"
        "Aliyev thanked Trump, saying the new administration had done in months what others failed to do.\n\n"
        "He added that peace was now within reach.\n"
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-08-09")
    assert paras[2].date == "2025-08-08"
    assert paras[3].date == "2025-08-07"
    assert (paras[4].date, paras[4].speaker) == ("2025-08-08", "aliyev")
    assert (paras[5].date, paras[5].speaker) == ("2025-08-08", "aliyev")


def test_an_inflected_name_opening_a_sentence_is_not_its_subject(speakers) -> None:
    """natasha reads "Байрамову" at a sentence's start as nominative; pymorphy3 knows better,
    and the person named is the one who answers after "Министр ответил"."""
    text = (
        "# T\n\n"
        "24 сентября в Нью-Йорке Хикмету Гаджиеву задали вопрос о договоре. "
        "Помощник ответил, что текст согласован и его менять не будут.\n"
    )
    paras, _, _ = paras_of(text, speakers, "ru", "2025-10-01")
    assert paras[2].speaker in ("hajiyev", "Хикмет Гаджиев")


def test_words_about_a_joint_statement_are_the_speakers_own(speakers) -> None:
    about = "# T\n\n[09.08.2025, 09:30] Birgə bəyannamə ilə bağlı Tramp deyib: «Bu, böyük gündür».\n"
    joint = "# T\n\nНа следующий день Госдепартамент опубликовал совместное заявление США и Армении.\n"
    assert paras_of(about, speakers, "az", "2025-08-10")[0][2].speaker == "trump"
    assert paras_of(joint, speakers, "ru", "2025-08-10")[0][2].speaker is None


def test_an_expert_after_the_verb_is_named_not_his_institute(speakers) -> None:
    text = "# T\n\nКак считает эксперт Carnegie Europe Томас де Ваал, главный риск для маршрута — деньги.\n"
    assert paras_of(text, speakers, "ru", "2025-08-10")[0][2].speaker == "Томас де Ваал"


def test_a_headline_in_a_name_label_form_is_not_an_interview_turn(speakers) -> None:
    text = (
        "Hikmət Hacıyev: Vaşinqton razılaşmaları geri dönməzdir\n\n"
        "Bakı, 16 mart 2025-ci il. Hikmət Hacıyev 15 mart tarixində Report agentliyinə müsahibə verib.\n\n"
        "Report: Cənab Hacıyev, bu səfər nə ifadə edir?\n\n"
        "Hikmət Hacıyev: Bu, Azərbaycanın nüfuzunun göstəricisidir.\n\n"
        "Report: Marşrut nə vaxt açılacaq?\n\n"
        "Hikmət Hacıyev: İşlər davam edir.\n"
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-03-16")
    assert paras[2].role is None  # the introduction, not an answer
    assert paras[4].role == "speaker:hajiyev"


def test_a_countrys_body_in_lower_case_is_the_speaker(speakers) -> None:
    text = "# T\n\nIran's foreign ministry said on Saturday it welcomed the text but warned against interference.\n"
    paras, _, _ = paras_of(text, speakers, "en", "2025-08-11")
    assert paras[2].speaker == "Iran's foreign ministry"
    assert paras[2].date == "2025-08-09"


def test_a_timestamped_post_in_the_channels_own_voice_is_commentary(speakers) -> None:
    text = (
        "# Kanal\n\n"
        "[09.08.2025, 11:05] Xarici işlər naziri Ceyhun Bayramov bildirib ki, mətn 17 maddədən ibarətdir.\n\n"
        "[09.08.2025, 14:40] Kanalın qeydi: ən çox müzakirə olunan mövzu marşrutun adıdır.\n\n"
        "[10.08.2025, 09:00] Paşinyan: Sülh artıq reallıqdır.\n"
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-08-12")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-09", "bayramov")
    assert (paras[3].date, paras[3].speaker, paras[3].occasion) == (None, None, "commentary")
    assert (paras[4].date, paras[4].speaker) == ("2025-08-10", "pashinyan")


def test_a_new_voice_in_the_present_tense_is_a_view_not_more_of_the_event(speakers) -> None:
    text = (
        "# Анализ\n\n"
        "24 сентября в Нью-Йорке Джейхун Байрамов заявил, что текст договора меняться не будет.\n\n"
        "Как считает эксперт Томас де Ваал, главный риск для маршрута — деньги.\n"
    )
    paras, _, _ = paras_of(text, speakers, "ru", "2025-10-20")
    assert paras[2].date == "2025-09-24"
    assert (paras[3].date, paras[3].speaker) == (None, "Томас де Ваал")
    told = text.replace("Как считает эксперт Томас де Ваал,", "Эксперт Томас де Ваал заявил, что")
    assert paras_of(told, speakers, "ru", "2025-10-20")[0][3].date == "2025-09-24"  # past tense: that day


def test_two_names_joined_by_and_are_a_joint_subject_in_english(speakers) -> None:
    joint = (
        "# T\n\nOn 8 August, Foreign Ministers Jeyhun Bayramov and Ararat Mirzoyan initialled the text, "
        "and the leaders asked the OSCE to act.\n"
    )
    then_one = (
        "# T\n\nOn 8 August, Aliyev and Pashinyan said they would nominate Trump for the prize. "
        '"If not President Trump, then who?" Aliyev asked.\n'
    )
    assert paras_of(joint, speakers, "en", "2025-08-10")[0][2].speaker is None
    assert paras_of(then_one, speakers, "en", "2025-08-10")[0][2].speaker == "aliyev"


def test_a_speaker_the_source_does_not_name_is_shown_by_role(speakers) -> None:
    en = "# T\n\nOn 7 August, a senior administration official, briefing reporters, said companies would bid.\n"
    ru = "# T\n\n7 августа высокопоставленный представитель администрации США заявил, что компании примут участие.\n"
    assert paras_of(en, speakers, "en", "2025-08-09")[0][2].speaker == "senior administration official"
    assert (
        paras_of(ru, speakers, "ru", "2025-08-09")[0][2].speaker == "высокопоставленный представитель администрации США"
    )


def test_a_quote_that_opens_its_paragraph_is_dated_and_attributed_after_it(speakers) -> None:
    text = (
        "# T\n\n"
        "ВАШИНГТОН, 9 августа. /ТАСС/. Хикмет Гаджиев в субботу уточнил, что рабочая группа начнет работу осенью.\n\n"
        "«Мы закрыли страницу вражды», — сказал в пятницу на пресс-конференции в Вашингтоне "
        "премьер-министр Армении Никол Пашинян.\n\n"
        "Напомним, о завершении переговоров стороны объявили в марте.\n"
    )
    paras, _, _ = paras_of(text, speakers, "ru", "2025-08-09")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-09", "hajiyev")
    assert (paras[3].date, paras[3].speaker) == ("2025-08-08", "pashinyan")
    assert paras[4].date is None  # background of its own, not more of Friday


def test_the_letter_an_introduction_announces_is_its_signers(speakers) -> None:
    text = (
        "# Letter\n\n"
        "On August 26, 2025, President Ilham Aliyev received a letter from Donald J. Trump.\n\n"
        "Dear Mr. President:\n\n"
        "Thank you for your partnership in Washington.\n\n"
        "Sincerely,\n\n"
        "Donald J. Trump\n"
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-08-27")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-26", "trump")
    assert {paras[n].speaker for n in range(3, 7)} == {"trump"}


def test_a_post_header_on_the_posts_own_line_names_its_author_and_dates_yesterday(speakers) -> None:
    text = (
        "# Feed\n\n"
        "Nikol Pashinyan (@NikolPashinyan) · Aug 9, 2025 — Yesterday at the White House we signed a declaration.\n\n"
        "@AzerbaijanMFA — 9 Aug 2025, 10:15 — Results of the visit: a memorandum on the Charter.\n\n"
        "U.S. Embassy Baku (@USEmbassyBaku) · Sep 10, 2025 — The trip builds on the historic August 8 meeting.\n"
    )
    paras, passages, _ = paras_of(text, speakers, "en", "2025-10-01")
    assert (paras[2].date, paras[2].speaker) == ("2025-08-08", "pashinyan")
    assert (paras[3].date, paras[3].speaker) == ("2025-08-09", "AzerbaijanMFA")
    assert paras[4].date == "2025-09-10"  # a day the post mentions is not its day
    assert {p.kind for p in passages if p.paragraph in (2, 3)} == {"quote"}  # the author's own words


def test_azerbaijani_chronology_forms(speakers) -> None:
    text = (
        "# Xronika\n\n"
        "8 avqust 2025-ci il – Ağ Evdə üçtərəfli sammit keçirilib.\n\n"
        "Ertəsi gün Xarici İşlər Nazirliyi səfərin nəticələrinə dair məlumat yayıb.\n\n"
        "Sammitdən iki gün sonra Hikmət Hacıyev müsahibəsində bildirib ki, marşrut açılacaq.\n\n"
        "Sentyabrın əvvəlində Brendan Hanrahan Bakıya səfər edib.\n\n"
        "Sentyabrın 23-də Nyu-Yorkda BMT sessiyasında İlham Əliyev çıxış edib.\n"
    )
    paras, _, _ = paras_of(text, speakers, "az", "2025-12-01")
    assert paras[3].date == "2025-08-09"
    assert paras[4].date == "2025-08-10"  # two days after the summit, not after the day before
    assert paras[5].date is None  # early September: month only ("Sentyabrın" is not "sent")
    assert (paras[6].date, paras[6].speaker) == ("2025-09-23", "aliyev")  # not "Nyu-Yorkda"


def test_english_subject_past_an_appositive_and_a_joint_declaration_in_what_was_said(speakers) -> None:
    text = (
        "# T\n\n"
        "On September 15, Representative Frank Pallone, a co-chair of the Caucus on Armenian Issues, said the waiver "
        "was premature.\n\n"
        "On August 8, Secretary of State Marco Rubio, who stood behind the leaders, told reporters that the joint "
        "declaration was a turning point.\n"
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-10-01")
    assert paras[2].speaker == "Frank Pallone"
    assert paras[3].speaker == "rubio"


def test_a_day_next_to_the_verb_in_a_later_sentence_dates_the_speech(speakers) -> None:
    text = (
        "# Analysis\n\n"
        "Energy is the least glamorous strand of the relationship and probably the most concrete. "
        "Spokesman Aykhan Hajizada told local media on November 7 that the memorandum signed on August 8 "
        "would widen cooperation.\n"
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-12-01")
    assert paras[2].date == "2025-11-07"


def test_english_participle_and_according_to_a_place(speakers) -> None:
    text = (
        "# T\n\n"
        "On October 13, in Sharm el-Sheikh, Trump interrupted his speech to point Aliyev out, reminding the "
        "audience that the war had lasted decades.\n\n"
        "On September 20, according to the Azerbaijani embassy in Washington, Hajiyev met senators and invited "
        "them to Baku.\n"
    )
    paras, _, _ = paras_of(text, speakers, "en", "2025-12-01")
    assert paras[2].speaker == "trump"  # the participle's subject, not the name nearest to it
    assert paras[3].speaker == "hajiyev"  # not "Washington", where the embassy is
