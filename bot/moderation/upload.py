"""Adding a source: a document from a moderator, or /add followed by the pasted text.

The upload is checked (size before downloading and again while streaming it, since Telegram may
not say the size; caption; then the index's validation), shown as a preview and stored as a
pending action; the confirm button (see :mod:`.confirm`) adds it. Bad input gets a clear
message, is audited as ``add_refused`` and changes nothing.

A pasted article longer than one Telegram message arrives as several messages: after ``/add``
every text message is collected, up to the source size limit, into one pending upload (each
part updates it, so any of its Confirm buttons adds all that arrived) until ``/done``, Confirm,
Cancel or ``/cancel``.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from telegram import Document, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from index import parse_metadata
from index.errors import SourceRejected

from ..context import QuotebotContext
from ..delivery import Target, send_screen
from ..keyboards import confirm_keyboard
from ..markup import esc
from ..pages import Screen
from ..strings import t
from .gate import asker
from .ops import AWAIT_SECONDS, PASTED_NAME, Moderation, join_parts
from .pending import Pending
from .render import preview_chunks

DEFAULT_NAME = "upload.txt"
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class TooBig(Exception):
    """The file is over the size limit (``size``: its size if known)."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


async def _refuse(message: Message, mod: Moderation, user_id: int, html: str, reason: str) -> None:
    await mod.audit(user_id, "add_refused", None, f"refused: {reason}")
    await message.reply_text(html)


async def _preview_and_ask(
    message: Message,
    mod: Moderation,
    user_id: int,
    data: bytes,
    filename: str,
    meta: dict[str, str],
    lang: str,
    key: str | None = None,
    full: bool = True,
    note: str | None = None,
) -> str | None:
    """Validate ``data``, store it as a pending upload (under ``key`` if given) and show the preview
    (``full=False``: only ``note``) with confirm buttons. Returns the pending key, ``None`` if refused."""
    try:
        preview = await mod.preview(data, filename, meta, user_id)
    except SourceRejected as exc:
        await _refuse(message, mod, user_id, t(lang, "rejected", reason=esc(str(exc))), str(exc))
        return None
    info = preview.source.info
    args = {"filename": filename, "meta": meta, "title": info.title, "source_id": info.id}
    key = await asyncio.to_thread(mod.pending.put, Pending("add", user_id, time.time(), args, data), key)
    keyboard = confirm_keyboard(key, t(lang, "btn_add"), t(lang, "btn_cancel"))
    chunks = preview_chunks(preview, lang, mod.engine) if full else []
    screen = Screen([*chunks, note] if note else chunks, keyboard)
    await send_screen(message.get_bot(), Target.of(message), screen)
    await mod.audit(user_id, "add_preview", info.id, f"pending {key}: {preview.passages} passages")
    return key


async def _download(document: Document, limit: int) -> bytes:
    """The document's bytes, read as a stream and abandoned as soon as they exceed ``limit``
    (:class:`TooBig`), whether or not Telegram said the size."""
    file = await document.get_file()
    if file.file_size and file.file_size > limit:
        raise TooBig(file.file_size)
    location = file.file_path or ""
    if not location.startswith(("http://", "https://")):  # a local Bot API server hands out a path
        size = Path(location).stat().st_size
        if size > limit:
            raise TooBig(size)
        return bytes(await file.download_as_bytearray())
    data = bytearray()
    async with httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT) as client, client.stream("GET", location) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) > limit:
                raise TooBig(None)
    return bytes(data)


async def _refuse_size(
    message: Message, mod: Moderation, user_id: int, size: int | None, limit: int, lang: str
) -> None:
    shown = f"{size / 1e6:.1f}" if size else f">{limit / 1e6:.1f}"
    html = t(lang, "too_big", size=esc(shown), limit=f"{limit / 1e6:.1f}")
    await _refuse(message, mod, user_id, html, f"{size or 'over'} bytes, over the {limit} byte limit")


