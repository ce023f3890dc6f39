"""Chats, members and organisations seen lately, so most updates need not write or read
them again. A layer around any store: it answers `ensure_chat`, `ensure_member` and
`organisations` from memory when it can, and forgets a chat (or a person) before anything
that changes it; a rolled-back transaction makes it forget everything. One process only:
several workers sharing a database go without it (another worker's change would not
reach this memory)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.entities import Chat, Member, Organisation
from bot.store.wrapper import Wrapper


class Recent:
    """What was seen lately, by chat."""

    def __init__(self) -> None:
        self.chats: dict[int, tuple[Chat, datetime]] = {}
        self.members: dict[tuple[int, int], Member] = {}
        self.organisations: dict[int, list[Organisation]] = {}

    def forget_chat(self, chat_id: int) -> None:
        self.chats.pop(chat_id, None)
        self.organisations.pop(chat_id, None)
        for key in [k for k in self.members if k[0] == chat_id]:
            del self.members[key]

    def forget_person(self, user_id: int) -> None:
        for key in [k for k in self.members if k[1] == user_id]:
            del self.members[key]

    def clear(self) -> None:
        self.chats.clear()
        self.members.clear()
        self.organisations.clear()


class Cached(Wrapper):
    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.recent = Recent()  # shared by the units of work `over` makes

    def rolled_back(self) -> None:
        self.recent.clear()

    # -- answered from memory ------------------------------------------------------

    async def ensure_chat(self, chat_id: int, type_: str, title: str, language: str,
                          timezone: str, now: datetime) -> Chat:
        cached = self.recent.chats.get(chat_id)
        # Activity is noted at most once an hour; retention counts in days.
        if cached and cached[0].title == title and now - cached[1] < timedelta(hours=1):
            return cached[0]
        chat = await self.inner.ensure_chat(chat_id, type_, title, language, timezone, now)
        self.recent.chats[chat_id] = (chat, now)
        return chat

    async def ensure_member(self, chat_id: int, user_id: int, name: str, anonymous_admin: bool,
                            now: datetime) -> Member:
        cached = self.recent.members.get((chat_id, user_id))
        if cached and cached.name == name and cached.anonymous_admin == anonymous_admin:
            return cached
        member = await self.inner.ensure_member(chat_id, user_id, name, anonymous_admin, now)
        self.recent.members[(chat_id, user_id)] = member
        return member

    async def organisations(self, chat_id: int) -> list[Organisation]:
        cached = self.recent.organisations.get(chat_id)
        if cached is None:
            cached = self.recent.organisations[chat_id] = await self.inner.organisations(chat_id)
        return list(cached)

    # -- forgotten before a change -------------------------------------------------

    async def set_language(self, chat_id: int, language: str) -> None:
        self.recent.forget_chat(chat_id)
        await self.inner.set_language(chat_id, language)

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        self.recent.forget_chat(chat_id)
        await self.inner.set_timezone(chat_id, timezone)

    async def set_active(self, chat_id: int, active: bool) -> None:
        self.recent.forget_chat(chat_id)
        await self.inner.set_active(chat_id, active)

    async def set_retention_warned(self, chat_id: int, now: datetime) -> None:
        self.recent.forget_chat(chat_id)
        await self.inner.set_retention_warned(chat_id, now)

    async def migrate_chat(self, old: int, new: int) -> bool:
        self.recent.forget_chat(old)
        self.recent.forget_chat(new)
        return await self.inner.migrate_chat(old, new)

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool:
        self.recent.forget_chat(chat_id)
        return await self.inner.add_organisation(chat_id, name, now)

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool:
        self.recent.forget_chat(chat_id)
        return await self.inner.rename_organisation(chat_id, org_id, name)

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool:
        self.recent.forget_chat(chat_id)  # members of it lose their organisation
        return await self.inner.remove_organisation(chat_id, org_id)

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None:
        self.recent.members.pop((chat_id, user_id), None)
        await self.inner.set_member_organisation(chat_id, user_id, org_id)

    async def forget_member(self, user_id: int) -> int:
        self.recent.forget_person(user_id)
        return await self.inner.forget_member(user_id)

    async def forget_chat(self, chat_id: int) -> None:
        self.recent.forget_chat(chat_id)
        await self.inner.forget_chat(chat_id)
