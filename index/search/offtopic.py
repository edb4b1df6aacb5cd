"""Generic off-topic questions (``offtopic.yaml``): the negative class of the abstention check."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..store.checksums import sha256_text
from ..yamlio import parse_yaml

PATH = Path(__file__).with_name("offtopic.yaml")


@cache
def load_offtopic() -> list[str]:
    return [str(q) for q in parse_yaml(PATH.read_text(encoding="utf-8"))["questions"]]


def offtopic_hash(questions: list[str]) -> str:
    return sha256_text("\n".join(questions))[:16]
