"""Container health check (Docker HEALTHCHECK): standard library only, well under a second.

Healthy when the data directory has a published index version with a readable manifest and,
in webhook mode, the bot's webhook server accepts connections. Exit 0 healthy, 1 unhealthy
(the reason on stdout, which Docker keeps in ``docker inspect``).
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path


def check(env: dict[str, str]) -> str | None:
    """The reason the container is unhealthy, or None."""
    index = Path(env.get("QUOTEBOT_DATA_DIR") or "/data") / "index"
    try:
        version = (index / "CURRENT").read_text(encoding="utf-8").strip()
        manifest = json.loads((index / "versions" / version / "manifest.json").read_text(encoding="utf-8"))
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
