"""Time-bounded fuzzing (hypothesis) of what users control: button data, captions, file names and
uploaded bytes. Whatever comes in, the parsers either understand it or refuse it cleanly
(``None`` / ``SourceRejected``), and what they accept is safe to use."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import callback_data as cd
from index import parse_metadata
from index.corpus.documents import check_name, document_text, safe_name
from index.errors import SourceRejected

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEY = st.text(alphabet="ABCxyz019-_", min_size=12, max_size=12)
ACTIONS = st.one_of(
    st.builds(cd.Page, KEY, st.integers(0, 99999)),
    st.builds(cd.Full, KEY, st.integers(0, 99)),
    st.builds(cd.Back, KEY),
    st.builds(cd.Vote, KEY, st.booleans()),
    st.builds(cd.Example, st.sampled_from(["ru", "en"]), st.integers(0, 9)),
    st.builds(cd.Confirm, KEY),
    st.builds(cd.Decline, KEY),
)
# text near the real formats (prefixes, separators, digits) as well as anything at all
NEAR_DATA = st.builds(
    lambda a, b, c: f"{a}:{b}:{c}",
    st.sampled_from([*"nfbvxm", "m:y", "zz", ""]),
    st.text(max_size=20),
    st.text(max_size=8),
)


@FUZZ
@given(st.one_of(st.text(max_size=80), NEAR_DATA, st.none()))
def test_any_button_data_decodes_to_an_action_or_none(data: str | None) -> None:
    action = cd.decode(data)
    if action is not None:
        assert cd.encode(action) == data  # only the exact formats are understood
        assert len(data.encode()) <= cd.MAX_BYTES if data else False


@FUZZ
@given(ACTIONS)
def test_every_action_round_trips_within_64_bytes(action: cd.Action) -> None:
    data = cd.encode(action)
    assert len(data.encode()) <= cd.MAX_BYTES and cd.decode(data) == action


CAPTION_LINES = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda k, v: f"{k}: {v}",
        st.sampled_from(["title", "url", "date", "language", "Title", "colour"]),
        st.text(max_size=40),
    ),
)


@FUZZ
@given(st.one_of(st.none(), st.text(max_size=300), st.lists(CAPTION_LINES, max_size=6).map("\n".join)))
def test_any_caption_is_metadata_or_refused(caption: str | None) -> None:
    try:
        meta = parse_metadata(caption)
    except SourceRejected as exc:
        assert str(exc)
        return
    assert set(meta) <= {"title", "url", "date", "language"}
    assert all(isinstance(v, str) and v == v.strip() and v for v in meta.values())
    assert len(meta.get("title", "")) <= 300 and meta.get("language", "ru") in ("ru", "en")


NAMES = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda d, n, s: f"{d}{n}{s}",
        st.sampled_from(["", "../", "..\\", "/etc/", "C:\\x\\", "./."]),
        st.text(max_size=30),
        st.sampled_from(["", ".txt", ".md", ".html", ".exe", ".TXT"]),
    ),
)


@FUZZ
@given(NAMES)
def test_any_file_name_is_made_safe_or_refused(name: str) -> None:
    safe = safe_name(name)
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and len(safe) <= 100
    try:
        checked = check_name(name)
    except SourceRejected:
        return
    assert checked == safe and checked.lower().endswith((".txt", ".md", ".markdown", ".html", ".htm"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda t: t.encode("utf-8"))),
    st.sampled_from(["a.txt", "a.md", "a.html"]),
)
def test_any_upload_is_text_or_refused(data: bytes, name: str) -> None:
    try:
        text = document_text(data, name)
    except SourceRejected:
        return
    assert text.endswith("\n") and "\x00" not in text and sum(ch.isalpha() for ch in text) >= 20
