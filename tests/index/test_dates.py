from index.corpus.dates import find_dates, question_range


def iso_all(text: str, default_year: int | None = None) -> list[str | None]:
    return [d.iso(default_year) for d in find_dates(text) if d.is_day]


def test_russian_full_date_with_year_suffix() -> None:
    assert iso_all("в письме от 6 ноября 2024 года, отметил") == ["2024-11-06"]
    assert iso_all("5 августа 2025 г. состоялся звонок") == ["2025-08-05"]


def test_english_and_numeric_forms() -> None:
    assert iso_all("On August 8, 2025 and 8 August 2025") == ["2025-08-08", "2025-08-08"]
    assert iso_all("08.08.2025 or 2025-08-08") == ["2025-08-08", "2025-08-08"]


def test_day_without_year_takes_default_year() -> None:
    assert iso_all("В тот же день, 22 июля Президент", default_year=2025) == ["2025-07-22"]
    assert iso_all("В тот же день, 22 июля Президент") == [None]


def test_bare_years_are_not_days() -> None:
    mentions = find_dates("в 1992 году Конгресс США; В 2001 году, когда")
    assert [m.year for m in mentions] == [1992, 2001]
    assert not any(m.is_day for m in mentions)


def test_invalid_dates_are_ignored() -> None:
    assert iso_all("31 февраля 2025 года") == []
    assert iso_all("XII Глобального форума") == []


def test_question_ranges() -> None:
    assert question_range("Что было в марте 2025 года?").label == "2025-03"
    assert question_range("What happened in May 2025?").label == "2025-05"
    assert question_range("Что произошло 22 июля 2025 года?").label == "2025-07-22"
    r = question_range("Какие письма были в 2024 году?")
    assert (r.start, r.end) == ("2024-01-01", "2024-12-31")
    assert question_range("Как приготовить плов?") is None


def test_seasons() -> None:
    r = question_range("Что говорили летом 2025 года?")
    assert (r.start, r.end) == ("2025-06-01", "2025-08-31")
    r = question_range("What happened in winter 2025?")
    assert (r.start, r.end) == ("2024-12-01", "2025-02-28")
    assert question_range("Что было в июле 2025 года летом?").label == "2025-07"


def test_russian_days_and_weeks_later_in_the_instrumental() -> None:
    from index.corpus.dates import relative_day

    assert (relative_day("Неделей позже сенатор заявил") or None).offset == 7
    assert relative_day("Двумя днями позже министр прибыл").offset == 2
    assert relative_day("Тремя днями ранее посол встретился").offset == -3
    assert relative_day("Неделю спустя").offset == 7
