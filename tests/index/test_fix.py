"""`quotebot sources fix`: a correction is published, survives `index build`, comes back with a
rollback, is audited; bad input is refused and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import Settings
from index.store.versions import IndexStore, read_jsonl
from quotebot.cli import main

from ..conftest import SEED_ID

pytestmark = pytest.mark.slow  # needs the embedding model


def cli(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


def served(data: Path, paragraph: int) -> set[tuple[str | None, str | None, str]]:
    """(date, speaker, kind) of the served passages of the seed's ``paragraph``."""
    store = IndexStore(Settings.from_env(data_dir=data).index_dir)
    rows = read_jsonl(store.version_dir(store.require_current()) / "passages.jsonl")
    return {
        (r["date"], r["speaker"], r["kind"]) for r in rows if r["source_id"] == SEED_ID and r["paragraph"] == paragraph
    }


def audit(data: Path) -> list[dict]:
    path = Settings.from_env(data_dir=data).audit_log
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_fix_round_trip_build_and_rollback(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = served(data, 19)
    assert before and all(d == "2024-11-25" for d, _, _ in before)

    assert cli(data, "sources", "fix", SEED_ID, "19", "date=2024-11-26", "speaker=Steve Daines", "kind=reported") == 0
    out = capsys.readouterr().out
    assert f"fixed {SEED_ID} paragraph 19: date=2024-11-26 speaker=Steve Daines kind=reported" in out
    assert "date: 2024-11-25 -> 2024-11-26" in out and "reused" in out
    assert served(data, 19) == {("2024-11-26", "Steve Daines", "reported")}
    assert served(data, 20) != served(data, 19)  # only the named paragraph changed
    assert "Steve Daines" in (data / "sources.yaml").read_text(encoding="utf-8")

    assert cli(data, "index", "build", "-q") == 0  # a rebuild keeps it
    assert served(data, 19) == {("2024-11-26", "Steve Daines", "reported")}

    assert cli(data, "sources", "fix", SEED_ID, "19", "date=none", "speaker=Aliyev") == 0  # merged, alias → id
    assert served(data, 19) == {(None, "aliyev", "reported")}

    assert cli(data, "index", "rollback") == 0  # the previous version and its registry
    assert served(data, 19) == {("2024-11-26", "Steve Daines", "reported")}
    assert "Steve Daines" in (data / "sources.yaml").read_text(encoding="utf-8")
    assert cli(data, "index", "build", "-q") == 0  # the restored registry is what builds use
    assert served(data, 19) == {("2024-11-26", "Steve Daines", "reported")}

    fixes = [a for a in audit(data) if a["action"] == "fix"]
    assert len(fixes) == 2 and all(a["source_id"] == SEED_ID and a["user"].startswith("cli:") for a in fixes)
    assert fixes[0]["result"].startswith("ok: paragraph 19 date=2024-11-26 speaker=Steve Daines kind=reported;")
    assert fixes[1]["result"].startswith("ok: paragraph 19 date=none speaker=Aliyev;")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such", "3", "date=2025-01-01"], "no source with id 'no_such'"),
        ([SEED_ID, "0", "date=2025-01-01"], "paragraph '0' is out of range: the source has paragraphs 1–54"),
        ([SEED_ID, "55", "kind=quote"], "out of range"),
        ([SEED_ID, "x", "kind=quote"], "out of range"),
        ([SEED_ID, "3", "date=2025-02-30"], "bad date '2025-02-30'"),
        ([SEED_ID, "3", "kind=speech"], "unknown kind 'speech'"),
        ([SEED_ID, "3", "colour=blue"], "unknown field 'colour'"),
        ([SEED_ID, "3", "Aliyev"], "write the changes as date=YYYY-MM-DD"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    registry = (data / "sources.yaml").read_bytes()
    current = (data / "index" / "CURRENT").read_text()
    assert cli(data, "sources", "fix", *args) == 1
    assert message in capsys.readouterr().err
    assert (data / "sources.yaml").read_bytes() == registry
    assert (data / "index" / "CURRENT").read_text() == current
    assert not [a for a in audit(data) if a["action"] == "fix"]
