"""The same bot in a terminal: you chat as a member of a group; /as NAME switches member.

Buttons are shown numbered; type the number to press one. Any other text answers the
last open question, as a reply would in a Telegram group.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import time
import zlib
from collections.abc import Callable

from bot import compose
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.context import Actor, ChatRef
from bot.core.i18n import texts
from bot.core.outcome import Button, Outcome, Reply
from bot.service import Service
from bot.store import open_store

CHAT = ChatRef(-1, "group", "Console")
TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(TAG.sub("", text))


def user_id(name: str) -> int:
    return 10_000 + zlib.crc32(name.casefold().encode()) % 1_000_000_000


class Console:
    def __init__(self, service: Service, name: str, out: Callable[[str], None] = print) -> None:
        self.service = service
        self.actor = Actor(user_id(name), name)
        self.out = out
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
            return self._switch(line[3:].strip())
        if line.isdigit() and self.buttons:
            number = int(line)
            if not 1 <= number <= len(self.buttons):
                self.out(self.service.texts(await self.service.language_of(CHAT.id))._(
                    "Choose a number from 1 to {n}.", n=len(self.buttons)))
                return True
            button, message_id = self.buttons[number - 1]
            outcome = await self.service.button(CHAT, self.actor, button.data,
                                                message_id=message_id)
        elif line.startswith("/"):
            head, _, args = line.partition(" ")
            outcome = await self.service.command(CHAT, self.actor, head[1:].split("@")[0], args,
                                                 message_id=self._message_id())
        else:
            outcome = await self.service.text(CHAT, self.actor, line, reply_to=self.open_prompt,
                                              message_id=self._message_id())
        await self.show(outcome)
        return True

    def _switch(self, name: str) -> bool:
        if not name:
            self.out(f"/as NAME — now: {self.actor.name}")
            return True
        self.actor = Actor(user_id(name), name[:64])
        self.out(f"— {self.actor.name} —")
        return True

    async def show(self, outcome: Outcome) -> None:
        if outcome.toast:
            self.out(f"  » {outcome.toast}")
        # The buttons of every message just shown are numbered on, one list, so a
        # question followed by another keeps both pressable.
        shown: list[tuple[Button, int]] = []
        for reply in outcome.replies:
            message_id = reply.edit or self._message_id()
            self._print(reply, message_id, shown)
            if reply.edit is None:
                await self.service.sent_many([(CHAT.id, reply, message_id)])
        if shown:
            self.buttons = shown

    def _print(self, reply: Reply, message_id: int, shown: list) -> None:
        self.out("")
        self.out(("(updated) " if reply.edit else "") + plain(reply.text))
        if reply.file is not None:
            self.out(f"   📎 {reply.file[0]} ({len(reply.file[1])} bytes)")
        if reply.buttons:
            first = len(shown) + 1
            shown += [(b, message_id) for row in reply.buttons for b in row]
            numbered = [f"[{i}] {plain(b.label)}"
                        for i, (b, _) in enumerate(shown[first - 1:], first)]
            self.out("   " + "  ".join(numbered))
        if reply.prompt is not None:
            self.open_prompt = message_id


async def run(settings: Settings, name: str, lines=None) -> None:
    """Chat in the terminal until /quit or end of input."""
    repo = await open_store(settings.database_path, settings.data_key)
    try:
        service = compose.from_settings(repo, settings, Clock())
    except BaseException:
        await repo.close()
        raise
    console = Console(service, name)
    t = texts(settings.language)
    print(t._("Samenwerkbot console — answers are saved in {path}.\n"
              "You are {name}; /as NAME switches to another member. Type a button's number to "
              "press it, /quit to stop. Start with /start or /process.",
              path=settings.database_path, name=name))
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
