"""Moderators' corpus commands: /sources (with ids), /remove, /reindex, /status, /rollback, /feedback."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram import Message, Update

from ..context import QuotebotContext
from ..delivery import Target, send_screen
from ..keyboards import confirm_keyboard
from ..markup import esc
from ..pages import Screen
from ..strings import t
from .gate import asker
from .ops import Moderation
from .pending import Pending
from .render import clip, failure_text, feedback_chunks, sources_chunks, status_chunks, vote_block

FEEDBACK_SHOWN = 10


async def _send(message: Message, chunks: list[str], keyboard: Any = None) -> None:
    await send_screen(message.get_bot(), Target.of(message), Screen(chunks, keyboard))


async def _ask(message: Message, mod: Moderation, pending: Pending, html: str, lang: str) -> str:
    """Store ``pending`` and ask the moderator to confirm it (``html``) with the buttons; its key."""
    key = await asyncio.to_thread(mod.pending.put, pending)
    await _send(message, [html], confirm_keyboard(key, t(lang, f"btn_{pending.kind}"), t(lang, "btn_cancel")))
    return key


async def sources(update: Update, context: QuotebotContext) -> None:
    message, user_id = asker(update)
    mod = context.moderation
    rows = await mod.sources()
    status = await mod.engine.status()
    await _send(message, sources_chunks(rows, str(status.get("version")), context.lang))
    await mod.audit(user_id, "sources", None, f"shown: {len(rows)} sources")


async def remove(update: Update, context: QuotebotContext) -> None:
    """``/remove ID``: ask to confirm removing a source."""
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    source_id = context.args[0].strip() if context.args else ""
    if not source_id:
        await message.reply_text(t(lang, "remove_usage"))
        return
    rows = await mod.sources()
    row = next((r for r in rows if r.info.id == source_id), None)
    if row is None or len(rows) == 1:
        await mod.audit(
            user_id,
            "remove_refused",
            source_id[:64],
            "refused: unknown source" if row is None else "refused: the last source",
        )
        key = "remove_unknown" if row is None else "remove_last"
        await message.reply_text(t(lang, key, id=esc(source_id[:64])))
        return
    passages = row.served.passages if row.served else 0
    text = t(lang, "remove_ask", title=esc(clip(row.info.title, 200)), id=esc(source_id), passages=passages)
    pending = Pending("remove", user_id, time.time(), {"source_id": source_id, "title": row.info.title})
    key = await _ask(message, mod, pending, text, lang)
    await mod.audit(user_id, "remove_requested", source_id, f"pending {key}")


async def rollback(update: Update, context: QuotebotContext) -> None:
    """``/rollback``: ask to confirm going back to the previous index version."""
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    status = await mod.current()
    current, parent = status.get("version"), status.get("parent")
    if not parent:
        await mod.audit(user_id, "rollback_refused", None, "refused: no previous version")
        await message.reply_text(t(lang, "rollback_none"))
        return
    text = t(lang, "rollback_ask", current=esc(str(current)), parent=esc(str(parent)))
    key = await _ask(
        message, mod, Pending("rollback", user_id, time.time(), {"current": current, "parent": parent}), text, lang
    )
    await mod.audit(user_id, "rollback_requested", None, f"pending {key}: {current} -> {parent}")


async def reindex(update: Update, context: QuotebotContext) -> None:
    """``/reindex``: rebuild the whole index (unchanged passages keep their vectors)."""
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    working = await message.reply_text(t(lang, "working_reindex"))
    try:
        report = await mod.reindex(user_id)
    except Exception as exc:
        await mod.audit(user_id, "reindex_failed", None, f"failed: {exc}"[:500])
        await working.edit_text(failure_text(exc, lang))
        return
    await working.edit_text(
        t(
            lang,
            "reindexed",
            version=report.version,
            passages=report.passages,
            embedded=report.embedded,
            reused=report.reused,
            seconds=f"{report.seconds:.1f}",
        )
    )


async def status(update: Update, context: QuotebotContext) -> None:
    """``/status``: the served version, the model, corpus size, last change, uptime, answer figures."""
    message, user_id = asker(update)
    svc, mod = context.services, context.moderation
    current = await mod.current()
    change = await mod.last_change()
    await _send(message, status_chunks(current, svc.stats.snapshot(), change, time.time(), context.lang))
    await mod.audit(user_id, "status", None, f"shown: version {current.get('version')}")


async def feedback(update: Update, context: QuotebotContext) -> None:
    """``/feedback``: the latest 👎 votes, newest first, with their questions and the passages shown."""
    message, user_id = asker(update)
    svc, mod, lang = context.services, context.moderation, context.lang
    downs = await asyncio.to_thread(svc.feedback.downvotes)
    recent = downs[::-1][:FEEDBACK_SHOWN]
    served, _ = await svc.engine.sources()
    titles = {s.id: s.title for s in served}
    snippets: dict[str, str] = {}
    for record in recent:
        for hit in record.get("shown") or []:
            for pid in (hit.get("passage_ids") or [])[:1]:
                passage = await svc.engine.passage(str(pid))
                if passage is not None:
                    snippets[str(pid)] = passage.text
    blocks = [vote_block(i, r, snippets, titles, lang, svc.engine) for i, r in enumerate(recent, start=1)]
    await _send(message, feedback_chunks(blocks, len(downs), lang))
    await mod.audit(user_id, "feedback", None, f"shown: {len(recent)} of {len(downs)} votes")
