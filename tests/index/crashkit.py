"""Crash-point driver: kill a write at each of its steps in turn, then read as ``ask`` and the bot do.

In the manner of SQLite's crash tests and ALICE: the operation runs once to record the names of
its write steps (:func:`index.store.faults.recording`); then, for each step ``k``, a forked child runs it
again on a fresh copy of the data directory with ``QUOTEBOT_FAULT="*#k=kill"`` (SIGKILL to itself at
exactly that step). After each kill this process checks what readers see:

* **ask**: ``quotebot ask``'s own path (``quotebot.cli._open_engine``) on the crashed directory;
* **bot**: an engine opened before the write, behind the bot's gateway, after a reload;
* both answer the seed question from a whole published version: the old one, or the new one once
  ``CURRENT`` switched;
* **recovery** (what the next writer does) leaves no partial directory or journal, a registry
  that agrees with the served version, and the change's audit entry exactly once iff it was
  published.

Run as ``python -m tests.index.crashkit BASE OP [OP...]`` (BASE: a data directory with two
published versions); prints one JSON object per crash point. Forking keeps it fast: the model
is loaded once and texts are embedded once (torch and FAISS on one thread, so forking is safe).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from index import Settings
from index.store import faults
from index.store.versions import IndexStore

REPO = Path(__file__).resolve().parents[2]
ARTICLE_EN = REPO / "tests" / "data" / "article_en.md"
ARTICLE_RU = REPO / "tests" / "data" / "article_ru_summit.md"
QUESTION = "Когда Алиев позвонил Трампу?"
NEEDLE = ("позвонил Дональду Трампу", "2024-11-25")
OPS = ("add", "remove", "rollback", "reindex", "prune")
AUDIT_ACTION = {"add": "add", "remove": "remove", "rollback": "rollback", "reindex": "reindex", "prune": "reindex"}


class MemoEncoder:
    """The real embedder, remembering every vector: after the first run nothing is re-encoded."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name, self.dim, self.fingerprint = inner.name, inner.dim, inner.fingerprint
        self.encoder = getattr(inner, "encoder", None)  # the manifest records how vectors were made
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    def _encode(self, kind: str, texts: list[str], fn: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self._memo]
        if missing:
            for t, v in zip(missing, fn(missing), strict=True):
                self._memo[(kind, t)] = v
        return np.stack([self._memo[(kind, t)] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        return self._encode("p", texts, lambda t: self.inner.encode_passages(t, batch_size=batch_size))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode("q", texts, self.inner.encode_queries)


def make_base(data: Path, encoder: Any) -> None:
    """Seed version + a version with the English article: every operation has a parent to use."""
    from index import add_source, build_index, prepare_source

    settings = Settings.from_env(data_dir=data)
    if IndexStore(settings.index_dir).current() is None:
        build_index(settings, encoder=encoder)
    preview = prepare_source(settings, ARTICLE_EN.read_bytes(), "article_en.md", {"title": "Summit"})
    add_source(settings, preview, user="base", encoder=encoder)


def run_op(op: str, settings: Settings, encoder: Any) -> None:
    from index import add_source, prepare_source, rebuild, remove_source, rollback
    from index.store import versions as store_module

    if op == "add":
        preview = prepare_source(settings, ARTICLE_RU.read_bytes(), "article_ru.md", {"title": "Саммит"})
        add_source(settings, preview, user="crash", encoder=encoder)
    elif op == "remove":
        added = [s for s in _registry_ids(settings.data_dir) if s != "000_077138273beb30d3"]
        remove_source(settings, added[0], user="crash", encoder=encoder)
    elif op == "rollback":
        rollback(settings, user="crash")
    elif op == "reindex":
        rebuild(settings, user="crash", encoder=encoder)
    elif op == "prune":
        keep, store_module.KEEP_VERSIONS = store_module.KEEP_VERSIONS, 1  # a reindex that prunes the oldest
        try:
            rebuild(settings, user="crash", encoder=encoder)
        finally:
            store_module.KEEP_VERSIONS = keep
    else:
        raise ValueError(op)


def _registry_ids(data: Path) -> list[str]:
    import yaml

    return [s["id"] for s in yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))["sources"]]


def answer_ok(answer: Any) -> bool:
    return answer.answered and any(NEEDLE[0] in h.text and h.date == NEEDLE[1] for h in answer.hits)


