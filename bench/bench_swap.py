"""Peak memory of a serving process while it swaps to a newly published index version.

The replica memory budget in docs/deploy.md follows from this. A process opens the published
version of ``DATA`` (e.g. the 100k synthetic corpus of ``bench/bench_scale.py --keep DIR``), answers
questions in a thread, and meanwhile a new version of the same size is published (a copy of the
served one under a new id: the same files a real build of that corpus writes) and loaded with
``Engine.reload_if_changed`` — checked against its manifest, loaded off the question path, swapped.
RSS is sampled every 10 ms; the peak is also read from ``VmHWM``.

    .venv/bin/python -m bench.bench_scale --only build --passages 100000 --keep /tmp/synth100k
    .venv/bin/python -m bench.bench_swap /tmp/synth100k/synth
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import threading
import time
from pathlib import Path


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def publish_copy(data: Path) -> str:
    """A new version with the served version's files under a new id, published atomically."""
    from index.store.versions import MANIFEST, IndexStore, new_version_id, write_json

    store = IndexStore(data / "index")
    current = store.require_current()
    version = new_version_id()
    staging = store.staging_dir(version)
    shutil.copytree(store.version_dir(current), staging, dirs_exist_ok=True)
    manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    manifest.update(version=version, parent=current)
    write_json(staging / MANIFEST, manifest)
    store.publish(staging, version)
    return version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a data directory with a published index")
    args = parser.parse_args()
    from index import Engine, Settings

    settings = Settings.from_env(data_dir=args.data)
    t0 = time.perf_counter()
    engine = Engine.open(settings)
    open_s = time.perf_counter() - t0
    for q in ("Когда Алиев позвонил Трампу?", "What did Trump say in May 2025?"):
        engine.ask(q)
    gc.collect()
    before = status_mb("VmRSS")
    new = publish_copy(args.data)

    stop = threading.Event()
    peak = [before]
    latencies: list[float] = []

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], status_mb("VmRSS"))
            time.sleep(0.01)

    def ask() -> None:
        questions = [
            "Когда Алиев позвонил Трампу?",
            "Что Трамп написал 5 августа 2025 года?",
            "What did Trump say in May 2025?",
            "Заявления 22 июля",
        ]
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            engine.ask(questions[i % len(questions)])
            latencies.append(time.perf_counter() - t)
            i += 1

    threads = [threading.Thread(target=sample), threading.Thread(target=ask)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    swapped = engine.reload_if_changed()
    swap_s = time.perf_counter() - t0
    time.sleep(1.0)  # questions that started on the old version finish; it is freed
    stop.set()
    for t in threads:
        t.join()
    gc.collect()
    result = {
        "passages": len(engine.loaded.passages),
        "swapped": swapped and engine.version == new,
        "open_seconds": round(open_s, 1),
        "swap_seconds": round(swap_s, 1),
        "rss_before_mb": before,
        "rss_peak_during_swap_mb": peak[0],
        "vm_hwm_mb": status_mb("VmHWM"),
        "rss_after_mb": status_mb("VmRSS"),
        "questions_during_swap": len(latencies),
        "max_question_seconds_during_swap": round(max(latencies, default=0.0), 2),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
