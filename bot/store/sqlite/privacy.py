"""A chat's data as a whole, and a person's: count, export, forget."""

from __future__ import annotations

from bot.store.rows import CHAT_TABLES, COUNTABLE
from bot.store.sqlite.database import Database


class Privacy(Database):
    async def count(self, table: str, chat_id: int | None = None) -> int:
        if table not in COUNTABLE:
            raise ValueError(table)
        column = "id" if table == "chats" else "chat_id"
        where = f" WHERE {column} = ?" if chat_id is not None else ""
        row = await self._one(f"SELECT COUNT(*) FROM {table}{where}",
                              (chat_id,) if chat_id is not None else ())
        return row[0]

    async def export_chat(self, chat_id: int) -> dict[str, list[dict]]:
        """Every row the bot holds for one chat, table by table."""
        result = {}
        for table, where in CHAT_TABLES.items():
            found = await self._all(f"SELECT * FROM {table} WHERE {where} ORDER BY rowid",
                                    (chat_id,))
            result[table] = [dict(row) for row in found]
        return result

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every row of one chat (children first, so no foreign key is left dangling)."""
        for table in reversed(list(CHAT_TABLES)):
            await self.db.execute(f"DELETE FROM {table} WHERE {CHAT_TABLES[table]}", (chat_id,))
        await self.db.execute("DELETE FROM wrong_codes WHERE chat_id = ?", (chat_id,))

    async def forget_member(self, user_id: int) -> int:
        """Anonymise this person's answers everywhere, drop their memberships and their
        part in networks."""
        count = 0
        for table, who in (("answers", "user_id"), ("checkin_answers", "user_id"),
                           ("scan_scores", "respondent")):
            cur = await self.db.execute(
                f"UPDATE {table} SET {who} = 0, user_name = '' WHERE {who} = ?", (user_id,))
            count += cur.rowcount
        await self.db.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
        # Networks: a network they alone coordinate goes (its codes and links cascade);
        # of the others they stop being a coordinator; links they made no longer name them.
        await self.db.execute(
            "DELETE FROM networks WHERE id IN (SELECT network_id FROM network_coordinators "
            "WHERE user_id = ?) AND id NOT IN (SELECT network_id FROM network_coordinators "
            "WHERE user_id != ?)", (user_id, user_id))
        await self.db.execute("DELETE FROM network_coordinators WHERE user_id = ?", (user_id,))
        await self.db.execute("UPDATE network_links SET linked_by = NULL WHERE linked_by = ?",
                              (user_id,))
        return count
