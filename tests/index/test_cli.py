"""`quotebot ask` through the real console script: the JSON contract and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(args: list[str], data: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quotebot", "--data-dir", str(data), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_jsonl_contract_and_bad_lines(built_data: Path) -> None:
    lines = [
        "Когда Алиев позвонил Трампу?",
        "",
        "я" * 100_000,
        "\x00\x07\x1b[31m",
        "Как приготовить плов?",
        "<b>трамп</b> & новруз",
    ]
    proc = run(["ask", "--jsonl"], built_data, "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    first = out[0]
    assert first["answered"] and set(first["results"][0]) >= {"text", "date", "speaker", "source", "location", "score"}
    assert first["results"][0]["date"] == "2024-11-25"
    assert first["results"][0]["location"].startswith("абзац")
    assert [o["answered"] for o in out[1:5]] == [False, False, False, False]
    assert out[5]["answered"]


def test_jsonl_answers_a_waiting_caller_line_by_line(built_data: Path) -> None:
    """Lines that arrive together are answered in one batch, but a caller that writes one line
    and waits gets its answer without closing stdin; the answers equal one-by-one answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "quotebot", "--data-dir", str(built_data), "ask", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        answers = []
        for question in ("Когда Алиев позвонил Трампу?", "трамп новруз"):
            proc.stdin.write(question + "\n")
            proc.stdin.flush()
            answers.append(json.loads(proc.stdout.readline()))  # would hang if it waited for more
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    together = [
        json.loads(line)
        for line in run(
            ["ask", "--jsonl"], built_data, "Когда Алиев позвонил Трампу?\nтрамп новруз\n"
        ).stdout.splitlines()
    ]
    assert [a["results"][0]["text"] for a in answers] == [a["results"][0]["text"] for a in together]


def test_human_output_and_json(built_data: Path) -> None:
    proc = run(["ask", "трамп", "новруз"], built_data)
    assert proc.returncode == 0 and "2025-04-10" in proc.stdout and "абзац" in proc.stdout
    proc = run(["ask", "--json", "Как приготовить плов?"], built_data)
    assert json.loads(proc.stdout)["answered"] is False


def test_unknown_model_is_a_clear_error(built_data: Path, tmp_path: Path) -> None:
    proc = run(["--model", "no-such/model-xyz", "ask", "test"], built_data)
    assert proc.returncode == 1
    assert "no-such/model-xyz" in proc.stderr and "Traceback" not in proc.stderr