def check_point(op: str, k: int, base: Path, work: Path, encoder: Any) -> dict[str, Any]:
    """Crash ``op`` at its ``k``-th step (``k=0``: no crash) on a copy of ``base``; what readers see."""
    from bot.gateway import EngineGateway
    from index import Engine, recover_data
    from quotebot import cli

    data = work / f"{op}-{k}"
    shutil.copytree(base, data)
    settings = Settings.from_env(data_dir=data)
    store = IndexStore(settings.index_dir)
    old = store.current()
    bot = EngineGateway(Engine.open(settings, embedder=encoder))  # a running bot, before the write
    audit_before = _audit(settings)

    pid = os.fork()
    if pid == 0:  # the writer
        code = 0
        try:
            if k:
                os.environ[faults.ENV] = f"*#{k}=kill"
            run_op(op, settings, encoder)
        except BaseException:
            traceback.print_exc()
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    result: dict[str, Any] = {
        "op": op,
        "k": k,
        "killed": killed,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    }
    problems: list[str] = []
    if k and not killed:
        problems.append("the writer was not killed at this step")
    if not k and result["exit"] != 0:
        problems.append(f"the write failed (exit {result['exit']})")

    current = store.current()
    result["switched"] = current != old
    # ask: a new process opens the published version
    try:
        engine = cli._open_engine(settings)
        if engine.version != current:
            problems.append(f"ask served {engine.version}, CURRENT is {current}")
        if not answer_ok(engine.ask(QUESTION, top_k=5)):
            problems.append("ask: the seed question was not answered")
    except Exception as exc:
        problems.append(f"ask raised {type(exc).__name__}: {exc}")
    # the bot: reloads between questions
    try:
        asyncio.run(bot.reload())
        if bot.engine.status()["version"] != current:
            problems.append(f"bot serves {bot.engine.status()['version']}, CURRENT is {current}")
        if not answer_ok(asyncio.run(bot.ask(QUESTION, top_k=5))):
            problems.append("bot: the seed question was not answered")
    except Exception as exc:
        problems.append(f"bot raised {type(exc).__name__}: {exc}")

    # the next writer's recovery
    try:
        recover_data(settings)
    except Exception as exc:
        problems.append(f"recovery raised {type(exc).__name__}: {exc}")
    leftovers = [p.name for p in settings.index_dir.iterdir() if p.name.startswith((".build-", ".trash-", "pending"))]
    if leftovers:
        problems.append(f"left after recovery: {leftovers}")
    served = store.current()
    snapshot = (store.version_dir(served) / "sources.yaml").read_text(encoding="utf-8")
    if _ids(snapshot) != set(_registry_ids(data)):
        problems.append("the registry disagrees with the served version after recovery")
    published = served if result["switched"] else None
    entries = [
        e
        for e in _audit(settings)[len(audit_before) :]
        if e.get("action") == AUDIT_ACTION[op] and str(e.get("result", "")).startswith("ok")
    ]
    if published and [e.get("version") or str(e["result"]).split()[2] for e in entries] != [published]:
        problems.append(f"audit: {len(entries)} ok entries for published {published}")
    if not published and entries:
        problems.append("audit: an ok entry for a change that was not published")
    try:
        after = Engine.open(settings, embedder=encoder)
        if not answer_ok(after.ask(QUESTION, top_k=5)):
            problems.append("after recovery: the seed question was not answered")
    except Exception as exc:
        problems.append(f"after recovery: open raised {type(exc).__name__}: {exc}")
    result["problems"] = problems
    shutil.rmtree(data, ignore_errors=True)
    return result


def _ids(registry: str) -> set[str]:
    import yaml

    return {s["id"] for s in (yaml.safe_load(registry) or {}).get("sources", [])}


def _audit(settings: Settings) -> list[dict[str, Any]]:
    path = settings.audit_log
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def trace(op: str, base: Path, work: Path, encoder: Any) -> list[str]:
    """The write steps ``op`` takes, in order (and the encoder learns its texts)."""
    data = work / f"{op}-trace"
    shutil.copytree(base, data)
    with faults.recording() as steps:
        run_op(op, Settings.from_env(data_dir=data), encoder)
    shutil.rmtree(data, ignore_errors=True)
    return list(steps)


def load_encoder() -> MemoEncoder:
    import faiss

    faiss.omp_set_num_threads(1)
    try:  # only the sentence-transformers encoder uses torch
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    from index.embedding.model import embedder_for

    settings = Settings.from_env()
    return MemoEncoder(embedder_for(settings))


def main(argv: list[str]) -> int:
    base, ops = Path(argv[0]), argv[1:] or list(OPS)
    encoder = load_encoder()
    with tempfile.TemporaryDirectory(prefix="crashkit-") as tmp:
        work = Path(tmp)
        for op in ops:
            steps = trace(op, base, work, encoder)
            for k in range(len(steps) + 1):
                result = check_point(op, k, base, work, encoder)
                result["step"] = steps[k - 1] if k else None
                print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main(sys.argv[1:]))
