"""Who did what where: the adapter-neutral description of one incoming event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape as _escape

from bot.core.entities import Chat, Member
from bot.core.i18n import Texts
from bot.core.outcome import Outcome
from bot.core.ports import AdminCheck, Store

NEVER = datetime.min.replace(tzinfo=UTC)


def esc(text: str) -> str:
    """Escape user text for Telegram HTML."""
    return _escape(text, quote=False)


@dataclass(frozen=True)
class ChatRef:
    id: int
    type: str  # private, group, supergroup
    title: str = ""

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    language_code: str | None = None
    anonymous_admin: bool = False  # posting as the group itself


@dataclass
class Ctx:
    """Everything one handler needs, loaded once per event."""

    repo: Store
    chat: Chat
    ref: ChatRef
    actor: Actor
    member: Member
    t: Texts
    message_id: int | None = None
    check_admin: AdminCheck | None = None  # the adapter's: is this user an admin here?
    now: datetime = NEVER  # when the event is handled, by the injected clock

    @property
    def in_group(self) -> bool:
        return self.ref.is_group

    async def is_admin(self) -> bool:
        """Admins of a group (anonymous admins count); everyone in a private chat."""
        if not self.in_group or self.actor.anonymous_admin or self.check_admin is None:
            return True
        return await self.check_admin(self.chat.id, self.actor.user_id)


def admins_only(ctx: Ctx, *, pressed: bool = False) -> Outcome:
    """The one refusal of what only admins may do: a pop-up on a button, else a message."""
    text = ctx.t._("Only the group's admins can do that.")
    return Outcome(toast=text, alert=True) if pressed else Outcome().say(text)


def not_this_chat(ctx: Ctx) -> Outcome:
    """A button whose object belongs to another chat (forwarded, or forged)."""
    return Outcome(toast=ctx.t._("This button does not belong to this chat."))


def stale(ctx: Ctx) -> Outcome:
    """A button nothing answers to any more."""
    return Outcome(toast=ctx.t._("This button no longer works."))
