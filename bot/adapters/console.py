"""The same bot in a terminal: you chat as a member of a group; /as NAME switches member.

Buttons are shown numbered; type the number to press one. Any other text answers the
last open question, as a reply would in a Telegram group. Files the bot sends (the PDF,
the chart, the export) are saved in a folder under the data folder, and their path shown.
Every text it prints goes through the catalogs, in the chat's language.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from bot import compose
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.context import Actor, ChatRef
from bot.core.i18n import Texts
from bot.core.outcome import Button, Outcome, Reply
from bot.service import Service
from bot.store import open_store

CHAT = ChatRef(-1, "group", "Console")
FILES = "console"  # the folder, next to the database, for the files the bot sends
TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(TAG.sub("", text))


def user_id(name: str) -> int:
    return 10_000 + zlib.crc32(name.casefold().encode()) % 1_000_000_000


class Console:
    def __init__(self, service: Service, name: str, out: Callable[[str], None] = print,
                 files: Path | None = None) -> None:
        self.service = service
        self.actor = Actor(user_id(name), name)
        self.out = out
        self.files = files  # where sent files are saved; None: only their names are shown
        self.buttons: list[tuple[Button, int]] = []  # (button, message id) of the last keyboard
        self.open_prompt: int | None = None
        self._last_id = 0

    def _message_id(self) -> int:
        # Unique across restarts, so stored questions never collide with new ones.
        self._last_id = max(self._last_id + 1, int(time.time() * 1000))
        return self._last_id

    async def handle(self, line: str) -> bool:
        """Handle one typed line; False when the user wants to stop."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit", "/stop"):
            return False
        if line.startswith("/as"):
            return await self._switch(line[3:].strip())
        if line.isdigit() and self.buttons:
            number = int(line)
            if not 1 <= number <= len(self.buttons):
                self.out((await self._texts())._("Choose a number from 1 to {n}.",
                                                 n=len(self.buttons)))
                return True
            button, message_id = self.buttons[number - 1]
            outcome = await self.service.button(CHAT, self.actor, button.data,
                                                message_id=message_id)
            await self.show(outcome, pressed=True)
            return True
        if line.startswith("/"):
            head, _, args = line.partition(" ")
            outcome = await self.service.command(CHAT, self.actor, head[1:].split("@")[0], args,
                                                 message_id=self._message_id())
        else:
            outcome = await self.service.text(CHAT, self.actor, line, reply_to=self.open_prompt,
                                              message_id=self._message_id())
            if not outcome.replies:
                # A group's bot stays quiet about chatter; here the line was meant for it
                # (after a restart no question is open yet, and old buttons are gone).
                self.out((await self._texts())._(
                    "(No open question to answer. /status shows where the group is; the "
                    "command of a flow, such as /process, asks its question again.)"))
                return True
        await self.show(outcome)
        return True

    async def _texts(self) -> Texts:
        """The chat's language, which /taal may have just changed."""
        return self.service.texts(await self.service.language_of(CHAT.id))

    async def _switch(self, name: str) -> bool:
        t = await self._texts()
        if not name:
            self.out(t._("You are {name}; /as NAME switches to another member.",
                         name=self.actor.name))
            return True
        self.actor = Actor(user_id(name), name[:64])
        self.out(t._("— You are {name} now —", name=self.actor.name))
        return True

    async def show(self, outcome: Outcome, pressed: bool = False) -> None:
        if outcome.toast and pressed:  # as on Telegram: a toast answers a button press only
            self.out(f"  » {outcome.toast}")
        # The buttons of every message just shown are numbered on, one list, so a
        # question followed by another keeps both pressable.
        shown: list[tuple[Button, int]] = []
        t = await self._texts()
        for reply in outcome.replies:
            message_id = reply.edit or self._message_id()
            self._print(t, reply, message_id, shown)
            if reply.edit is None:
                await self.service.sent_many([(CHAT.id, reply, message_id)])
        if shown:
            self.buttons = shown

    def _print(self, t: Texts, reply: Reply, message_id: int, shown: list) -> None:
        self.out("")
        self.out((t._("(updated)") + " " if reply.edit else "") + plain(reply.text))
        if reply.file is not None:
            name, content = reply.file
            self.out("   " + (t._("📎 Saved: {path}", path=self.save(name, content))
                              if self.files is not None else f"📎 {name}"))
        if reply.buttons:
            first = len(shown) + 1
            shown += [(b, message_id) for row in reply.buttons for b in row]
            numbered = [f"[{i}] {plain(b.label)}"
                        for i, (b, _) in enumerate(shown[first - 1:], first)]
            self.out("   " + "  ".join(numbered))
        if reply.prompt is not None:
            self.open_prompt = message_id

    def save(self, name: str, content: bytes) -> Path:
        """Save a sent file under its own name; a second one of that name gets -2, -3, …"""
        self.files.mkdir(parents=True, exist_ok=True)
        name = Path(name).name  # a file name, never a path elsewhere
        path, number = self.files / name, 1
        while path.exists():
            number += 1
            path = self.files / f"{Path(name).stem}-{number}{Path(name).suffix}"
        path.write_bytes(content)
        return path.resolve()


async def run(settings: Settings, name: str, lines=None) -> None:
    """Chat in the terminal until /quit or end of input."""
    repo = await open_store(settings.database, settings.data_key)
    try:
        service = compose.from_settings(repo, settings, Clock())
    except BaseException:
        await repo.close()
        raise
    files = Path(settings.database_path).parent / FILES
    console = Console(service, name, files=files)
    t = service.texts(await service.language_of(CHAT.id))  # as the chat last chose
    print(t._("Samenwerkbot console — answers are saved in {path}.\n"
              "You are {name}; /as NAME switches to another member. Type a button's number to "
              "press it, /quit to stop. Start with /start or /process.",
              path=settings.database_path, name=name))
    print(t._("Files I send (a PDF, a chart, the export) are saved in {folder}.",
              folder=files.resolve()))
    try:
        while True:
            try:
                line = await asyncio.to_thread(_read, "> ") if lines is None else next(lines)
            except (EOFError, StopIteration):
                break
            if not await console.handle(line):
                break
    finally:
        await repo.close()


def _read(prompt: str) -> str:
    if sys.stdin.isatty():
        return input(prompt)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line
