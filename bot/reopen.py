"""Reopening a stored answer from a deep link ``t.me/<bot>?start=<key>``.

The view store keeps what an answer showed (the question, and for each quote its source,
paragraphs, date, speaker and occasion). Reopening shows those same quotes again — the exact
paragraphs from the served corpus, not a new search whose results could have changed since —
with the usual buttons. Quotes whose source has been removed are left out.
"""

from __future__ import annotations

from .gateway import EngineGateway
from .keyboards import answer_keyboard
from .markup import esc, pack, split_text
from .pages import Screen
from .render import citation, headline, quote_blocks
from .strings import t
from .view_store import View

QUERY_ECHO_CHARS = 200


async def reopened_screen(engine: EngineGateway, view: View, key: str, lang: str, top_k: int) -> Screen | None:
    """The stored answer ``view`` as a screen, or ``None`` when none of its quotes exists any more."""
    blocks: list[str] = []
    shown = 0
    for i, ref in enumerate(view.hits):
        texts = await engine.paragraphs(ref.source_id, ref.paragraphs)
        if not texts:
            continue
        shown += 1
        speaker = engine.speaker_name(ref.speaker, lang) if ref.speaker else ""
        head = headline(ref.date, speaker, ref.occasion, ref.kind, lang, engine)
        cite = citation(ref.title, ref.url, ref.paragraphs, lang)
        blocks.extend(quote_blocks(view.offset + i + 1, head, "\n\n".join(texts), cite, lang))
    if not shown:
        return None
    echo = split_text(" ".join(view.query.split()), QUERY_ECHO_CHARS)[0]
    chunks = pack([f"<b>{esc(t(lang, 'reopened', query=echo))}</b>", *blocks])
    total = view.offset + len(view.hits)
    keyboard = answer_keyboard(key, view.offset, len(view.hits), total, top_k, lang, share=view.query)
    return Screen(chunks, keyboard, view=view, key=key)
