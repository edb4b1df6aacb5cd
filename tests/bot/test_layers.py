"""The bot's layers, read from its source: no import cycle, moderation never imports the public
handlers, and only the context (and the application that fills it) touches ``bot_data``."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def _module(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each bot module → the bot modules it imports at run time (``TYPE_CHECKING`` blocks aside)."""
    paths = {_module(p): p for p in BOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        found: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or id(node) in typing_only:
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found |= {c for c in (target, *(f"{target}.{a.name}" for a in node.names)) if c in paths and c != name}
        graph[name] = found
    return graph


def test_no_import_cycle_in_bot() -> None:
    graph = _imports()
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_moderation_does_not_import_the_public_handlers() -> None:
    upward = {
        name: sorted(m for m in deps if m.startswith("bot.handlers"))
        for name, deps in _imports().items()
        if name.startswith("bot.moderation")
    }
    assert all(not deps for deps in upward.values()), upward


def test_only_the_context_reads_bot_data() -> None:
    readers = sorted(_module(p) for p in BOT.rglob("*.py") if "bot_data[" in p.read_text(encoding="utf-8"))
    assert readers == ["bot.app", "bot.context", "bot.handlers"], readers
