"""Adding a source: a document from a moderator, or /add followed by the pasted text.

The upload is checked (size before downloading, caption, then the index's validation), shown
as a preview and stored as a pending action; the confirm button (see :mod:`.mod_confirm`)
adds it. Bad input gets a clear message, is audited as ``add_refused`` and changes nothing.
"""

from __future__ import annotations

import asyncio
import time

from telegram import Document, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from index import parse_metadata
from index.errors import SourceRejected

from .. import services
from ..delivery import Target, send_screen
from ..keyboards import confirm_keyboard
from ..markup import esc
from ..moderation.access import moderation, moderator_only
from ..moderation.ops import PASTED_NAME, Moderation
from ..moderation.pending import Pending
from ..moderation.render import preview_chunks
from ..moderation.texts import mt
from ..pages import Screen
from .common import rate_limited, user_lang

DEFAULT_NAME = "upload.txt"


async def _refuse(message: Message, mod: Moderation, user_id: int, html: str, reason: str) -> None:
    await mod.audit(user_id, "add_refused", None, f"refused: {reason}")
    await message.reply_text(html)


async def _preview_and_ask(message: Message, mod: Moderation, user_id: int, data: bytes, filename: str,
                           meta: dict[str, str], lang: str) -> None:
    """Validate ``data``, store it as a pending upload and show the preview with confirm buttons."""
    try:
        preview = await mod.preview(data, filename, meta, user_id)
    except SourceRejected as exc:
        await _refuse(message, mod, user_id, mt(lang, "rejected", reason=esc(str(exc))), str(exc))
        return
    info = preview.source.info
    args = {"filename": filename, "meta": meta, "title": info.title, "source_id": info.id}
    key = await asyncio.to_thread(mod.pending.put, Pending("add", user_id, time.time(), args, data))
    keyboard = confirm_keyboard(key, mt(lang, "btn_add"), mt(lang, "btn_cancel"))
    screen = Screen(preview_chunks(preview, lang, mod.engine), keyboard)
    await send_screen(message.get_bot(), Target.of(message), screen)
    await mod.audit(user_id, "add_preview", info.id, f"pending {key}: {preview.passages} passages")


async def _download(document: Document) -> bytes:
    file = await document.get_file()
    return bytes(await file.download_as_bytearray())


@rate_limited
@moderator_only("add", refusal="denied_upload")
async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file from a moderator is a new source (any /add waiting for text is answered by it)."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.document is None or user is None:
        return
    mod, lang, doc = moderation(context), user_lang(update), message.document
    waiting = mod.take_paste(user.id)
    limit = mod.settings.max_source_bytes
    if doc.file_size and doc.file_size > limit:  # refused before downloading anything
        html = mt(lang, "too_big", size=f"{doc.file_size / 1e6:.1f}", limit=f"{limit / 1e6:.1f}")
        await _refuse(message, mod, user.id, html, f"{doc.file_size} bytes, over the {limit} byte limit")
        return
    try:
        meta = {**(waiting.meta if waiting else {}), **parse_metadata(message.caption)}
    except SourceRejected as exc:
        await _refuse(message, mod, user.id, mt(lang, "bad_caption", reason=esc(str(exc))), f"caption: {exc}")
        return
    try:
        data = await _download(doc)
    except TelegramError as exc:
        await _refuse(message, mod, user.id, mt(lang, "download_failed"), f"download failed: {type(exc).__name__}")
        return
    await _preview_and_ask(message, mod, user.id, data, doc.file_name or DEFAULT_NAME, meta, lang)


@rate_limited
@moderator_only("add")
async def add_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/add`` (optionally followed by ``key: value`` lines): the next text message is the article."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod, lang = moderation(context), user_lang(update)
    parts = (message.text or "").split(None, 1)
    try:
        meta = parse_metadata(parts[1] if len(parts) > 1 else None)
    except SourceRejected as exc:
        await _refuse(message, mod, user.id, mt(lang, "bad_caption", reason=esc(str(exc))), f"metadata: {exc}")
        return
    mod.await_paste(user.id, meta)
    await mod.audit(user.id, "add_started", None, "waiting for the text")
    await message.reply_text(mt(lang, "add_prompt"))


@rate_limited
@moderator_only("cancel")
async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/cancel``: forget a pending ``/add``."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    mod, lang = moderation(context), user_lang(update)
    if mod.take_paste(user.id) is None:
        await message.reply_text(mt(lang, "nothing_to_cancel"))
        return
    await mod.audit(user.id, "add_cancelled", None, "cancelled")
    await message.reply_text(mt(lang, "cancelled"))


async def pasted_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before the question handler: after ``/add``, a moderator's next text is the article
    (then no question is answered); anyone else's text goes on to be a question."""
    svc, message, user = services.get(context), update.effective_message, update.effective_user
    mod = svc.moderation
    if mod is None or message is None or message.text is None or user is None or not mod.is_moderator(user.id):
        return
    waiting = mod.take_paste(user.id)
    if waiting is None:
        return
    await _preview_and_ask(message, mod, user.id, message.text.encode("utf-8"), PASTED_NAME, waiting.meta,
                           user_lang(update))
    raise ApplicationHandlerStop