async def document(update: Update, context: QuotebotContext) -> None:
    """A file from a moderator is a new source (any /add waiting for text is answered by it)."""
    message, user_id = asker(update)
    if message.document is None:
        return
    mod, lang, doc = context.moderation, context.lang, message.document
    waiting = mod.take_paste(user_id)
    limit = mod.settings.max_source_bytes
    if doc.file_size and doc.file_size > limit:  # refused before downloading anything
        await _refuse_size(message, mod, user_id, doc.file_size, limit, lang)
        return
    try:
        meta = {**(waiting.meta if waiting else {}), **parse_metadata(message.caption)}
    except SourceRejected as exc:
        await _refuse(message, mod, user_id, t(lang, "bad_caption", reason=esc(str(exc))), f"caption: {exc}")
        return
    try:
        data = await _download(doc, limit)
    except TooBig as exc:
        await _refuse_size(message, mod, user_id, exc.size, limit, lang)
        return
    except (TelegramError, httpx.HTTPError, OSError) as exc:
        await _refuse(message, mod, user_id, t(lang, "download_failed"), f"download failed: {type(exc).__name__}")
        return
    await _preview_and_ask(message, mod, user_id, data, doc.file_name or DEFAULT_NAME, meta, lang)


async def add_command(update: Update, context: QuotebotContext) -> None:
    """``/add`` (optionally followed by ``key: value`` lines): the next text message is the article."""
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    parts = (message.text or "").split(None, 1)
    try:
        meta = parse_metadata(parts[1] if len(parts) > 1 else None)
    except SourceRejected as exc:
        await _refuse(message, mod, user_id, t(lang, "bad_caption", reason=esc(str(exc))), f"metadata: {exc}")
        return
    mod.await_paste(user_id, meta)
    await mod.audit(user_id, "add_started", None, "waiting for the text")
    await message.reply_text(t(lang, "add_prompt"))


async def cancel(update: Update, context: QuotebotContext) -> None:
    """``/cancel``: forget a pending ``/add``."""
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    waiting = mod.take_paste(user_id)
    if waiting is None:
        await message.reply_text(t(lang, "nothing_to_cancel"))
        return
    if waiting.key:
        await asyncio.to_thread(mod.pending.delete, waiting.key)
    await mod.audit(user_id, "add_cancelled", None, "cancelled")
    await message.reply_text(t(lang, "cancelled"))


def _kb(text: str) -> str:
    return f"{len(text.encode('utf-8')) / 1000:.1f}"


async def done(update: Update, context: QuotebotContext) -> None:
    """``/done``: the pasted text is complete; the preview of all of it, with the confirm buttons."""
    message, user_id = asker(update)
    mod, lang = context.moderation, context.lang
    waiting = mod.take_paste(user_id)
    if waiting is None or not waiting.parts:
        await message.reply_text(t(lang, "paste_nothing"))
        return
    text = waiting.text
    note = t(lang, "paste_done", parts=len(waiting.parts), size=_kb(text))
    await _preview_and_ask(
        message, mod, user_id, text.encode("utf-8"), PASTED_NAME, waiting.meta, lang, key=waiting.key, note=note
    )


async def pasted_text(update: Update, context: QuotebotContext) -> None:
    """Runs before the question handler, for moderators' texts only (see :func:`.handlers.paste_handler`):
    after ``/add``, the text is the article (then no question is answered); else it goes on to be a question."""
    mod, (message, user_id) = context.moderation, asker(update)
    if message.text is None:
        return
    waiting = mod.paste_of(user_id)
    if waiting is None:
        return
    lang, limit = context.lang, mod.settings.max_source_bytes
    parts = [*waiting.parts, message.text]
    text = join_parts(parts)
    if len(text.encode("utf-8")) > limit:
        html = t(lang, "paste_too_big", limit=f"{limit / 1e6:.1f}")
        await _refuse(message, mod, user_id, html, f"pasted text over the {limit} byte limit")
        raise ApplicationHandlerStop
    waiting.parts.append(message.text)
    waiting.until = time.monotonic() + AWAIT_SECONDS
    note = t(lang, "paste_more", parts=len(parts), size=_kb(text))
    key = await _preview_and_ask(
        message,
        mod,
        user_id,
        text.encode("utf-8"),
        PASTED_NAME,
        waiting.meta,
        lang,
        key=waiting.key,
        full=len(parts) == 1,
        note=note,
    )
    if key is not None:
        waiting.key = key
    raise ApplicationHandlerStop
