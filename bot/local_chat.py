"""A chat in the terminal when there is no bot token: stdin lines in, plain text out.

It goes through the same screens and HTML rendering as Telegram; the HTML is then turned into
readable text (quotes get a ``│`` margin, links show their URL). Besides questions it knows
/start, /help, /timeline [filter] (the picture is written to a PNG file whose path is printed,
then the list), /sources, /about, /lang ru|en|az, /more, /full N and /quit.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import TextIO

from .config import BotConfig
from .gateway import EngineGateway, EngineLike
from .markup import esc, to_plain
from .pages import Screen, paragraph_screen, question_screen, sources_screen, text_screen
from .render import render_timeline
from .strings import LANGS, examples, t
from .timeline import PictureCache, timeline_picture
from .view_store import MemoryViewStore

RULE = "─" * 40


class LocalChat:
    def __init__(self, engine: EngineLike, config: BotConfig, out: TextIO) -> None:
        self.engine = EngineGateway(engine)
        self.views = MemoryViewStore()
        self.config = config
        self.lang = config.language
        self.out = out
        self.last: Screen | None = None
        self.pictures = PictureCache()
        self.picture_dir = config.state_dir / "pictures"

    def show(self, screen: Screen) -> None:
        self.out.write("\n\n".join(to_plain(chunk) for chunk in screen.chunks) + f"\n{RULE}\n")
        self.out.flush()

    async def handle(self, line: str) -> bool:
        """Answer one input line; ``False`` means the user wants to quit."""
        text = line.strip()
        if not text:
            return True
        command, _, arg = text.partition(" ")
        command = command.lower()
        if command in ("/quit", "/exit"):
            return False
        if command == "/start":
            shown = "\n".join(f"• {q}" for q in examples(self.lang))
            self.show(Screen([t(self.lang, "start") + "\n" + esc(shown)]))
        elif command in ("/help", "/about"):
            self.show(text_screen(self.lang, command[1:], username="bot"))
        elif command == "/timeline":
            await self.timeline(arg)
        elif command == "/lang":
            code = arg.strip().lower()
            self.lang = code if code in LANGS else self.lang
            self.show(text_screen(self.lang, "lang_set" if code in LANGS else "lang_unknown"))
        elif command == "/sources":
            self.show(await sources_screen(self.engine, self.lang))
        elif command in ("/more", "/full"):
            await self.browse(command, arg)
        elif command.startswith("/"):
            self.show(text_screen(self.lang, "unknown_command"))
        else:
            await self.ask(text, 0)
        return True

    async def timeline(self, arg: str) -> None:
        picture, events, flt = await timeline_picture(self.engine, self.pictures, self.lang, arg)
        if picture is None:
            key = "timeline_no_match" if flt.text else "timeline_empty"
            self.show(Screen([esc(t(self.lang, key, value=flt.text))]))
            return
        name = "timeline" + (f"-{hashlib.sha256(flt.key.encode()).hexdigest()[:8]}" if flt.text else "") + ".png"
        path = self.picture_dir / name
        await asyncio.to_thread(_write, path, picture.png)
        self.out.write(to_plain(picture.caption) + "\n" + t(self.lang, "timeline_saved", path=path.resolve()) + "\n")
        self.show(Screen(render_timeline(events, self.lang, self.engine)))

    async def ask(self, question: str, offset: int) -> None:
        screen = await question_screen(self.engine, self.views, question, offset, self.lang, self.config.top_k)
        if screen.answered:
            self.last = screen
        self.show(screen)

    async def browse(self, command: str, arg: str) -> None:
        last = self.last
        if last is None or last.view is None or last.answer is None or last.key is None:
            self.show(text_screen(self.lang, "local_nothing"))
            return
        view = last.view
        if command == "/more":
            nxt = view.offset + len(view.hits)
            if nxt >= last.answer.total:
                self.show(text_screen(self.lang, "no_more"))
                return
            await self.ask(view.query, nxt)
            return
        number = int(arg) if arg.strip().isdigit() else view.offset + 1
        index = number - 1 - view.offset
        if not 0 <= index < len(view.hits):
            self.show(
                text_screen(self.lang, "local_no_result", first=view.offset + 1, last=view.offset + len(view.hits))
            )
            return
        screen = await paragraph_screen(self.engine, view, last.key, index, self.lang)
        self.show(screen or text_screen(self.lang, "paragraph_missing"))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


async def run_local_chat(engine: EngineLike, config: BotConfig, stdin: TextIO, stdout: TextIO) -> int:
    chat = LocalChat(engine, config, stdout)
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:  # end of input
            return 0
        if not await chat.handle(line):
            return 0
