"""The confirm / cancel buttons under a moderator's pending add, remove or rollback.

Only the moderator who asked may confirm or cancel. The pending action is removed once it is
carried out or fails for good, so a second tap (or a button older than the pending store's
lifetime) answers with an "expired" notice; a tap while it runs is answered "working". If the
index lock timed out (another change was being published) the action stays, and the result
message carries the buttons again. The buttons' message loses its keyboard, a "⏳ working"
message follows and is edited into the result when the change is published.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from index.errors import IndexLockedError, QuotebotError, SourceRejected

from .. import callback_data as cd
from ..context import QuotebotContext
from ..keyboards import confirm_keyboard
from ..markup import esc
from ..render import short_title
from ..strings import t
from .ops import Moderation
from .pending import Pending
from .render import failure_text

log = logging.getLogger(__name__)
RETRYABLE = (IndexLockedError, OSError)  # may pass: the action stays and can be confirmed again


async def _drop_keyboard(query: CallbackQuery) -> None:
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:  # already without buttons, or too old to edit: nothing to undo
        log.debug("could not remove the confirm buttons: %s", exc.message)


async def _working(query: CallbackQuery, html: str) -> Message | None:
    message = query.message
    if not isinstance(message, Message):
        return None
    return await message.get_bot().send_message(message.chat_id, html)


async def _report(working: Message | None, query: CallbackQuery, html: str, keyboard: object = None) -> None:
    if working is not None:
        await working.edit_text(html, reply_markup=keyboard)  # type: ignore[arg-type]
    elif isinstance(query.message, Message):
        await query.message.reply_text(html, reply_markup=keyboard)  # type: ignore[arg-type]


async def _add(mod: Moderation, pending: Pending, lang: str) -> str:
    preview, report = await mod.add(pending)
    info = preview.source.info
    return t(
        lang,
        "added",
        title=esc(short_title(info.title)),
        id=esc(info.id),
        version=report.version,
        passages=report.passages,
        embedded=report.embedded,
        reused=report.reused,
        seconds=f"{report.seconds:.1f}",
    )


async def _remove(mod: Moderation, pending: Pending, lang: str) -> str:
    source_id = str(pending.args["source_id"])
    report = await mod.remove(source_id, pending.user_id)
    return t(lang, "removed", id=esc(source_id), version=report.version, passages=report.passages)


async def _rollback(mod: Moderation, pending: Pending, lang: str) -> str:
    status = await mod.current()
    if status.get("version") != pending.args.get("current"):  # someone changed the index meanwhile
        await mod.audit(pending.user_id, "rollback_refused", None, "refused: the index changed since the request")
        return t(lang, "stale")
    await mod.rollback(pending.user_id)
    status = await mod.engine.status()
    return t(
        lang,
        "rolled_back",
        version=status.get("version"),
        sources=status.get("sources"),
        passages=status.get("passages"),
    )


RUNNERS: dict[str, Callable[[Moderation, Pending, str], Awaitable[str]]] = {
    "add": _add,
    "remove": _remove,
    "rollback": _rollback,
}


async def _run(mod: Moderation, pending: Pending, lang: str) -> tuple[str, bool]:
    """Carry out ``pending``: the result, or why it failed (audited), as HTML for the moderator, and
    whether the action may be tried again (it then stays pending)."""
    try:
        return await RUNNERS[pending.kind](mod, pending, lang), False
    except Exception as exc:
        if not isinstance(exc, QuotebotError):
            log.exception("moderator action %s failed", pending.kind)
        action = f"{pending.kind}_refused" if isinstance(exc, SourceRejected) else f"{pending.kind}_failed"
        await mod.audit(pending.user_id, action, pending.args.get("source_id"), f"failed: {exc}"[:500])
        return failure_text(exc, lang), isinstance(exc, RETRYABLE)


async def _claim(
    update: Update, context: QuotebotContext, key: str, action: str
) -> tuple[CallbackQuery, Pending] | None:
    """The button and the pending action ``key`` if the moderator who tapped may act on it now; else
    tell them why not (a refusal is audited as ``action``)."""
    query, mod, lang = update.callback_query, context.moderation, context.lang
    if query is None:
        return None
    pending = await asyncio.to_thread(mod.pending.get, key)
    if pending is None or pending.kind not in RUNNERS:
        await query.answer(t(lang, "confirm_expired"))
        return None
    if pending.user_id != query.from_user.id:
        await mod.audit(
            query.from_user.id, action, pending.args.get("source_id"), f"refused: asked by moderator {pending.user_id}"
        )
        await query.answer(t(lang, "not_yours"), show_alert=True)
        return None
    if key in mod.running:
        await query.answer(t(lang, "in_progress"))
        return None
    return query, pending


def _working_text(pending: Pending, lang: str) -> str:
    if pending.kind == "add":
        return t(lang, "working_add", title=esc(short_title(str(pending.args.get("title", "")))))
    if pending.kind == "remove":
        return t(lang, "working_remove", id=esc(str(pending.args.get("source_id", ""))))
    return t(lang, "working_rollback")


async def _carry_out(query: CallbackQuery, pending: Pending, key: str, mod: Moderation, lang: str) -> None:
    mod.running.add(key)
    try:
        mod.end_paste(pending.user_id, key)
        await query.answer()
        await _drop_keyboard(query)
        working = await _working(query, _working_text(pending, lang))
        html, retry = await _run(mod, pending, lang)
        if not retry:
            await asyncio.to_thread(mod.pending.delete, key)
        keyboard = confirm_keyboard(key, t(lang, f"btn_{pending.kind}"), t(lang, "btn_cancel")) if retry else None
        await _report(working, query, html, keyboard)
    finally:
        mod.running.discard(key)


async def _cancel(query: CallbackQuery, pending: Pending, key: str, mod: Moderation, lang: str) -> None:
    await asyncio.to_thread(mod.pending.delete, key)
    mod.end_paste(pending.user_id, key)
    await query.answer(t(lang, "cancelled"))
    await _drop_keyboard(query)
    await mod.audit(query.from_user.id, f"{pending.kind}_cancelled", pending.args.get("source_id"), "cancelled")
    if isinstance(query.message, Message):
        await query.message.reply_text(t(lang, "cancelled"))


Step = Callable[[CallbackQuery, Pending, str, Moderation, str], Awaitable[None]]


async def _on(update: Update, context: QuotebotContext, key: str, refused: str, step: Step) -> None:
    claimed = await _claim(update, context, key, refused)
    if claimed is not None:
        query, pending = claimed
        await step(query, pending, key, context.moderation, context.lang)


async def confirm(update: Update, context: QuotebotContext) -> None:
    await _on(update, context, context.action(cd.Confirm).key, "confirm_refused", _carry_out)


async def decline(update: Update, context: QuotebotContext) -> None:
    await _on(update, context, context.action(cd.Decline).key, "cancel_refused", _cancel)
