"""What a feature declares: its commands, its buttons, the replies it takes and the work
it does on the clock. The router builds the command table, the menus per language and
/help from these declarations; a feature knows nothing of the others except the
collaborators handed to its constructor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.context import Ctx
from bot.core.entities import Prompt
from bot.core.outcome import Outcome, Reply
from bot.core.ports import Store

Run = Callable[[Ctx, str], Awaitable[Outcome]]  # a command: (ctx, its arguments)
Press = Callable[[Ctx, Any, "int | None"], Awaitable[Outcome]]  # (ctx, data, message id)
Answer = Callable[[Ctx, Prompt, str], Awaitable[Outcome]]  # a reply to one of its prompts


@dataclass(frozen=True)
class Command:
    name: str  # the English name; each language's words file gives its own names
    run: Run
    summary: str | None = None  # its line in the menu and /help (a catalog msgid)
    in_menu: bool = True  # False: listed in /help only (e.g. commands for a private chat)


class Feature:
    """Override what applies; a feature with nothing to say declares nothing."""

    def commands(self) -> list[Command]:
        return []

    def buttons(self) -> dict[type, Press]:
        return {}

    def prompts(self) -> dict[str, Answer]:
        """Prompt kinds (what a sent message asks) and who takes the reply to one."""
        return {}

    async def shown(self, unit: Store, chat_id: int, reply: Reply, message_id: int) -> None:
        """One of its replies that asks something was sent as this message: note it in
        `unit`, the transaction that remembers it (never through a store of its own)."""

    async def due(self, now: datetime) -> AsyncIterator[tuple[int, Outcome]]:
        """What the clock asks of this feature now: (chat id, what to show)."""
        return
        yield
