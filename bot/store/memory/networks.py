"""The in-memory store's networks (issue 19), as the SQLite store keeps them. A link
follows its chat as SQLite's foreign keys make it (`network_links` is one of the chat's
tables: gone with a forgotten chat, moved with a group that became a supergroup); a
network goes with its coordinators, codes and links when its last coordinator is
forgotten (this class comes first in MemoryStore's bases, so it wraps forget_member)."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Coordinator, Network, NetworkLink
from bot.store.memory.base import MemoryBase
from bot.store.rows import coordinator, iso, link, moment, network

TABLES = ("networks", "network_coordinators", "network_codes", "network_links",
          "wrong_codes")


class MemoryNetworks(MemoryBase):
    def _rows(self, table: str) -> list[dict]:
        # Kept in the same tables object, so a rollback takes them back too.
        return self.t.rows.setdefault(table, [])

    def _live(self, row: dict) -> bool:
        return row["unlinked_at"] is None and \
            self.t.first("chats", id=row["chat_id"]) is not None

    async def forget_member(self, user_id: int) -> int:
        count = await super().forget_member(user_id)
        coordinators = self._rows("network_coordinators")
        mine = {r["network_id"] for r in coordinators if r["user_id"] == user_id}
        others = {r["network_id"] for r in coordinators if r["user_id"] != user_id}
        for table in ("network_coordinators", "network_codes", "network_links"):
            self.t.rows[table] = [r for r in self._rows(table)
                                  if r["network_id"] not in mine - others]
        self.t.rows["networks"] = [r for r in self._rows("networks")
                                   if r["id"] not in mine - others]
        self.t.rows["network_coordinators"] = [r for r in self._rows("network_coordinators")
                                               if r["user_id"] != user_id]
        for row in self._rows("network_links"):
            if row["linked_by"] == user_id:
                row["linked_by"] = None
        return count

    async def forget_chat(self, chat_id: int) -> None:
        await super().forget_chat(chat_id)
        await self.clear_wrong_codes(chat_id)

    async def add_network(self, name: str, user_id: int, chat_id: int,
                          now: datetime) -> Network:
        rows = self._rows("networks")
        row = {"id": max((r["id"] for r in rows), default=0) + 1, "name": name,
               "created_at": iso(now)}
        rows.append(row)
        await self.add_coordinator(row["id"], user_id, chat_id, now)
        return network(row)

    async def network(self, network_id: int) -> Network | None:
        row = next((r for r in self._rows("networks") if r["id"] == network_id), None)
        return network(row) if row else None

    async def networks_of(self, user_id: int) -> list[Network]:
        ids = {r["network_id"] for r in self._rows("network_coordinators")
               if r["user_id"] == user_id}
        return [network(r) for r in sorted(self._rows("networks"), key=lambda r: r["id"])
                if r["id"] in ids]

    async def coordinators(self, network_id: int) -> list[Coordinator]:
        found = [r for r in self._rows("network_coordinators") if r["network_id"] == network_id]
        return [coordinator(r) for r in sorted(found, key=lambda r: (r["added_at"],
                                                                       r["user_id"]))]

    def _coordinator(self, network_id: int, user_id: int) -> dict | None:
        return next((r for r in self._rows("network_coordinators")
                     if r["network_id"] == network_id and r["user_id"] == user_id), None)

    async def add_coordinator(self, network_id: int, user_id: int, chat_id: int,
                              now: datetime) -> bool:
        if self._coordinator(network_id, user_id) is not None:
            return False
        self._rows("network_coordinators").append({
            "network_id": network_id, "user_id": user_id, "chat_id": chat_id, "digest": None,
            "digest_next_at": None, "digest_sent_at": None, "added_at": iso(now)})
        return True

    async def add_network_code(self, network_id: int, code_hash: str, purpose: str,
                               expires_at: datetime) -> None:
        await self.drop_network_code(code_hash)
        self._rows("network_codes").append({"code_hash": code_hash, "network_id": network_id,
                                            "purpose": purpose, "expires_at": iso(expires_at)})

    async def network_code(self, code_hash: str, now: datetime) -> tuple[int, str] | None:
        row = next((r for r in self._rows("network_codes") if r["code_hash"] == code_hash
                    and r["expires_at"] > iso(now)), None)
        return (row["network_id"], row["purpose"]) if row else None

    async def drop_network_code(self, code_hash: str) -> None:
        self.t.rows["network_codes"] = [r for r in self._rows("network_codes")
                                        if r["code_hash"] != code_hash]

    def _link(self, network_id: int, chat_id: int) -> dict | None:
        return next((r for r in self._rows("network_links") if r["network_id"] == network_id
                     and r["chat_id"] == chat_id and self._live(r)), None)

    async def link_chat(self, network_id: int, chat_id: int, user_id: int,
                        now: datetime) -> bool:
        row = next((r for r in self._rows("network_links")
                    if (r["network_id"], r["chat_id"]) == (network_id, chat_id)), None)
        if row is None:
            self.t.insert("network_links", network_id=network_id, chat_id=chat_id,
                          share_summaries=0, linked_at=iso(now), linked_by=user_id)
            return True
        if row["unlinked_at"] is None:
            return False
        # A chat that unlinked before links anew: a fresh link, its summaries not shared.
        row.update(linked_at=iso(now), linked_by=user_id, share_summaries=0, unlinked_at=None)
        return True

    async def unlink_chat(self, network_id: int, chat_id: int, now: datetime) -> bool:
        row = self._link(network_id, chat_id)
        if row is not None:
            row["unlinked_at"] = iso(now)
        return row is not None

    async def unlinked_since(self, network_id: int, since: datetime) -> list[NetworkLink]:
        found = [r for r in self._rows("network_links") if r["network_id"] == network_id
                 and r["unlinked_at"] is not None and r["unlinked_at"] > iso(since)]
        return [link(r) for r in sorted(found, key=lambda r: (r["unlinked_at"],
                                                               r["chat_id"]))]

    async def add_wrong_code(self, chat_id: int, now: datetime) -> None:
        self._rows("wrong_codes").append({"chat_id": chat_id, "typed_at": iso(now)})

    async def wrong_codes(self, chat_id: int, since: datetime) -> int:
        return sum(1 for r in self._rows("wrong_codes")
                   if r["chat_id"] == chat_id and r["typed_at"] > iso(since))

    async def clear_wrong_codes(self, chat_id: int) -> None:
        self.t.rows["wrong_codes"] = [r for r in self._rows("wrong_codes")
                                      if r["chat_id"] != chat_id]

    async def forget_wrong_codes(self, before: datetime) -> None:
        self.t.rows["wrong_codes"] = [r for r in self._rows("wrong_codes")
                                      if r["typed_at"] > iso(before)]

    async def forget_unlinked(self, before: datetime) -> int:
        rows = self._rows("network_links")
        kept = [r for r in rows if r["unlinked_at"] is None or r["unlinked_at"] >= iso(before)]
        self.t.rows["network_links"] = kept
        return len(rows) - len(kept)

    async def network_links(self, network_id: int) -> list[NetworkLink]:
        found = [r for r in self._rows("network_links")
                 if r["network_id"] == network_id and self._live(r)]
        return [link(r) for r in sorted(found, key=lambda r: (r["linked_at"], r["chat_id"]))]

    async def chat_networks(self, chat_id: int) -> list[NetworkLink]:
        found = [r for r in self._rows("network_links")
                 if r["chat_id"] == chat_id and self._live(r)]
        return [link(r) for r in sorted(found, key=lambda r: (r["linked_at"],
                                                               r["network_id"]))]

    async def set_share_summaries(self, network_id: int, chat_id: int, share: bool) -> None:
        row = self._link(network_id, chat_id)
        if row is not None:
            row["share_summaries"] = int(share)

    async def set_digest(self, network_id: int, user_id: int, digest: str | None,
                         next_at: datetime | None) -> None:
        row = self._coordinator(network_id, user_id)
        if row is not None:
            row.update(digest=digest, digest_next_at=iso(next_at) if next_at else None)

    async def due_digests(self, now: datetime) -> list[Coordinator]:
        found = [r for r in self._rows("network_coordinators")
                 if r["digest_next_at"] is not None and r["digest_next_at"] <= iso(now)]
        return [coordinator(r) for r in sorted(
            found, key=lambda r: (r["digest_next_at"], r["network_id"], r["user_id"]))]

    async def digest_sent(self, network_id: int, user_id: int, next_at: datetime | None,
                          now: datetime) -> None:
        row = self._coordinator(network_id, user_id)
        if row is not None:
            row.update(digest_next_at=iso(next_at) if next_at else None,
                       digest_sent_at=iso(now))

    async def last_activity(self, chat_id: int) -> datetime | None:
        row = self.t.first("chats", id=chat_id)
        return moment(row["last_active_at"] or row["created_at"]) if row else None
