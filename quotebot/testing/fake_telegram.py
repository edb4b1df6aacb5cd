"""A local fake of the Telegram Bot API (aiohttp), for end-to-end tests and benchmarks.

It serves the official layout ``{root}/bot{token}/{method}`` and ``{root}/file/bot{token}/{path}``,
accepts parameters as a query string, form-encoded, multipart or JSON (objects such as
``reply_markup`` JSON-encoded inside forms, as PTB sends them), and behaves like Telegram where
the bot can get it wrong:

* ``parse_mode=HTML`` text is parsed with Telegram's rules (:mod:`.telegram_html`); a broken
  entity, an empty or over-long message answers 400 like Telegram does;
* callback data over 64 bytes, unknown messages to edit, edits that change nothing
  ("message is not modified") and callback queries answered twice answer 400;
* ``getUpdates`` long-polls with ``offset``/``limit``/``timeout`` semantics;
* faults can be injected per method: 429 with ``retry_after``, 5xx, or a delay;
* ``sendPhoto`` takes a multipart upload and checks it is a PNG of allowed dimensions; users in
  :attr:`FakeTelegram.blocked` answer 403 like a user who blocked the bot.

Every call is recorded (:attr:`FakeTelegram.calls`) with its decoded parameters, the HTTP status
and the time it arrived; :meth:`FakeTelegram.wait_for` waits for a matching call.

Usage::

    fake = FakeTelegram()
    await fake.start()                      # fake.root == "http://127.0.0.1:PORT"
    user = fake.user(1, language_code="ru")
    fake.send_text(user, "Когда Алиев позвонил Трампу?")
    call = await fake.wait_for("sendMessage", chat_id=user["id"])
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .telegram_html import TelegramHTMLError, validate_message

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"
JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "link_preview_options",
    "reply_parameters",
    "commands",
    "scope",
    "results",
    "allowed_updates",
    "button",
    "media",
}
INT_PARAMS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
    "user_id",
    "reply_to_message_id",
    "max_connections",
    "message_thread_id",
}
Params = dict[str, Any]


@dataclass
class Call:
    method: str
    params: Params
    at: float  # time.monotonic() when the request arrived
    status: int = 200
    error: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def visible(self) -> str:
        """The text a user sees: HTML parsed (and so checked) with Telegram's rules when it is HTML."""
        return validate_message(self.text).text if self.params.get("parse_mode") == "HTML" else self.text

    @property
    def keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        return markup.get("inline_keyboard", []) if isinstance(markup, dict) else []

    def buttons(self) -> list[dict[str, Any]]:
        return [b for row in self.keyboard for b in row]

    def button(self, label_contains: str) -> dict[str, Any]:
        for b in self.buttons():
            if label_contains in b.get("text", ""):
                return b
        raise KeyError(f"no button with {label_contains!r} in {[b.get('text') for b in self.buttons()]}")


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    delay: float = 0.0
    description: str | None = None
    times: int = 1


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_png(width: int = 2, height: int = 1) -> bytes:
    """A valid, tiny, all-white PNG (for tests that upload a photo)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    rows = b"".join(b"\x00" + b"\xff" * 3 * width for _ in range(height))
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk; ``None`` if ``data`` is not a PNG."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


#: a sticker as Telegram sends one: content the bot has no answer for
STICKER: dict[str, Any] = {
    "file_id": "s1",
    "file_unique_id": "s1",
    "width": 1,
    "height": 1,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}


class FakeTelegram:
    def __init__(self, token: str = DEFAULT_TOKEN, bot_id: int = 424242, username: str = "QuoteTestBot") -> None:
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Quote Bot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[Any, int], dict[str, Any]] = {}  # (chat_id | inline id, message_id)
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.streams: dict[str, int] = {}  # file_path -> size of a generated file of unknown size
        self.streamed: dict[str, int] = {}  # file_path -> bytes of it sent before the client stopped reading
        self.faults: dict[str, list[Fault]] = {}
        self.answered_callbacks: set[str] = set()
        self.pending_callbacks: set[str] = set()
        self.inline_answers: dict[str, Call] = {}
        self.unauthorized: int = 0
        self.chat_commands: dict[tuple[int, str], list[dict[str, Any]]] = {}  # (chat id, language) → menu
        self.blocked: set[int] = set()  # users who blocked the bot: sending to them answers 403
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._confirmed = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self.root = ""

    # -- server ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.root = f"http://{host}:{self._runner.addresses[0][1]}"
        return self.root

    async def stop(self) -> None:
        self._closing = True  # pending long polls return now
        async with self._changed:
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    @staticmethod
    async def _params(request: web.Request) -> tuple[Params, dict[str, bytes]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        ctype = request.content_type
        if request.method == "POST" and request.can_read_body:
            if ctype == "application/json":
                body = await request.json()
                raw.update(body if isinstance(body, dict) else {})
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, item in form.items():
                    if isinstance(item, web.FileField):
                        files[key] = item.file.read()
                    else:
                        raw[key] = item
        params: Params = {}
        for key, raw_value in raw.items():
            value: Any = raw_value
            if key in JSON_PARAMS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in INT_PARAMS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = int(value)
            elif isinstance(value, str) and value in ("true", "false"):
                value = value == "true"
            params[key] = value
        return params, files

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, time.monotonic(), files=files)
        if request.match_info["token"] != self.token:
            self.unauthorized += 1
            call.status, call.error = 401, "Unauthorized"
            self.calls.append(call)
            await self._notify()
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        fault = self._take_fault(method)
        if fault and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault and fault.status != 200:
            desc = fault.description or (
                f"Too Many Requests: retry after {fault.retry_after or 1}"
                if fault.status == 429
                else "Internal Server Error"
            )
            body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": desc}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            call.status, call.error = fault.status, desc
            self.calls.append(call)
            await self._notify()
            return web.json_response(body, status=fault.status)
        if method != "getUpdates":
            self.calls.append(call)
        try:
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params, files) if asyncio.iscoroutinefunction(handler) else handler(params, files)
        except ApiError as exc:
            call.status, call.error = exc.status, exc.description
            if method == "getUpdates":
                self.calls.append(call)
            await self._notify()
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.status)
        call.result = result
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        if path in self.streams:
            return await self._stream(request, path)
        for file_path, content in self.files.values():
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404, text="Not Found")

    async def _stream(self, request: web.Request, path: str) -> web.StreamResponse:
        """A large file sent in chunks, without Content-Length (as with a file of unknown size)."""
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"The quick brown fox jumps over the lazy dog.\n" * 1456  # ~64 kB
        self.streamed[path] = 0
        try:
            while self.streamed[path] < self.streams[path]:
                await response.write(chunk)
                self.streamed[path] += len(chunk)
            await response.write_eof()
        except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
            pass  # the client stopped reading
        return response

    def _take_fault(self, method: str) -> Fault | None:
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    # -- fault injection ------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` (429 carries ``retry_after``)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self.faults.setdefault(method, []).append(Fault(status, retry_after, 0.0, description, times))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` are answered (normally) after ``seconds``."""
        self.faults.setdefault(method, []).append(Fault(200, None, seconds, None, times))

    # -- Bot API methods ------------------------------------------------------------------

    def _m_getMe(self, p: Params, f: dict[str, bytes]) -> dict[str, Any]:
        return self.bot_user

    async def _m_getUpdates(self, p: Params, f: dict[str, bytes]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        timeout = float(p.get("timeout") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                pending = [u for u in self.updates if u["update_id"] > self._confirmed]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0 or self._closing:
                    return pending[:limit]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    def _m_deleteWebhook(self, p: Params, f: dict[str, bytes]) -> bool:
        self.webhook = {}
        if p.get("drop_pending_updates"):
            self._confirmed = max([u["update_id"] for u in self.updates], default=0)
        return True

    def _m_setWebhook(self, p: Params, f: dict[str, bytes]) -> bool:
        if not str(p.get("url", "")).startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook = dict(p)
        return True

    def _m_getWebhookInfo(self, p: Params, f: dict[str, bytes]) -> dict[str, Any]:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    def _m_setMyCommands(self, p: Params, f: dict[str, bytes]) -> bool:
        commands = p.get("commands") or []
        for c in commands:
            valid_name = re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", ""))
            if not valid_name or not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = p.get("scope") or {}
        if isinstance(scope, dict) and scope.get("chat_id") is not None:  # a menu for one chat
            self.chat_commands[(int(scope["chat_id"]), str(p.get("language_code") or ""))] = commands
        else:
            self.commands[str(p.get("language_code") or "")] = commands
        return True

    def _m_sendChatAction(self, p: Params, f: dict[str, bytes]) -> bool:
        if p.get("action") not in ("typing", "upload_photo", "upload_document", "record_voice", "find_location"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _check_text(self, text: str, parse_mode: str | None) -> str:
        if parse_mode == "HTML":
            try:
                return validate_message(text).text
            except TelegramHTMLError as exc:
                msg = str(exc)
                if "too long" in msg:
                    raise ApiError(400, "Bad Request: message is too long") from None
                if "empty" in msg:
                    raise ApiError(400, "Bad Request: message text is empty") from None
                raise ApiError(400, f"Bad Request: can't parse entities: {msg}") from None
        if parse_mode not in (None, ""):
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if not markup:
            return
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if rows is None:
            return
        for row in rows:
            for b in row:
                if not b.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = b.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, int):
            return {
                "id": chat_id,
                "type": "private" if chat_id > 0 else "supergroup",
                **({"first_name": "User"} if chat_id > 0 else {"title": "Group"}),
            }
        raise ApiError(400, "Bad Request: chat not found")

    def _store(self, chat_id: int, message: dict[str, Any]) -> dict[str, Any]:
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _bot_message(self, p: Params, **content: Any) -> dict[str, Any]:
        chat_id = p.get("chat_id")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.bot_user,
            **content,
        }
        reply = p.get("reply_parameters") or (
            {"message_id": p["reply_to_message_id"]} if p.get("reply_to_message_id") else None
        )
        if reply:
            replied = self.messages.get((chat_id, int(reply["message_id"])))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if replied:
                message["reply_to_message"] = replied
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        return message

    def _m_sendMessage(self, p: Params, f: dict[str, bytes]) -> dict[str, Any]:
        text = str(p.get("text", ""))
        visible = self._check_text(text, p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        message = self._bot_message(p, text=visible)
        message["_html"] = text
        return self._public(self._store(p["chat_id"], message))

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _m_editMessageText(self, p: Params, f: dict[str, bytes]) -> dict[str, Any] | bool:
        text = str(p.get("text", ""))
        visible = self._check_text(text, p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        if p.get("inline_message_id"):
            key: tuple[int | str, int] = (str(p["inline_message_id"]), 0)
            message = self.messages.setdefault(key, {"_html": None, "reply_markup": None})
        else:
            key = (p.get("chat_id"), int(p.get("message_id") or 0))  # type: ignore[assignment]
            if key not in self.messages:
                raise ApiError(400, "Bad Request: message to edit not found")
            message = self.messages[key]
            if message.get("from", {}).get("id") != self.bot_user["id"]:
                raise ApiError(400, "Bad Request: message can't be edited")
        if message.get("_html") == text and (message.get("reply_markup") or None) == (p.get("reply_markup") or None):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.update({"text": visible, "_html": text, "edit_date": int(time.time())})
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return True if p.get("inline_message_id") else self._public(message)

    def _m_editMessageReplyMarkup(self, p: Params, f: dict[str, bytes]) -> dict[str, Any] | bool:
        key = (p.get("chat_id"), int(p.get("message_id") or 0))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        self._check_markup(p.get("reply_markup"))
        self.messages[key]["reply_markup"] = p.get("reply_markup")
        return self._public(self.messages[key])

    def _m_deleteMessage(self, p: Params, f: dict[str, bytes]) -> bool:
        if self.messages.pop((p.get("chat_id"), int(p.get("message_id") or 0)), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _m_answerCallbackQuery(self, p: Params, f: dict[str, bytes]) -> bool:
        qid = str(p.get("callback_query_id"))
        if qid not in self.pending_callbacks or qid in self.answered_callbacks:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(str(p.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered_callbacks.add(qid)
        return True

    def _m_answerInlineQuery(self, p: Params, f: dict[str, bytes]) -> bool:
        results = p.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = set()
        for r in results:
            rid = str(r.get("id", ""))
            if not 1 <= len(rid.encode()) <= 64 or rid in ids:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            ids.add(rid)
            if r.get("type") == "article":
                if not r.get("title"):
                    raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
                content = r.get("input_message_content") or {}
                self._check_text(str(content.get("message_text", "")), content.get("parse_mode"))
            self._check_markup(r.get("reply_markup"))
        qid = str(p.get("inline_query_id"))
        if qid in self.inline_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.inline_answers[qid] = self.calls[-1]
        return True

    def _m_getFile(self, p: Params, f: dict[str, bytes]) -> dict[str, Any]:
        file_id = str(p.get("file_id"))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        if path in self.streams:  # Telegram may not know the size: no file_size
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_path": path}
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content), "file_path": path}

    def _upload(self, field_name: str, p: Params, files: dict[str, bytes], folder: str) -> dict[str, Any]:
        if field_name in files:
            content = files[field_name]
        elif isinstance(p.get(field_name), str) and p[field_name] in self.files:
            content = self.files[p[field_name]][1]
        else:
            raise ApiError(400, f"Bad Request: there is no {field_name} in the request")
        file_id = self.add_file(content, folder=folder)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content)}

    def _m_sendDocument(self, p: Params, f: dict[str, bytes]) -> dict[str, Any]:
        doc = self._upload("document", p, f, "documents")
        extra = {"caption": p["caption"]} if p.get("caption") else {}
        return self._public(self._store(p["chat_id"], self._bot_message(p, document=doc, **extra)))

    def _m_sendPhoto(self, p: Params, f: dict[str, bytes]) -> dict[str, Any]:
        """Like Telegram: the upload must be a decodable image within 10 MB, width + height at most
        10000 and a side ratio at most 20; the caption at most 1024 characters after entity parsing."""
        photo = self._upload("photo", p, f, "photos")
        content = self.files[photo["file_id"]][1]
        size = png_size(content)
        if size is None:
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = size
        if len(content) > 10 * 1024 * 1024:
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        extra: dict[str, Any] = {}
        if p.get("caption"):
            caption = self._check_text(str(p["caption"]), p.get("parse_mode"))
            if _utf16(caption) > 1024:
                raise ApiError(400, "Bad Request: message caption is too long")
            extra = {"caption": caption, "_html": p["caption"]}
        self._check_markup(p.get("reply_markup"))
        sized = [{**photo, "width": width, "height": height}]
        return self._public(self._store(p["chat_id"], self._bot_message(p, photo=sized, **extra)))

    def _m_close(self, p: Params, f: dict[str, bytes]) -> bool:
        return True

    # -- files ----------------------------------------------------------------------------

    def add_file(self, content: bytes, name: str | None = None, folder: str = "documents") -> str:
        """Make ``content`` downloadable: returns a file_id for getFile."""
        n = next(self._ids)
        file_id = f"F{n:06d}"
        self.files[file_id] = (f"{folder}/{name or f'file_{n}'}", content)
        return file_id

    def add_streamed_file(self, size: int, name: str | None = None) -> str:
        """A downloadable file of ``size`` bytes whose size Telegram does not report; the bytes actually
        sent are counted in :attr:`streamed` by file path."""
        file_id = self.add_file(b"", name)
        self.streams[self.files[file_id][0]] = size
        return file_id

    # -- building updates as Telegram sends them ----------------------------------------

    @staticmethod
    def user(
        user_id: int, first_name: str = "Test", language_code: str | None = "ru", username: str | None = None
    ) -> dict[str, Any]:
        u: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            u["language_code"] = language_code
        if username:
            u["username"] = username
        return u

    @staticmethod
    def private_chat(user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group(chat_id: int = -1001234567890, title: str = "Test group") -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (``update_id`` assigned) for getUpdates."""
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        task = asyncio.get_running_loop().create_task(self._notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update

    @staticmethod
    def entities_for(text: str) -> list[dict[str, Any]]:
        """bot_command / mention entities as Telegram computes them (UTF-16 offsets)."""
        found = []
        m = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if m:
            found.append({"type": "bot_command", "offset": 0, "length": _utf16(m.group(0))})
        for m in re.finditer(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}", text):
            if m.start() == 0 and found:
                continue
            found.append({"type": "mention", "offset": _utf16(text[: m.start()]), "length": _utf16(m.group(0))})
        return found

    def message(
        self,
        user: dict[str, Any],
        text: str | None = None,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        chat = chat or self.private_chat(user)
        msg: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **content,
        }
        if text is not None:
            msg["text"] = text
            entities = self.entities_for(text)
            if entities:
                msg["entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = self._public(reply_to)
        self._store(chat["id"], msg)
        return msg

    def send_text(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """The user sends ``text`` (in a private chat unless ``chat`` is given); returns the update."""
        return self.push({"message": self.message(user, text, chat, reply_to, **content)})

    def send_content(self, user: dict[str, Any], chat: dict[str, Any] | None = None, **content: Any) -> dict[str, Any]:
        """A non-text message, e.g. ``sticker={...}``, ``photo=[...]``, ``voice={...}``."""
        return self.push({"message": self.message(user, None, chat, **content)})

    def edit_text(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        edited = {**message, "text": text, "edit_date": int(time.time())}
        self._store(message["chat"]["id"], edited)
        return self.push({"edited_message": edited})

    def press(self, user: dict[str, Any], message: dict[str, Any] | Call, data: str) -> dict[str, Any]:
        """The user taps an inline button with ``data`` under a bot message (a stored message or its Call)."""
        if isinstance(message, Call):
            message = message.result
        assert isinstance(message, dict)
        stored = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        return self._callback_query(user, data, 7, chat_instance="ci-1", message=self._public(stored))

    def _callback_query(self, user: dict[str, Any], data: str, kind: int, **where: Any) -> dict[str, Any]:
        """A tap Telegram reports as a callback query (``where``: the message or inline message id)."""
        qid = str(next(self._ids) * 1000 + kind)
        self.pending_callbacks.add(qid)
        return self.push({"callback_query": {"id": qid, "from": user, "data": data, **where}})

    def press_inline(self, user: dict[str, Any], inline_message_id: str, data: str) -> dict[str, Any]:
        return self._callback_query(user, data, 9, chat_instance="ci-2", inline_message_id=inline_message_id)

    def inline_query(self, user: dict[str, Any], query: str) -> dict[str, Any]:
        qid = str(next(self._ids) * 1000 + 3)
        return self.push({"inline_query": {"id": qid, "from": user, "query": query, "offset": ""}})

    # -- inspecting what the bot did ------------------------------------------------------

    def calls_of(self, method: str, since: int = 0, **match: Any) -> list[Call]:
        return [
            c for c in self.calls[since:] if c.method == method and all(c.params.get(k) == v for k, v in match.items())
        ]

    @property
    def errors(self) -> list[Call]:
        """Calls Telegram would have refused (injected faults excluded)."""
        return [c for c in self.calls if not c.ok and c.status not in (429, 500, 502, 503, 504)]

    def mark(self) -> int:
        """An index into :attr:`calls`, to look only at what happens after it."""
        return len(self.calls)

    async def wait_for(
        self,
        method: str,
        since: int = 0,
        timeout: float = 10.0,
        predicate: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
        **match: Any,
    ) -> Call:
        """The first call of ``method`` at or after index ``since`` matching ``match`` and ``predicate``."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for c in self.calls[since:]:
                    if (
                        c.method == method
                        and (ok is None or c.ok == ok)
                        and all(c.params.get(k) == v for k, v in match.items())
                        and (predicate is None or predicate(c))
                    ):
                        return c
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.status, c.error) for c in self.calls[since:]]
                    raise TimeoutError(f"no {method} {match} within {timeout}s; calls since: {seen}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_reply(self, chat_id: int, since: int, timeout: float = 10.0) -> list[Call]:
        """All sendMessage calls to ``chat_id`` since ``since`` up to the one that carries a keyboard
        or, for replies without keyboard, the first one followed by a short quiet period."""
        first = await self.wait_for("sendMessage", since, timeout, chat_id=chat_id)
        with contextlib.suppress(TimeoutError):
            await self.wait_for(
                "sendMessage",
                since,
                0.3 if not first.keyboard else 0.01,
                chat_id=chat_id,
                predicate=lambda c: bool(c.keyboard),
            )
        return self.calls_of("sendMessage", since, chat_id=chat_id)

    async def say(
        self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None, timeout: float = 10.0
    ) -> list[Call]:
        """``user`` sends ``text`` (in ``chat``, by default their private chat); the bot's reply
        messages (:meth:`wait_for_reply`)."""
        since = self.mark()
        self.send_text(user, text, chat)
        return await self.wait_for_reply((chat or user)["id"], since, timeout)

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = len(self.calls)
            await asyncio.sleep(quiet)
            if len(self.calls) == n:
                return
