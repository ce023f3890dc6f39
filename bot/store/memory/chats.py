"""The in-memory store's chats, organisations and members."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Chat, Member, Organisation
from bot.store import rows
from bot.store.memory.base import MemoryBase
from bot.store.rows import iso


class MemoryChats(MemoryBase):
    # -- chats ---------------------------------------------------------------------

    async def chat(self, chat_id: int) -> Chat | None:
        row = self.t.first("chats", id=chat_id)
        return rows.chat(row) if row else None

    async def ensure_chat(self, chat_id: int, type_: str, title: str, language: str,
                          timezone: str, now: datetime) -> Chat:
        row = self.t.first("chats", id=chat_id)
        if row is None:
            row = self.t.insert("chats", id=chat_id, type=type_, title=title, language=language,
                                timezone=timezone, active=1, created_at=iso(now),
                                last_active_at=iso(now))
        else:
            row.update(title=title, last_active_at=iso(now), retention_warned_at=None)
        return rows.chat(row)

    async def set_language(self, chat_id: int, language: str) -> None:
        self.t.update("chats", {"language": language}, id=chat_id)

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        self.t.update("chats", {"timezone": timezone}, id=chat_id)
        self.t.update("schedules", {"timezone": timezone}, chat_id=chat_id)

    async def set_active(self, chat_id: int, active: bool) -> None:
        self.t.update("chats", {"active": int(active)}, id=chat_id)

    async def last_tip(self, chat_id: int) -> str | None:
        row = self.t.first("chats", id=chat_id)
        return row["last_tip"] if row else None

    async def set_last_tip(self, chat_id: int, tip_id: str) -> None:
        self.t.update("chats", {"last_tip": tip_id}, id=chat_id)

    async def migrate_chat(self, old: int, new: int) -> bool:
        """A group became a supergroup: its rows follow the new id."""
        if self.t.first("chats", id=old) is None:
            return False
        if self.t.first("chats", id=new) is not None:
            self.t.delete_chat(new)  # only an incidental row, as in the SQLite store
        self.t.move_chat(old, new)
        self.t.update("chats", {"type": "supergroup"}, id=new)
        return True

    async def stale_chats(self, before: datetime) -> list[tuple[int, datetime, datetime | None]]:
        """Chats not used since `before`: (id, last active, when they were warned)."""
        found = []
        for row in sorted(self.t.rows["chats"], key=lambda r: r["id"]):
            last = row["last_active_at"] or row["created_at"]
            if last < iso(before):
                found.append(rows.stale_chat(row["id"], last, row["retention_warned_at"]))
        return found

    async def set_retention_warned(self, chat_id: int, now: datetime) -> None:
        self.t.update("chats", {"retention_warned_at": iso(now)}, id=chat_id)

    async def memberships(self, user_id: int) -> list[tuple[int, str, str, str | None]]:
        """Every chat where this person is a member: (chat id, title, name, organisation)."""
        found = []
        for m in sorted(self.t.where("members", user_id=user_id), key=lambda r: r["chat_id"]):
            chat = self.t.first("chats", id=m["chat_id"])
            org = self.t.first("organisations", id=m["organisation_id"])
            if chat is not None:
                found.append((m["chat_id"], chat["title"], m["name"], org and org["name"]))
        return found

    # -- organisations -------------------------------------------------------------

    async def organisations(self, chat_id: int) -> list[Organisation]:
        found = sorted(self.t.where("organisations", chat_id=chat_id), key=lambda r: r["id"])
        return [Organisation(r["id"], r["name"]) for r in found]

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool:
        if self.t.first("organisations", chat_id=chat_id, name=name) is not None:
            return False  # the names in a chat are unique
        self.t.insert("organisations", chat_id=chat_id, name=name, created_at=iso(now))
        return True

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool:
        row = self.t.first("organisations", chat_id=chat_id, id=org_id)
        clash = self.t.first("organisations", chat_id=chat_id, name=name)
        if row is None or (clash is not None and clash is not row):
            return False
        row["name"] = name
        return True

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool:
        """Its members and answers keep no organisation."""
        return self.t.delete_organisation(chat_id, org_id)

    # -- members -------------------------------------------------------------------

    async def member(self, chat_id: int, user_id: int) -> Member | None:
        row = self.t.first("members", chat_id=chat_id, user_id=user_id)
        return rows.member(row) if row else None

    async def members(self, chat_id: int) -> list[Member]:
        found = sorted(self.t.where("members", chat_id=chat_id),
                       key=lambda r: (r["first_seen"], r["user_id"]))
        return [rows.member(r) for r in found]

    async def ensure_member(self, chat_id: int, user_id: int, name: str, anonymous_admin: bool,
                            now: datetime) -> Member:
        row = self.t.first("members", chat_id=chat_id, user_id=user_id)
        if row is None:
            row = self.t.insert("members", chat_id=chat_id, user_id=user_id, name=name,
                                anonymous_admin=int(anonymous_admin), first_seen=iso(now))
        else:
            row["name"] = name  # as in SQLite: the anonymous-admin flag stays as first seen
        return rows.member(row)

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None:
        self.t.update("members", {"organisation_id": org_id}, chat_id=chat_id, user_id=user_id)
        # Answers given before the member chose belong to that organisation too.
        self.t.update("answers", {"organisation_id": org_id}, chat_id=chat_id, user_id=user_id,
                      organisation_id=None)
