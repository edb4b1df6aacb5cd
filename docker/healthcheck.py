"""Container health check (Docker HEALTHCHECK): standard library only, well under a second.

Healthy when the data directory has a published index version with a readable manifest and,
in webhook mode, the bot's webhook server accepts connections. Exit 0 healthy, 1 unhealthy
(the reason on stdout, which Docker keeps in ``docker inspect``).

The index directory is read through its owner, ``index/store/manifest.py`` (standard library
only), loaded by its path: importing the ``index`` package would load numpy, FAISS and the rest.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from functools import cache
from pathlib import Path
from types import ModuleType


@cache
def _manifest_module() -> ModuleType:
    """``index.store.manifest`` from the installed (or checked-out) package, without running
    ``index/__init__.py``."""
    found = importlib.util.find_spec("index")
    roots = [Path(p) for p in (found.submodule_search_locations or [])] if found else []
    roots.append(Path(__file__).resolve().parents[1] / "index")  # a checkout: docker/../index
    for root in roots:
        path = root / "store" / "manifest.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location("quotebot_index_manifest", path)
            if spec and spec.loader:
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return module
    raise ImportError("the quotebot index package is not installed")


def check(env: dict[str, str]) -> str | None:
    """The reason the container is unhealthy, or None."""
    index = Path(env.get("QUOTEBOT_DATA_DIR") or "/data") / "index"
    try:
        store = _manifest_module()
    except ImportError as exc:
        return str(exc)
    try:
        version = store.read_current(index)
        if version is None:
            return f"no readable published index in {index}: no published version"
        manifest = store.read_manifest(index, version)
    except (OSError, ValueError) as exc:
        return f"no readable published index in {index}: {exc}"
    if not manifest.get("passage_count"):
        return f"index version {version} has no passages"
    if env.get("QUOTEBOT_BOT_MODE", "polling") == "webhook":
        host = env.get("QUOTEBOT_WEBHOOK_LISTEN") or "127.0.0.1"
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        port = int(env.get("QUOTEBOT_WEBHOOK_PORT") or 8080)
        try:
            with socket.create_connection((host, port), timeout=2):
                pass
        except OSError as exc:
            return f"webhook server {host}:{port} not accepting connections: {exc}"
    return None


def main() -> int:
    problem = check(dict(os.environ))
    print(problem or "ok")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
