"""A chat's runs of a flow, with their answers (history kept), the members' half-made
choices (drafts) and the questions the bot sent (prompts)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from bot.core.entities import Answer, Prompt, Run
from bot.store import rows
from bot.store.postgres.database import Database, at


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _answer(r: Mapping) -> Answer:
    return rows.answer(r, json.loads(r["value"]), r["note"])


class Runs(Database):
    # -- flow runs -------------------------------------------------------------

    async def run(self, run_id: int) -> Run | None:
        row = await self._one("SELECT * FROM flow_runs WHERE id = $1", run_id)
        return rows.run(row) if row else None

    async def latest_run(self, chat_id: int, flow: str) -> Run | None:
        row = await self._one(
            "SELECT * FROM flow_runs WHERE chat_id = $1 AND flow = $2 ORDER BY id DESC LIMIT 1",
            chat_id, flow)
        return rows.run(row) if row else None

    async def start_run(self, chat_id: int, flow: str, state: str, now: datetime) -> Run:
        row = await self._one(
            "INSERT INTO flow_runs (chat_id, flow, number, state, status, started_at, "
            "updated_at) SELECT $1, $2, COALESCE(MAX(number), 0) + 1, $3, 'active', $4, $4 "
            "FROM flow_runs WHERE chat_id = $1 AND flow = $2 RETURNING *",
            chat_id, flow, state, at(now))
        return rows.run(row)

    async def update_run(self, run_id: int, state: str, status: str, now: datetime) -> None:
        await self._run(
            "UPDATE flow_runs SET state = $1, status = $2, updated_at = $3 WHERE id = $4",
            state, status, at(now), run_id)

    # -- answers ---------------------------------------------------------------

    async def add_answer(self, run_id: int, chat_id: int, step: str, user_id: int, user_name: str,
                         organisation_id: int | None, value: object, now: datetime, *,
                         skipped: bool = False, message_id: int | None = None,
                         note: str | None = None) -> int:
        return await self._value(
            "INSERT INTO answers (run_id, chat_id, step, user_id, user_name, organisation_id, "
            "value, skipped, message_id, created_at, note) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            run_id, chat_id, step, user_id, user_name, organisation_id, _json(value),
            int(skipped), message_id, at(now), note)

    async def answer_to(self, chat_id: int, message_id: int) -> tuple[Answer, str] | None:
        """The answer given with this message, and its run's flow."""
        row = await self._one(
            "SELECT a.*, r.flow FROM answers a JOIN flow_runs r ON r.id = a.run_id "
            "WHERE a.chat_id = $1 AND a.message_id = $2 ORDER BY a.id DESC LIMIT 1",
            chat_id, message_id)
        return (_answer(row), row["flow"]) if row else None

    async def set_answer_value(self, answer_id: int, value: object) -> None:
        await self._run("UPDATE answers SET value = $1 WHERE id = $2", _json(value), answer_id)

    async def set_answer_note(self, answer_id: int, note: str) -> None:
        await self._run("UPDATE answers SET note = $1 WHERE id = $2", note, answer_id)

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        """All answers of a run (or one step), oldest first: the history is kept."""
        if step is None:
            found = await self._all("SELECT * FROM answers WHERE run_id = $1 ORDER BY id",
                                    run_id)
        else:
            found = await self._all(
                "SELECT * FROM answers WHERE run_id = $1 AND step = $2 ORDER BY id",
                run_id, step)
        return [_answer(r) for r in found]

    async def answers_by(self, user_id: int) -> list[tuple[int, str, str, object]]:
        """(chat id, flow, step, value) of everything this person answered."""
        found = await self._all(
            "SELECT a.chat_id, r.flow, a.step, a.value, a.skipped FROM answers a "
            "JOIN flow_runs r ON r.id = a.run_id WHERE a.user_id = $1 ORDER BY a.id", user_id)
        return [(r["chat_id"], r["flow"], r["step"],
                 None if r["skipped"] else json.loads(r["value"])) for r in found]

    # -- drafts: a member's half-made multiple choice, theirs alone ---------------

    async def draft(self, chat_id: int, run_id: int, step: str, user_id: int) -> list[str]:
        choices = await self._value(
            "SELECT choices FROM drafts WHERE chat_id = $1 AND run_id = $2 AND step = $3 "
            "AND user_id = $4", chat_id, run_id, step, user_id)
        return json.loads(choices) if choices is not None else []

    async def set_draft(self, chat_id: int, run_id: int, step: str, user_id: int,
                        choices: list[str]) -> None:
        await self._run(
            "INSERT INTO drafts (chat_id, run_id, step, user_id, choices) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, run_id, step, user_id) "
            "DO UPDATE SET choices = excluded.choices",
            chat_id, run_id, step, user_id, json.dumps(choices))

    async def clear_drafts(self, run_id: int, step: str, user_id: int | None = None) -> None:
        if user_id is None:
            await self._run("DELETE FROM drafts WHERE run_id = $1 AND step = $2", run_id, step)
        else:
            await self._run("DELETE FROM drafts WHERE run_id = $1 AND step = $2 "
                            "AND user_id = $3", run_id, step, user_id)

    # -- prompts (questions the bot sent, so a reply finds its question) --------

    async def add_prompt(self, chat_id: int, message_id: int, run_id: int | None, step: str,
                         now: datetime, kind: str = "question", ref: int | None = None) -> None:
        # A message asks one thing: the newest word on it counts (SQLite's INSERT OR
        # REPLACE, which also forgets the old row's draft column).
        await self._run(
            "INSERT INTO prompts (chat_id, message_id, run_id, step, created_at, kind, ref) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (chat_id, message_id) DO UPDATE "
            "SET run_id = excluded.run_id, step = excluded.step, draft = NULL, "
            "created_at = excluded.created_at, kind = excluded.kind, ref = excluded.ref",
            chat_id, message_id, run_id, step, at(now), kind, ref)

    async def prompt(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self._one(
            "SELECT run_id, step, kind, ref FROM prompts WHERE chat_id = $1 AND message_id = $2",
            chat_id, message_id)
        return Prompt(row["run_id"], row["step"], row["kind"], row["ref"]) if row else None

    async def prompt_and_run(self, chat_id: int, message_id: int) -> tuple[Prompt | None,
                                                                            Run | None]:
        """The question a message asked, and its run, in one query (the hot path)."""
        row = await self._one(
            "SELECT p.run_id AS p_run, p.step AS p_step, p.kind AS p_kind, p.ref AS p_ref, "
            "r.* FROM prompts p LEFT JOIN flow_runs r ON r.id = p.run_id "
            "WHERE p.chat_id = $1 AND p.message_id = $2", chat_id, message_id)
        if row is None:
            return None, None
        prompt = Prompt(row["p_run"], row["p_step"], row["p_kind"], row["p_ref"])
        return prompt, (rows.run(row) if row["id"] is not None else None)
