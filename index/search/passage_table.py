"""The passages of a loaded version as columns, not as one Python object each.

Why: at 100k passages, a ``Passage`` per row (its id, its text and five short strings, each a
separate object) and the JSON dicts they were read from cost ~350 MB of a serving process
(docs/performance.md, the 100k memory table), while the engine touches a few hundred passages a
question. Here every field is a numpy column (strings interned into small value tables) and the
text is the slice of its source that ``Passage.text`` always is; ``table[i]`` builds the
``Passage`` of row ``i`` when it is asked for. The file is read line by line, so the dicts of the
whole file are never alive at once.

Written by hand because it is a view over this project's own passage layout
(``passages.jsonl``, :mod:`index.store.version`); no library fits it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

from ..types import Passage, passage_id

_NONE = -1  # a missing date, speaker or event


class PassageTable(Sequence[Passage]):
    """Rows of passages; ``table[i]`` is the :class:`Passage` of row ``i``."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts
        self._values: list[str] = []  # interned strings: source ids, dates, speakers, occasions, kinds
        self._value_ids: dict[str, int] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._odd: dict[int, Passage] = {}  # rows whose id or text is not the usual one (none in new builds)

    @classmethod
    def read(cls, rows: Iterable[Mapping[str, Any]], texts: Mapping[str, str]) -> PassageTable:
        """The table of ``rows`` (passage dicts, as ``passages.jsonl`` holds them, read one at a time)."""
        table = cls(texts)
        cols: dict[str, list[int]] = {k: [] for k in _INT_FIELDS + _STR_FIELDS}
        for row in rows:
            r = len(cols["start"])
            for name in _INT_FIELDS:
                value = row.get(name)
                cols[name].append(_NONE if value is None else int(value))
            for name in _STR_FIELDS:
                value = row.get(name)
                cols[name].append(_NONE if value is None else table._intern(str(value)))
            # every other field reads back from its column as stored; the id and the text are
            # derived, and an occasion or kind of None would read back as ""
            sid, start, end = str(row.get("source_id")), cols["start"][r], cols["end"][r]
            if (
                row.get("id") != passage_id(sid, cols["paragraph"][r], start, end)
                or row.get("text") != texts.get(sid, "")[start:end]
                or row.get("occasion") is None
                or row.get("kind") is None
            ):
                table._odd[r] = Passage(**{k: v for k, v in row.items() if k in _PASSAGE_FIELDS})
        table._columns = {
            name: np.asarray(values, dtype=np.int32 if name != "start" and name != "end" else np.int64)
            for name, values in cols.items()
        }
        return table

    def _intern(self, value: str) -> int:
        found = self._value_ids.get(value)
        if found is None:
            found = self._value_ids[value] = len(self._values)
            self._values.append(value)
        return found

    def _build(self, row: int, source_id: str, cols: Mapping[str, Sequence[int] | np.ndarray]) -> Passage:
        """The passage of ``row`` from its columns (lists while reading, arrays after)."""
        paragraph, start, end = int(cols["paragraph"][row]), int(cols["start"][row]), int(cols["end"][row])
        event = int(cols["event"][row])
        return Passage(
            id=passage_id(source_id, paragraph, start, end),
            source_id=source_id,
            paragraph=paragraph,
            start=start,
            end=end,
            text=self._texts.get(source_id, "")[start:end],
            date=self._value(cols["date"][row]),
            speaker=self._value(cols["speaker"][row]),
            occasion=self._value(cols["occasion"][row]) or "",
            kind=self._value(cols["kind"][row]) or "",
            event=None if event == _NONE else event,
        )

    def _value(self, index: int) -> str | None:
        return None if int(index) == _NONE else self._values[int(index)]

    def __len__(self) -> int:
        return len(self._columns["start"]) if self._columns else 0

    @overload
    def __getitem__(self, row: int) -> Passage: ...

    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...

    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        odd = self._odd.get(row)
        if odd is not None:
            return odd
        return self._build(row, self._values[int(self._columns["source_id"][row])], self._columns)

    def __iter__(self) -> Iterator[Passage]:
        return (self[i] for i in range(len(self)))

    def source_rows(self, source_ids: Iterable[str]) -> np.ndarray:
        """Rows of the passages of ``source_ids``, in order."""
        wanted = [self._value_ids[s] for s in source_ids if s in self._value_ids]
        return np.flatnonzero(np.isin(self._columns["source_id"], wanted)).astype(np.int64)

    def source_ids(self) -> list[str]:
        """The source id of every row."""
        return [self._values[int(i)] for i in self._columns["source_id"]]

    def paragraphs(self) -> list[int]:
        """The paragraph number of every row."""
        return [int(n) for n in self._columns["paragraph"]]

    def dates(self) -> list[str | None]:
        """The date of every row (None when undated)."""
        return [self._value(i) for i in self._columns["date"]]


_INT_FIELDS = ("paragraph", "start", "end", "event")
_STR_FIELDS = ("source_id", "date", "speaker", "occasion", "kind")
_PASSAGE_FIELDS = frozenset(Passage.__dataclass_fields__)
