"""A hostile extra source for escaping and splitting tests: markup characters in quotes,
titles and URLs, emoji, and one quoted paragraph of more than 5000 characters."""

from __future__ import annotations

from pathlib import Path

import yaml

NASTY_SOURCE_ID = "nasty_markup"
NASTY_TITLE = 'Тест <разметки> & "кавычек" *звёзды* _подчёркивания_'
NASTY_URL = "https://example.org/news?id=1&lang=ru&q=<x>"
SHORT_QUOTE = (
    "Мы ценим <b>партнёрство</b> & дружбу с Азербайджаном — *очень* _сильно_ 🇦🇿🤝🇺🇸, а код a<b && c>d остаётся кодом."
)
LONG_SENTENCE = (
    "Сотрудничество в энергетике & безопасности <действительно> важно для всего региона 🌍, "
    "и мы продолжим развивать газовые маршруты. "
)
LONG_QUOTE = (LONG_SENTENCE * 45).strip()


def nasty_text() -> str:
    return (
        "\n\n".join(
            [
                f"5 августа 2025 года Дональд Трамп написал в письме Ильхаму Алиеву: «{SHORT_QUOTE}»",
                f"6 августа 2025 года Ильхам Алиев в интервью о газовых маршрутах заявил: «{LONG_QUOTE}»",
                "Автор отмечает: <script>alert('x')</script> & прочие символы не должны ломать разметку.",
            ]
        )
        + "\n"
    )


def write_nasty_source(data_dir: Path) -> None:
    """Replace the registry of ``data_dir`` (speakers.yaml kept) by the nasty source alone: small and
    quick to index."""
    (data_dir / "sources").mkdir(parents=True, exist_ok=True)
    (data_dir / "sources" / f"{NASTY_SOURCE_ID}.txt").write_text(nasty_text(), encoding="utf-8")
    registry: dict[str, list[dict[str, str]]] = {"sources": []}
    registry["sources"].append(
        {
            "id": NASTY_SOURCE_ID,
            "title": NASTY_TITLE,
            "language": "ru",
            "file": f"sources/{NASTY_SOURCE_ID}.txt",
            "url": NASTY_URL,
            "published": "2025-08-07",
            "added_by": "tests",
        }
    )
    (data_dir / "sources.yaml").write_text(
        yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
