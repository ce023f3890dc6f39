"""The in-memory store's flow runs, answers, drafts and prompts."""

from __future__ import annotations

import json
from datetime import datetime

from bot.core.entities import Answer, Prompt, Run
from bot.store import rows
from bot.store.memory.base import MemoryBase
from bot.store.rows import iso

STATUSES = ("active", "paused", "done")  # the schema's CHECK


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _answer(r: dict) -> Answer:
    return rows.answer(r, json.loads(r["value"]), r["note"])


class MemoryRuns(MemoryBase):
    # -- flow runs -----------------------------------------------------------------

    async def run(self, run_id: int) -> Run | None:
        row = self.t.first("flow_runs", id=run_id)
        return rows.run(row) if row else None

    async def latest_run(self, chat_id: int, flow: str) -> Run | None:
        row = self.t.newest("flow_runs", chat_id=chat_id, flow=flow)
        return rows.run(row) if row else None

    async def start_run(self, chat_id: int, flow: str, state: str, now: datetime) -> Run:
        number = max((r["number"] for r in self.t.where("flow_runs", chat_id=chat_id, flow=flow)),
                     default=0) + 1
        row = self.t.insert("flow_runs", chat_id=chat_id, flow=flow, number=number, state=state,
                            status="active", started_at=iso(now), updated_at=iso(now))
        return rows.run(row)

    async def update_run(self, run_id: int, state: str, status: str, now: datetime) -> None:
        if status not in STATUSES:
            raise ValueError(f"a run's status is one of {STATUSES}, not {status!r}")
        self.t.update("flow_runs", {"state": state, "status": status, "updated_at": iso(now)},
                      id=run_id)

    # -- answers -------------------------------------------------------------------

    async def add_answer(self, run_id: int, chat_id: int, step: str, user_id: int, user_name: str,
                         organisation_id: int | None, value: object, now: datetime, *,
                         skipped: bool = False, message_id: int | None = None,
                         note: str | None = None) -> int:
        row = self.t.insert("answers", run_id=run_id, chat_id=chat_id, step=step,
                            user_id=user_id, user_name=user_name,
                            organisation_id=organisation_id, value=_json(value),
                            skipped=int(skipped), message_id=message_id, created_at=iso(now),
                            note=note)
        return row["id"]

    async def answer_to(self, chat_id: int, message_id: int) -> tuple[Answer, str] | None:
        """The answer given with this message, and its run's flow."""
        row = self.t.newest("answers", chat_id=chat_id, message_id=message_id)
        run = row and self.t.first("flow_runs", id=row["run_id"])
        return (_answer(row), run["flow"]) if row and run else None

    async def set_answer_value(self, answer_id: int, value: object) -> None:
        self.t.update("answers", {"value": _json(value)}, id=answer_id)

    async def set_answer_note(self, answer_id: int, note: str) -> None:
        self.t.update("answers", {"note": note}, id=answer_id)

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        """All answers of a run (or one step), oldest first: the history is kept."""
        found = self.t.where("answers", run_id=run_id,
                             **({"step": step} if step is not None else {}))
        return [_answer(r) for r in sorted(found, key=lambda r: r["id"])]

    async def answers_by(self, user_id: int) -> list[tuple[int, str, str, object]]:
        """(chat id, flow, step, value) of everything this person answered."""
        found = []
        for a in sorted(self.t.where("answers", user_id=user_id), key=lambda r: r["id"]):
            run = self.t.first("flow_runs", id=a["run_id"])
            if run is not None:
                value = None if a["skipped"] else json.loads(a["value"])
                found.append((a["chat_id"], run["flow"], a["step"], value))
        return found

    # -- drafts: a member's half-made multiple choice, theirs alone -------------------

    async def draft(self, chat_id: int, run_id: int, step: str, user_id: int) -> list[str]:
        row = self.t.first("drafts", chat_id=chat_id, run_id=run_id, step=step, user_id=user_id)
        return json.loads(row["choices"]) if row else []

    async def set_draft(self, chat_id: int, run_id: int, step: str, user_id: int,
                        choices: list[str]) -> None:
        self.t.replace("drafts", ("chat_id", "run_id", "step", "user_id"), chat_id=chat_id,
                       run_id=run_id, step=step, user_id=user_id, choices=json.dumps(choices))

    async def clear_drafts(self, run_id: int, step: str, user_id: int | None = None) -> None:
        whose = {"user_id": user_id} if user_id is not None else {}
        self.t.delete("drafts", run_id=run_id, step=step, **whose)

    # -- prompts (questions the bot sent, so a reply finds its question) -------------

    async def add_prompt(self, chat_id: int, message_id: int, run_id: int | None, step: str,
                         now: datetime, kind: str = "question", ref: int | None = None) -> None:
        self.t.replace("prompts", ("chat_id", "message_id"), chat_id=chat_id,
                       message_id=message_id, run_id=run_id, step=step, created_at=iso(now),
                       kind=kind, ref=ref)

    async def prompt(self, chat_id: int, message_id: int) -> Prompt | None:
        row = self.t.first("prompts", chat_id=chat_id, message_id=message_id)
        return Prompt(row["run_id"], row["step"], row["kind"], row["ref"]) if row else None

    async def prompt_and_run(self, chat_id: int, message_id: int) -> tuple[Prompt | None,
                                                                            Run | None]:
        """The question a message asked, and its run."""
        prompt = await self.prompt(chat_id, message_id)
        if prompt is None or prompt.run_id is None:
            return prompt, None
        return prompt, await self.run(prompt.run_id)
