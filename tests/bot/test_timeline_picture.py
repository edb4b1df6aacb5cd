"""/timeline pictures: filters, a real PNG of phone-readable size, one render per index version."""

from __future__ import annotations

import struct
import zlib

from bot.timeline import PictureCache, parse_filter, render_png
from index import Event

from .conftest import FakeNames

EVENTS = [
    Event("src", 0, "2024-11-25", "aliyev", "phone_call", (19,), "25 ноября 2024 года Ильхам Алиев позвонил."),
    Event("src", 1, "2025-03-20", "trump", "letter", (30,), "Дональд Трамп направил письмо по случаю Новруза."),
    Event("src", 2, "2025-05-28", "trump", "letter", (35,), "Письмо ко Дню независимости."),
    Event("src", 3, "2025-05-29", None, "interview", (40,), "Интервью без говорящего."),
]


def png_info(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_filters_by_year_speaker_occasion_and_words(names: FakeNames) -> None:
    def matching(text: str) -> list[int]:
        flt = parse_filter(text, EVENTS, names)
        return [e.index for e in EVENTS if flt.matches(e)]

    assert matching("") == [0, 1, 2, 3]
    assert matching("2025") == [1, 2, 3]
    assert matching("Trump") == [1, 2] == matching("трамп") == matching("Donald Trump")
    assert matching("2024 Трамп") == []
    assert matching("letter") == [1, 2]
    assert matching("Новруза") == [1]
    assert matching("nothing-like-this") == []
    assert parse_filter("  Trump   2025 ", EVENTS, names).text == "Trump 2025"


def test_picture_is_a_png_readable_on_a_phone(names: FakeNames) -> None:
    picture = render_png(EVENTS, "az", names, "2025")
    width, height = png_info(picture.png)
    assert (width, height) == (picture.width, picture.height)
    assert width >= 1280 and 300 <= height <= 2000
    assert 10_000 < len(picture.png) < 1_000_000
    assert picture.events == 4
    assert picture.caption == "<b>Təmasların xronologiyası</b>: 4 hadisə, 25 noyabr 2024 – 29 may 2025."


def test_rendered_once_per_index_version_language_and_filter(names: FakeNames) -> None:
    cache = PictureCache()
    flt = parse_filter("", EVENTS, names)
    first = cache.get_or_render("v1", "ru", flt, EVENTS, names)
    assert cache.get_or_render("v1", "ru", flt, EVENTS, names) is first
    assert cache.renders == 1
    cache.get_or_render("v1", "en", flt, EVENTS, names)
    cache.get_or_render("v2", "ru", flt, EVENTS, names)
    assert cache.renders == 3
