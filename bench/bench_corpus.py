"""How well the corpus model reads sources of other shapes, and what that does to the answers.

Copies ``data/`` to a temporary directory, adds every source of a corpus folder beside the seed
(as ``quotebot sources add`` does, with its title, url, date and language), then prints:

1. per-paragraph accuracy of date, speaker and kind against the folder's ``annotations.yaml``
   (paragraph N = the N-th non-empty line; a paragraph's kind is the kind of most of its
   passages; a speaker is right by the scorer's rule, with the folder's ``speakers.yaml``; gold
   kind ``title`` accepts commentary), per file and overall;
2. ``../shared/eval/score.py`` on the folder's ``questions.yaml`` (speakers checked);
3. the same on the seed's questions (``../shared/eval/questions.yaml``), on the same index;
4. the plain peers on the same sources in the same run (:mod:`bench.peer_paragraphs`: e5-small
   dense and BM25 over whole paragraphs, no dates, no abstention), scored the same way;

and a markdown table for ``docs/passages.md``. A few minutes on the 2-core box::

    .venv/bin/python -m bench.bench_corpus [--corpus ../shared/corpus_dev]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.common import copy_seed
from bench.results import REPO

SHARED = REPO.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpus_dev"
SCORER = SHARED / "eval" / "score.py"
SEED_QUESTIONS = SHARED / "eval" / "questions.yaml"
FIELDS = ("date", "speaker", "kind")


# ----------------------------------------------------------------------------- per paragraph


def norm(s: str | None) -> str:
    """The scorer's normalisation (../shared/eval/score.py)."""
    s = (s or "").lower().replace("ё", "е")
    s = re.sub(r"[«»\"“”„]", "", s)
    s = re.sub(r"[‐-―−]", "-", s)
    return re.sub(r"\s+", " ", s).strip()


def speaker_ok(gold: str, got: str | None, forms: Mapping[str, Sequence[str]]) -> bool:
    """The scorer's rule: equal to an accepted spelling, or containing its last word."""
    got_n = norm(got)
    if not got_n:
        return False
    for form in forms.get(gold, [gold]):
        f = norm(form)
        if got_n == f or f.split()[-1] in got_n.split():
            return True
    return False


def speaker_forms(corpus: Path) -> dict[str, list[str]]:
    path = corpus / "speakers.yaml"
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): [str(k), *map(str, v or [])] for k, v in raw.items()}


@dataclass
class Tally:
    n: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wrong: list[str] = field(default_factory=list)  # "file ¶N field: expected X got Y"

    def add(self, other: Tally) -> None:
        self.n += other.n
        for key in FIELDS:
            self.right[key] += other.right[key]
        self.wrong += other.wrong

    def share(self, key: str) -> float:
        return self.right[key] / self.n if self.n else 0.0


@dataclass(frozen=True)
class ModelParagraph:
    """What the model says of one paragraph; ``names`` are the display forms of its speaker."""

    date: str | None
    speaker: str | None
    kind: str
    names: tuple[str, ...] = ()


def paragraph_accuracy(
    annotations: Mapping[str, Sequence[Mapping[str, Any]]],
    model: Mapping[str, Mapping[int, ModelParagraph]],
    forms: Mapping[str, Sequence[str]],
) -> dict[str, Tally]:
    """Per file and ``"overall"``: how many gold paragraphs the model dates, attributes and kinds right.

    A paragraph the model does not have (a different paragraph split) counts as wrong on every field.
    """
    tallies: dict[str, Tally] = {}
    overall = Tally()
    for file, gold_rows in annotations.items():
        tally = Tally()
        for gold in gold_rows:
            number = int(gold["paragraph"])
            got = model.get(file, {}).get(number)
            tally.n += 1
            checks = {
                "date": got is not None and got.date == gold.get("date"),
                "speaker": got is not None
                and (
                    got.speaker is None
                    if not gold.get("speaker")
                    else any(speaker_ok(str(gold["speaker"]), name, forms) for name in (got.speaker, *got.names))
                ),
                "kind": got is not None
                and (
                    got.kind == gold.get("kind")
                    or (gold.get("kind") == "title" and got.kind in ("commentary", "title"))
                ),
            }
            for key, ok in checks.items():
                if ok:
                    tally.right[key] += 1
                else:
                    value = None if got is None else getattr(got, key)
                    tally.wrong.append(f"{file} ¶{number} {key}: expected {gold.get(key)} got {value}")
        tallies[file] = tally
        overall.add(tally)
    tallies["overall"] = overall
    return tallies


def model_paragraphs(data_dir: Path, ids: Mapping[str, str]) -> dict[str, dict[int, ModelParagraph]]:
    """For each corpus file (``ids``: file → source id), its paragraphs as the index builds them
    (the passage rules, then the moderators' corrections)."""
    from index import paragraph_views
    from index.corpus.corrections import apply_corrections
    from index.corpus.passages import build_passages
    from index.corpus.sources import load_sources, load_speakers

    speakers = load_speakers(data_dir)
    sources = {s.id: s for s in load_sources(data_dir)}
    out: dict[str, dict[int, ModelParagraph]] = {}
    for file, source_id in ids.items():
        source = sources[source_id]
        passages = apply_corrections(build_passages(source, speakers)[0], source.corrections, speakers)
        views = {}
        for v in paragraph_views(passages):
            known = speakers.get(v.speaker) if v.speaker else None
            names = tuple(dict.fromkeys(known.name.values())) if known else ()
            views[v.number] = ModelParagraph(v.date, v.speaker, v.kind, names)
        out[file] = views
    return out


# ----------------------------------------------------------------------------- corpus set-up


