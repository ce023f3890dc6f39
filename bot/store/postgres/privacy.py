"""A chat's data as a whole, and a person's: count, export, forget."""

from __future__ import annotations

from bot.store.postgres.database import Database
from bot.store.rows import CHAT_TABLES, COUNTABLE

# The order SQLite's export gives (its rowids: the order rows came in), by the columns
# that follow it here.
ORDER = {"members": "first_seen, user_id", "prompts": "created_at, message_id",
         "drafts": "run_id, step, user_id", "schedules": "chat_id", "chats": "id",
         "network_links": "linked_at, network_id"}


def _where(table: str) -> str:
    return CHAT_TABLES[table].replace("?", "$1")


class Privacy(Database):
    async def count(self, table: str, chat_id: int | None = None) -> int:
        if table not in COUNTABLE:
            raise ValueError(table)
        if chat_id is None:
            return await self._value(f"SELECT COUNT(*) FROM {table}")
        column = "id" if table == "chats" else "chat_id"
        return await self._value(f"SELECT COUNT(*) FROM {table} WHERE {column} = $1", chat_id)

    async def export_chat(self, chat_id: int) -> dict[str, list[dict]]:
        """Every row the bot holds for one chat, table by table (moments as ISO text)."""
        return {table: await self._all(
                    f"SELECT * FROM {table} WHERE {_where(table)} "
                    f"ORDER BY {ORDER.get(table, 'id')}", chat_id)
                for table in CHAT_TABLES}

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every row of one chat (children first, so no foreign key is left dangling)."""
        for table in reversed(list(CHAT_TABLES)):
            await self._run(f"DELETE FROM {table} WHERE {_where(table)}", chat_id)
        await self._run("DELETE FROM wrong_codes WHERE chat_id = $1", chat_id)

    async def forget_member(self, user_id: int) -> int:
        """Anonymise this person's answers everywhere, drop their memberships and their
        part in networks."""
        count = 0
        for table, who in (("answers", "user_id"), ("checkin_answers", "user_id"),
                           ("scan_scores", "respondent")):
            count += await self._run(
                f"UPDATE {table} SET {who} = 0, user_name = '' WHERE {who} = $1", user_id)
        await self._run("DELETE FROM members WHERE user_id = $1", user_id)
        # Networks: a network they alone coordinate goes (its codes and links cascade);
        # of the others they stop being a coordinator; links they made no longer name them.
        await self._run(
            "DELETE FROM networks WHERE id IN (SELECT network_id FROM network_coordinators "
            "WHERE user_id = $1) AND id NOT IN (SELECT network_id FROM network_coordinators "
            "WHERE user_id != $1)", user_id)
        await self._run("DELETE FROM network_coordinators WHERE user_id = $1", user_id)
        await self._run("UPDATE network_links SET linked_by = NULL WHERE linked_by = $1",
                        user_id)
        return count
