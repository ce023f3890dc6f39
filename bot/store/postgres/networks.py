"""Networks (issue 19): a coordinator's view of the groups that chose to link, the
coordinators and their weekly digest, and the hashed link and invitation codes. Due
digests are claimed, so each goes out from one worker."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Coordinator, Network, NetworkLink
from bot.store.postgres.database import Database, at
from bot.store.rows import coordinator, link, moment, network


class Networks(Database):
    async def add_network(self, name: str, user_id: int, chat_id: int,
                          now: datetime) -> Network:
        row = await self._one("INSERT INTO networks (name, created_at) VALUES ($1, $2) "
                              "RETURNING *", name, at(now))
        await self.add_coordinator(row["id"], user_id, chat_id, now)
        return network(row)

    async def network(self, network_id: int) -> Network | None:
        row = await self._one("SELECT * FROM networks WHERE id = $1", network_id)
        return network(row) if row else None

    async def networks_of(self, user_id: int) -> list[Network]:
        found = await self._all(
            "SELECT n.* FROM networks n JOIN network_coordinators c ON c.network_id = n.id "
            "WHERE c.user_id = $1 ORDER BY n.id", user_id)
        return [network(row) for row in found]

    async def coordinators(self, network_id: int) -> list[Coordinator]:
        found = await self._all("SELECT * FROM network_coordinators WHERE network_id = $1 "
                                "ORDER BY added_at, user_id", network_id)
        return [coordinator(row) for row in found]

    async def add_coordinator(self, network_id: int, user_id: int, chat_id: int,
                              now: datetime) -> bool:
        return await self._run(
            "INSERT INTO network_coordinators (network_id, user_id, chat_id, added_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            network_id, user_id, chat_id, at(now)) > 0

    async def add_network_code(self, network_id: int, code_hash: str, purpose: str,
                               expires_at: datetime) -> None:
        await self._run(
            "INSERT INTO network_codes (code_hash, network_id, purpose, expires_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (code_hash) DO UPDATE SET "
            "network_id = excluded.network_id, purpose = excluded.purpose, "
            "expires_at = excluded.expires_at", code_hash, network_id, purpose, at(expires_at))

    async def network_code(self, code_hash: str, now: datetime) -> tuple[int, str] | None:
        row = await self._one("SELECT network_id, purpose FROM network_codes "
                              "WHERE code_hash = $1 AND expires_at > $2", code_hash, at(now))
        return (row["network_id"], row["purpose"]) if row else None

    async def drop_network_code(self, code_hash: str) -> None:
        await self._run("DELETE FROM network_codes WHERE code_hash = $1", code_hash)

    async def link_chat(self, network_id: int, chat_id: int, user_id: int,
                        now: datetime) -> bool:
        # A chat that unlinked before links anew: a fresh link, its summaries not shared.
        return await self._run(
            "INSERT INTO network_links (network_id, chat_id, linked_at, linked_by) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (network_id, chat_id) DO UPDATE SET "
            "linked_at = excluded.linked_at, linked_by = excluded.linked_by, "
            "share_summaries = 0, unlinked_at = NULL "
            "WHERE network_links.unlinked_at IS NOT NULL",
            network_id, chat_id, at(now), user_id) > 0

    async def unlink_chat(self, network_id: int, chat_id: int, now: datetime) -> bool:
        return await self._run("UPDATE network_links SET unlinked_at = $1 WHERE "
                               "network_id = $2 AND chat_id = $3 AND unlinked_at IS NULL",
                               at(now), network_id, chat_id) > 0

    async def unlinked_since(self, network_id: int, since: datetime) -> list[NetworkLink]:
        found = await self._all("SELECT * FROM network_links WHERE network_id = $1 "
                                "AND unlinked_at > $2 ORDER BY unlinked_at, chat_id",
                                network_id, at(since))
        return [link(row) for row in found]

    async def add_wrong_code(self, chat_id: int, now: datetime) -> None:
        await self._run("INSERT INTO wrong_codes (chat_id, typed_at) VALUES ($1, $2)",
                        chat_id, at(now))

    async def wrong_codes(self, chat_id: int, since: datetime) -> int:
        return await self._value("SELECT COUNT(*) FROM wrong_codes WHERE chat_id = $1 "
                                 "AND typed_at > $2", chat_id, at(since))

    async def clear_wrong_codes(self, chat_id: int) -> None:
        await self._run("DELETE FROM wrong_codes WHERE chat_id = $1", chat_id)

    async def forget_wrong_codes(self, before: datetime) -> None:
        await self._run("DELETE FROM wrong_codes WHERE typed_at <= $1", at(before))

    async def forget_unlinked(self, before: datetime) -> int:
        return await self._run("DELETE FROM network_links WHERE unlinked_at < $1",
                               at(before))

    async def network_links(self, network_id: int) -> list[NetworkLink]:
        found = await self._all("SELECT * FROM network_links WHERE network_id = $1 "
                                "AND unlinked_at IS NULL ORDER BY linked_at, chat_id",
                                network_id)
        return [link(row) for row in found]

    async def chat_networks(self, chat_id: int) -> list[NetworkLink]:
        found = await self._all("SELECT * FROM network_links WHERE chat_id = $1 "
                                "AND unlinked_at IS NULL ORDER BY linked_at, network_id",
                                chat_id)
        return [link(row) for row in found]

    async def set_share_summaries(self, network_id: int, chat_id: int, share: bool) -> None:
        await self._run("UPDATE network_links SET share_summaries = $1 WHERE network_id = $2 "
                        "AND chat_id = $3 AND unlinked_at IS NULL", int(share), network_id,
                        chat_id)

    async def set_digest(self, network_id: int, user_id: int, digest: str | None,
                         next_at: datetime | None) -> None:
        await self._run("UPDATE network_coordinators SET digest = $1, digest_next_at = $2 "
                        "WHERE network_id = $3 AND user_id = $4",
                        digest, at(next_at), network_id, user_id)

    async def due_digests(self, now: datetime) -> list[Coordinator]:
        """Digests due now (with several workers: those this one claimed)."""
        found = await self._all(
            "SELECT * FROM network_coordinators WHERE digest_next_at IS NOT NULL "
            "AND digest_next_at <= $1 ORDER BY digest_next_at, network_id, user_id", at(now))
        mine = await self.claim("digest", [f"{r['network_id']}:{r['user_id']}" for r in found])
        return [coordinator(r) for r in found if f"{r['network_id']}:{r['user_id']}" in mine]

    async def digest_sent(self, network_id: int, user_id: int, next_at: datetime | None,
                          now: datetime) -> None:
        await self._run("UPDATE network_coordinators SET digest_next_at = $1, "
                        "digest_sent_at = $2 WHERE network_id = $3 AND user_id = $4",
                        at(next_at), at(now), network_id, user_id)

    async def last_activity(self, chat_id: int) -> datetime | None:
        row = await self._one("SELECT COALESCE(last_active_at, created_at) AS at FROM chats "
                              "WHERE id = $1", chat_id)
        return moment(row["at"]) if row else None
