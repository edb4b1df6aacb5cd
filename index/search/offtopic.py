"""Generic off-topic questions (``offtopic.yaml``): the negative class of the abstention check."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("offtopic.yaml")


@cache
def load_offtopic() -> list[str]:
    return [str(q) for q in yaml.safe_load(PATH.read_text(encoding="utf-8"))["questions"]]


def offtopic_hash(questions: list[str]) -> str:
    return hashlib.sha256("\n".join(questions).encode("utf-8")).hexdigest()[:16]