def add_corpus(data_dir: Path, corpus: Path) -> tuple[dict[str, str], list[str]]:
    """Index the seed, then add every source of ``corpus``; returns (file → source id, notes)."""
    from index import Settings, add_source, build_index, prepare_source
    from index.errors import SourceRejected

    settings = Settings.from_env(data_dir=data_dir)
    build_index(settings)
    ids: dict[str, str] = {}
    notes: list[str] = []
    for entry in yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8")):
        path = corpus / entry["file"]
        meta = {
            "title": entry.get("title"),
            "url": entry.get("url"),
            "date": str(entry["published"]) if entry.get("published") else None,
            "language": entry.get("language"),
        }
        try:
            preview = prepare_source(settings, path.read_bytes(), path.name, meta, added_by="bench")
        except SourceRejected as exc:
            if "language" not in str(exc):
                raise
            notes.append(f"{entry['file']}: {exc}; added with the language guessed")
            preview = prepare_source(
                settings, path.read_bytes(), path.name, {**meta, "language": None}, added_by="bench"
            )
        add_source(settings, preview, user="bench")
        ids[entry["file"]] = preview.source.id
    return ids, notes


# ----------------------------------------------------------------------------- scoring


SUMMARY = re.compile(
    r"SUMMARY hit@3=(?P<hit3>[\d.]+) MRR=(?P<mrr>[\d.]+) date=(?P<date>\d+/\d+) "
    r"oos=(?P<oos>\d+/\d+) answered=(?P<answered>\d+/\d+)(?: speaker=(?P<speaker>\d+/\d+))?"
)


def score(questions: Path, command: list[str]) -> tuple[dict[str, str], list[str]]:
    """Run the shared scorer; returns (SUMMARY fields, its figure lines)."""
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(questions), "--", *command],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1200,
    )
    lines = proc.stdout.splitlines()
    summary = next((m.groupdict() for ln in lines if (m := SUMMARY.search(ln))), None)
    if proc.returncode or summary is None:
        raise SystemExit(f"scorer failed ({proc.returncode}): {proc.stderr[-1500:]}\n{proc.stdout[-1500:]}")
    figures = [ln for ln in lines if ln.startswith(("by kind", "in-scope", "dates right", "SUMMARY"))]
    return {k: v or "—" for k, v in summary.items()}, figures


def systems(data_dir: Path) -> dict[str, list[str]]:
    return {
        "quotebot": [sys.executable, "-m", "quotebot", "--data-dir", str(data_dir), "ask", "--jsonl"],
        "dense peer": [sys.executable, "-m", "bench.peer_paragraphs", "--method", "dense", "--data-dir", str(data_dir)],
        "BM25 peer": [sys.executable, "-m", "bench.peer_paragraphs", "--method", "bm25", "--data-dir", str(data_dir)],
    }


def table(rows: list[tuple[str, str, dict[str, str]]], accuracy: Tally) -> str:
    head = (
        "| set | system | hit@3 | MRR | dates | speakers | oos declined | answered |\n|---|---|---|---|---|---|---|---|"
    )
    lines = [head] + [
        f"| {name} | {system} | {s['hit3']} | {s['mrr']} | {s['date']} | {s['speaker']} | {s['oos']} "
        f"| {s['answered']} |"
        for name, system, s in rows
    ]
    n = accuracy.n
    lines += [
        "",
        "| per paragraph (quotebot) | date | speaker | kind |",
        "|---|---|---|---|",
        f"| {n} annotated paragraphs | {accuracy.share('date'):.3f} ({accuracy.right['date']}/{n}) "
        f"| {accuracy.share('speaker'):.3f} ({accuracy.right['speaker']}/{n}) "
        f"| {accuracy.share('kind'):.3f} ({accuracy.right['kind']}/{n}) |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a corpus folder (default: %(default)s)")
    parser.add_argument("--seed-questions", type=Path, default=SEED_QUESTIONS)
    parser.add_argument("--misses", action="store_true", help="list every wrong paragraph field")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        data_dir = copy_seed(Path(tmp) / "data")
        ids, notes = add_corpus(data_dir, corpus)
        print(
            f"# corpus model on {corpus.name}: {len(ids)} sources added beside the seed "
            f"({time.perf_counter() - t0:.0f} s)"
        )
        for note in notes:
            print(f"note: {note}")

        annotations = yaml.safe_load((corpus / "annotations.yaml").read_text(encoding="utf-8"))
        tallies = paragraph_accuracy(annotations, model_paragraphs(data_dir, ids), speaker_forms(corpus))
        print("\n## 1. per-paragraph accuracy (date / speaker / kind)")
        for name, tally in tallies.items():
            print(
                f"{name:36s} n={tally.n:3d}  date {tally.share('date'):.3f}  speaker {tally.share('speaker'):.3f}"
                f"  kind {tally.share('kind'):.3f}"
            )
        if args.misses:
            print("\n".join(f"  {w}" for w in tallies["overall"].wrong))

        rows: list[tuple[str, str, dict[str, str]]] = []
        sets = [("dev", corpus / "questions.yaml"), ("seed", args.seed_questions)]
        for number, (set_name, questions) in enumerate(sets, start=2):
            print(f"\n## {number}. {set_name} questions ({questions}), scored by score.py")
            for system, command in systems(data_dir).items():
                summary, figures = score(questions, command)
                rows.append((set_name, system, summary))
                print(f"[{system}]")
                print("\n".join(f"  {ln}" for ln in figures))
        print(f"\n## table for docs/passages.md ({time.perf_counter() - t0:.0f} s in all)\n")
        print(table(rows, tallies["overall"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
