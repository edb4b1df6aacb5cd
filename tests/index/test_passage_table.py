"""The loaded passages as columns (index/search/passage_table.py): every row reads back as the
Passage that was stored, text included, and odd rows are kept as they were."""

from __future__ import annotations

from index.search.passage_table import PassageTable
from index.types import Passage

TEXT = "Первый абзац. Второй.\n\nAliyev said so."


def stored(sid: str, paragraph: int, start: int, end: int, **kw) -> dict:
    row = {
        "id": f"{sid}:{paragraph}:{start}-{end}",
        "source_id": sid,
        "paragraph": paragraph,
        "start": start,
        "end": end,
        "text": TEXT[start:end],
        "date": None,
        "speaker": None,
        "occasion": "commentary",
        "kind": "commentary",
        "event": None,
        "text_hash": "x",
    }
    return {**row, **kw}


def test_rows_read_back_as_stored_passages() -> None:
    rows = [
        stored("a", 1, 0, 13),
        stored("a", 1, 14, 21, date="2025-03-13", speaker="aliyev", occasion="interview", kind="quote", event=0),
        stored("b", 2, 23, 38, date="2025-03-13", event=3),
    ]
    table = PassageTable.read(iter(rows), {"a": TEXT, "b": TEXT})
    expected = [Passage(**{k: v for k, v in r.items() if k != "text_hash"}) for r in rows]
    assert len(table) == 3
    assert list(table) == expected
    assert table[-1] == expected[-1] and table[1:] == expected[1:]
    assert table[1].text == "Второй."
    assert list(table.source_rows(["b"])) == [2] and list(table.source_rows(["zzz"])) == []
    assert table.dates() == [None, "2025-03-13", "2025-03-13"]


def test_a_row_whose_text_is_not_its_slice_is_kept_whole() -> None:
    odd = stored("a", 1, 0, 13, text="другой текст", id="legacy-id")
    table = PassageTable.read(iter([odd]), {"a": TEXT})
    assert table[0].text == "другой текст" and table[0].id == "legacy-id"
