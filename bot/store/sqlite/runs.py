"""A chat's runs of a flow, with their answers (history kept), the
members' half-made choices (drafts) and the questions the bot sent (prompts)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from bot.core.entities import Answer, Prompt, Run
from bot.store import rows
from bot.store.rows import iso
from bot.store.sqlite.database import Database


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class Runs(Database):
    # -- flow runs -------------------------------------------------------------

    async def run(self, run_id: int) -> Run | None:
        row = await self._one("SELECT * FROM flow_runs WHERE id = ?", (run_id,))
        return rows.run(row) if row else None

    async def latest_run(self, chat_id: int, flow: str) -> Run | None:
        row = await self._one(
            "SELECT * FROM flow_runs WHERE chat_id = ? AND flow = ? ORDER BY id DESC LIMIT 1",
            (chat_id, flow),
        )
        return rows.run(row) if row else None

    async def start_run(self, chat_id: int, flow: str, state: str, now: datetime) -> Run:
        row = await self._one(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM flow_runs WHERE chat_id = ? AND flow = ?",
            (chat_id, flow),
        )
        cur = await self.db.execute(
            "INSERT INTO flow_runs (chat_id, flow, number, state, status, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'active', ?, ?)",
            (chat_id, flow, row[0], state, iso(now), iso(now)),
        )
        run = await self.run(cur.lastrowid)
        assert run is not None
        return run

    async def update_run(self, run_id: int, state: str, status: str, now: datetime) -> None:
        await self.db.execute(
            "UPDATE flow_runs SET state = ?, status = ?, updated_at = ? WHERE id = ?",
            (state, status, iso(now), run_id),
        )

    # -- answers ---------------------------------------------------------------

    async def add_answer(self, run_id: int, chat_id: int, step: str, user_id: int, user_name: str,
                         organisation_id: int | None, value: object, now: datetime, *,
                         skipped: bool = False, message_id: int | None = None,
                         note: str | None = None) -> int:
        cur = await self.db.execute(
            "INSERT INTO answers (run_id, chat_id, step, user_id, user_name, organisation_id, "
            "value, skipped, message_id, created_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, chat_id, step, user_id, user_name, organisation_id,
             _json(value), int(skipped), message_id, iso(now), note),
        )
        return cur.lastrowid

    async def answer_to(self, chat_id: int, message_id: int) -> tuple[Answer, str] | None:
        """The answer given with this message, and its run's flow."""
        row = await self._one(
            "SELECT a.*, r.flow FROM answers a JOIN flow_runs r ON r.id = a.run_id "
            "WHERE a.chat_id = ? AND a.message_id = ? ORDER BY a.id DESC LIMIT 1",
            (chat_id, message_id))
        return (self._answer(row), row["flow"]) if row else None

    async def set_answer_value(self, answer_id: int, value: object) -> None:
        await self.db.execute("UPDATE answers SET value = ? WHERE id = ?",
                              (_json(value), answer_id))

    async def set_answer_note(self, answer_id: int, note: str) -> None:
        await self.db.execute("UPDATE answers SET note = ? WHERE id = ?",
                              (note, answer_id))

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        """All answers of a run (or one step), oldest first: the history is kept."""
        sql = "SELECT * FROM answers WHERE run_id = ?"
        args: tuple = (run_id,)
        if step is not None:
            sql += " AND step = ?"
            args += (step,)
        found = await self._all(sql + " ORDER BY id", args)
        return [self._answer(r) for r in found]

    async def answers_by(self, user_id: int) -> list[tuple[int, str, str, object]]:
        """(chat id, flow, step, value) of everything this person answered."""
        found = await self._all(
            "SELECT a.chat_id, r.flow, a.step, a.value, a.skipped FROM answers a "
            "JOIN flow_runs r ON r.id = a.run_id WHERE a.user_id = ? ORDER BY a.id", (user_id,))
        return [(r[0], r[1], r[2], None if r[4] else json.loads(r[3]))
                for r in found]

    def _answer(self, r: Mapping) -> Answer:
        return rows.answer(r, json.loads(r["value"]), r["note"])

    # -- drafts: a member's half-made multiple choice, theirs alone ---------------

    async def draft(self, chat_id: int, run_id: int, step: str, user_id: int) -> list[str]:
        row = await self._one(
            "SELECT choices FROM drafts WHERE chat_id = ? AND run_id = ? AND step = ? "
            "AND user_id = ?", (chat_id, run_id, step, user_id))
        return json.loads(row[0]) if row else []

    async def set_draft(self, chat_id: int, run_id: int, step: str, user_id: int,
                        choices: list[str]) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO drafts (chat_id, run_id, step, user_id, choices) "
            "VALUES (?, ?, ?, ?, ?)", (chat_id, run_id, step, user_id, json.dumps(choices)))

    async def clear_drafts(self, run_id: int, step: str, user_id: int | None = None) -> None:
        sql, args = "DELETE FROM drafts WHERE run_id = ? AND step = ?", (run_id, step)
        if user_id is not None:
            sql, args = sql + " AND user_id = ?", (*args, user_id)
        await self.db.execute(sql, args)

    # -- prompts (questions the bot sent, so a reply finds its question) --------

    async def add_prompt(self, chat_id: int, message_id: int, run_id: int | None, step: str,
                         now: datetime, kind: str = "question", ref: int | None = None) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO prompts (chat_id, message_id, run_id, step, created_at, kind, "
            "ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (chat_id, message_id, run_id, step, iso(now), kind, ref),
        )

    async def prompt(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self._one(
            "SELECT run_id, step, kind, ref FROM prompts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return Prompt(row["run_id"], row["step"], row["kind"], row["ref"]) if row else None

    async def prompt_and_run(self, chat_id: int, message_id: int) -> tuple[Prompt | None,
                                                                            Run | None]:
        """The question a message asked, and its run, in one query (the hot path)."""
        row = await self._one(
            "SELECT p.run_id AS p_run, p.step AS p_step, p.kind AS p_kind, p.ref AS p_ref, r.* "
            "FROM prompts p "
            "LEFT JOIN flow_runs r ON r.id = p.run_id WHERE p.chat_id = ? AND p.message_id = ?",
            (chat_id, message_id))
        if row is None:
            return None, None
        prompt = Prompt(row["p_run"], row["p_step"], row["p_kind"], row["p_ref"])
        return prompt, (rows.run(row) if row["id"] is not None else None)
