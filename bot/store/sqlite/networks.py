"""Networks (issue 19): a coordinator's view of the groups that chose to link, the
coordinators and their weekly digest, and the hashed link and invitation codes."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Coordinator, Network, NetworkLink
from bot.store.rows import coordinator, iso, link, moment, network
from bot.store.sqlite.database import Database


class Networks(Database):
    async def add_network(self, name: str, user_id: int, chat_id: int,
                          now: datetime) -> Network:
        cur = await self.db.execute("INSERT INTO networks (name, created_at) VALUES (?, ?)",
                                    (name, iso(now)))
        await self.add_coordinator(cur.lastrowid, user_id, chat_id, now)
        found = await self.network(cur.lastrowid)
        assert found is not None
        return found

    async def network(self, network_id: int) -> Network | None:
        row = await self._one("SELECT * FROM networks WHERE id = ?", (network_id,))
        return network(row) if row else None

    async def networks_of(self, user_id: int) -> list[Network]:
        found = await self._all(
            "SELECT n.* FROM networks n JOIN network_coordinators c ON c.network_id = n.id "
            "WHERE c.user_id = ? ORDER BY n.id", (user_id,))
        return [network(row) for row in found]

    async def coordinators(self, network_id: int) -> list[Coordinator]:
        found = await self._all("SELECT * FROM network_coordinators WHERE network_id = ? "
                                "ORDER BY added_at, user_id", (network_id,))
        return [coordinator(row) for row in found]

    async def add_coordinator(self, network_id: int, user_id: int, chat_id: int,
                              now: datetime) -> bool:
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO network_coordinators (network_id, user_id, chat_id, "
            "added_at) VALUES (?, ?, ?, ?)", (network_id, user_id, chat_id, iso(now)))
        return cur.rowcount > 0

    async def add_network_code(self, network_id: int, code_hash: str, purpose: str,
                               expires_at: datetime) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO network_codes (code_hash, network_id, purpose, expires_at) "
            "VALUES (?, ?, ?, ?)", (code_hash, network_id, purpose, iso(expires_at)))

    async def network_code(self, code_hash: str, now: datetime) -> tuple[int, str] | None:
        row = await self._one("SELECT network_id, purpose FROM network_codes "
                              "WHERE code_hash = ? AND expires_at > ?", (code_hash, iso(now)))
        return (row[0], row[1]) if row else None

    async def drop_network_code(self, code_hash: str) -> None:
        await self.db.execute("DELETE FROM network_codes WHERE code_hash = ?", (code_hash,))

    async def link_chat(self, network_id: int, chat_id: int, user_id: int,
                        now: datetime) -> bool:
        # A chat that unlinked before links anew: a fresh link, its summaries not shared.
        cur = await self.db.execute(
            "INSERT INTO network_links (network_id, chat_id, linked_at, linked_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (network_id, chat_id) DO UPDATE SET "
            "linked_at = excluded.linked_at, linked_by = excluded.linked_by, "
            "share_summaries = 0, unlinked_at = NULL "
            "WHERE network_links.unlinked_at IS NOT NULL",
            (network_id, chat_id, iso(now), user_id))
        return cur.rowcount > 0

    async def unlink_chat(self, network_id: int, chat_id: int, now: datetime) -> bool:
        cur = await self.db.execute(
            "UPDATE network_links SET unlinked_at = ? WHERE network_id = ? AND chat_id = ? "
            "AND unlinked_at IS NULL", (iso(now), network_id, chat_id))
        return cur.rowcount > 0

    async def unlinked_since(self, network_id: int, since: datetime) -> list[NetworkLink]:
        found = await self._all("SELECT * FROM network_links WHERE network_id = ? "
                                "AND unlinked_at > ? ORDER BY unlinked_at, chat_id",
                                (network_id, iso(since)))
        return [link(row) for row in found]

    async def add_wrong_code(self, chat_id: int, now: datetime) -> None:
        await self.db.execute("INSERT INTO wrong_codes (chat_id, typed_at) VALUES (?, ?)",
                              (chat_id, iso(now)))

    async def wrong_codes(self, chat_id: int, since: datetime) -> int:
        found = await self._all("SELECT COUNT(*) FROM wrong_codes WHERE chat_id = ? "
                                "AND typed_at > ?", (chat_id, iso(since)))
        return found[0][0]

    async def clear_wrong_codes(self, chat_id: int) -> None:
        await self.db.execute("DELETE FROM wrong_codes WHERE chat_id = ?", (chat_id,))

    async def forget_wrong_codes(self, before: datetime) -> None:
        await self.db.execute("DELETE FROM wrong_codes WHERE typed_at <= ?", (iso(before),))

    async def forget_unlinked(self, before: datetime) -> int:
        cur = await self.db.execute("DELETE FROM network_links WHERE unlinked_at < ?",
                                    (iso(before),))
        return cur.rowcount

    async def network_links(self, network_id: int) -> list[NetworkLink]:
        found = await self._all("SELECT * FROM network_links WHERE network_id = ? "
                                "AND unlinked_at IS NULL ORDER BY linked_at, chat_id",
                                (network_id,))
        return [link(row) for row in found]

    async def chat_networks(self, chat_id: int) -> list[NetworkLink]:
        found = await self._all("SELECT * FROM network_links WHERE chat_id = ? "
                                "AND unlinked_at IS NULL ORDER BY linked_at, network_id",
                                (chat_id,))
        return [link(row) for row in found]

    async def set_share_summaries(self, network_id: int, chat_id: int, share: bool) -> None:
        await self.db.execute("UPDATE network_links SET share_summaries = ? "
                              "WHERE network_id = ? AND chat_id = ? AND unlinked_at IS NULL",
                              (int(share), network_id, chat_id))

    async def set_digest(self, network_id: int, user_id: int, digest: str | None,
                         next_at: datetime | None) -> None:
        await self.db.execute(
            "UPDATE network_coordinators SET digest = ?, digest_next_at = ? "
            "WHERE network_id = ? AND user_id = ?",
            (digest, iso(next_at) if next_at else None, network_id, user_id))

    async def due_digests(self, now: datetime) -> list[Coordinator]:
        found = await self._all(
            "SELECT * FROM network_coordinators WHERE digest_next_at IS NOT NULL "
            "AND digest_next_at <= ? ORDER BY digest_next_at, network_id, user_id", (iso(now),))
        return [coordinator(row) for row in found]

    async def digest_sent(self, network_id: int, user_id: int, next_at: datetime | None,
                          now: datetime) -> None:
        await self.db.execute(
            "UPDATE network_coordinators SET digest_next_at = ?, digest_sent_at = ? "
            "WHERE network_id = ? AND user_id = ?",
            (iso(next_at) if next_at else None, iso(now), network_id, user_id))

    async def last_activity(self, chat_id: int) -> datetime | None:
        row = await self._one("SELECT COALESCE(last_active_at, created_at) FROM chats "
                              "WHERE id = ?", (chat_id,))
        return moment(row[0]) if row else None
