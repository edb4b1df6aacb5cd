"""Moderators' corpus commands: /sources (with ids), /remove, /reindex, /status, /rollback, /feedback."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram import Message, Update
from telegram.ext import ContextTypes

from .. import services
from ..delivery import Target, send_screen
from ..keyboards import confirm_keyboard
from ..markup import esc
from ..moderation.access import moderation, moderator_only
from ..moderation.pending import Pending
from ..moderation.render import clip, failure_text, feedback_chunks, sources_chunks, status_chunks, vote_block
from ..moderation.texts import mt
from ..pages import Screen
from .common import rate_limited, user_lang

FEEDBACK_SHOWN = 10


async def _send(message: Message, chunks: list[str], keyboard: Any = None) -> None:
    await send_screen(message.get_bot(), Target.of(message), Screen(chunks, keyboard))


@rate_limited
@moderator_only("sources")
async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod = moderation(context)
    rows = await mod.sources()
    status = await mod.engine.status()
    await _send(message, sources_chunks(rows, str(status.get("version")), user_lang(update)))
    await mod.audit(user.id, "sources", None, f"shown: {len(rows)} sources")


@rate_limited
@moderator_only("remove")
async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/remove ID``: ask to confirm removing a source."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod, lang = moderation(context), user_lang(update)
    source_id = context.args[0].strip() if context.args else ""
    if not source_id:
        await message.reply_text(mt(lang, "remove_usage"))
        return
    rows = await mod.sources()
    row = next((r for r in rows if r.info.id == source_id), None)
    if row is None or len(rows) == 1:
        await mod.audit(user.id, "remove_refused", source_id[:64],
                        "refused: unknown source" if row is None else "refused: the last source")
        key = "remove_unknown" if row is None else "remove_last"
        await message.reply_text(mt(lang, key, id=esc(source_id[:64])))
        return
    passages = row.served.passages if row.served else 0
    args = {"source_id": source_id, "title": row.info.title}
    key = await asyncio.to_thread(mod.pending.put, Pending("remove", user.id, time.time(), args))
    text = mt(lang, "remove_ask", title=esc(clip(row.info.title, 200)), id=esc(source_id), passages=passages)
    await _send(message, [text], confirm_keyboard(key, mt(lang, "btn_remove"), mt(lang, "btn_cancel")))
    await mod.audit(user.id, "remove_requested", source_id, f"pending {key}")


@rate_limited
@moderator_only("rollback")
async def rollback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/rollback``: ask to confirm going back to the previous index version."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod, lang = moderation(context), user_lang(update)
    status = await mod.current()
    current, parent = status.get("version"), status.get("parent")
    if not parent:
        await mod.audit(user.id, "rollback_refused", None, "refused: no previous version")
        await message.reply_text(mt(lang, "rollback_none"))
        return
    args = {"current": current, "parent": parent}
    key = await asyncio.to_thread(mod.pending.put, Pending("rollback", user.id, time.time(), args))
    text = mt(lang, "rollback_ask", current=esc(str(current)), parent=esc(str(parent)))
    await _send(message, [text], confirm_keyboard(key, mt(lang, "btn_rollback"), mt(lang, "btn_cancel")))
    await mod.audit(user.id, "rollback_requested", None, f"pending {key}: {current} -> {parent}")


@rate_limited
@moderator_only("reindex")
async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/reindex``: rebuild the whole index (unchanged passages keep their vectors)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod, lang = moderation(context), user_lang(update)
    working = await message.reply_text(mt(lang, "working_reindex"))
    try:
        report = await mod.reindex(user.id)
    except Exception as exc:
        await mod.audit(user.id, "reindex_failed", None, f"failed: {exc}"[:500])
        await working.edit_text(failure_text(exc, lang))
        return
    await working.edit_text(mt(lang, "reindexed", version=report.version, passages=report.passages,
                               embedded=report.embedded, reused=report.reused, seconds=f"{report.seconds:.1f}"))


@rate_limited
@moderator_only("status")
async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/status``: the served version, the model, corpus size, last change, uptime, answer figures."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc, mod = services.get(context), moderation(context)
    current = await mod.current()
    change = await mod.last_change()
    await _send(message, status_chunks(current, svc.stats.snapshot(), change, time.time(), user_lang(update)))
    await mod.audit(user.id, "status", None, f"shown: version {current.get('version')}")


@rate_limited
@moderator_only("feedback")
async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/feedback``: the latest 👎 votes, newest first, with their questions and the passages shown."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc, mod, lang = services.get(context), moderation(context), user_lang(update)
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
    await mod.audit(user.id, "feedback", None, f"shown: {len(recent)} of {len(downs)} votes")
