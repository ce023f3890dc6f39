"""Encryption at rest as a layer around any store: what members typed (answers and their
notes, check-in answers, scan remarks) is sealed before the store sees it and opened on
the way out. An answer's value is sealed as its JSON, so the store keeps a string."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from bot.core.entities import Answer, CheckinAnswer, ScanScore
from bot.store.cipher import Cipher
from bot.store.wrapper import Wrapper


class Sealed(Wrapper):
    def __init__(self, inner, cipher: Cipher) -> None:
        # Without a key there is nothing to seal: open_store leaves this layer out.
        super().__init__(inner)
        self.cipher = cipher

    async def check_key(self) -> None:
        """Refuse to start with a key that does not open the stored answers."""
        sample = await self.inner.sealed_sample()
        if sample is not None:
            self.cipher.open(json.loads(sample))

    # -- the way in ----------------------------------------------------------------

    def _value(self, value: object) -> str:
        return self.cipher.seal_json(value)

    async def add_answer(self, run_id: int, chat_id: int, step: str, user_id: int,
                         user_name: str, organisation_id: int | None, value: object,
                         now: datetime, *, skipped: bool = False, message_id: int | None = None,
                         note: str | None = None) -> int:
        return await self.inner.add_answer(
            run_id, chat_id, step, user_id, user_name, organisation_id, self._value(value),
            now, skipped=skipped, message_id=message_id, note=self.cipher.seal_optional(note))

    async def set_answer_value(self, answer_id: int, value: object) -> None:
        await self.inner.set_answer_value(answer_id, self._value(value))

    async def set_answer_note(self, answer_id: int, note: str) -> None:
        await self.inner.set_answer_note(answer_id, self.cipher.seal(note))

    async def add_checkin_answer(self, checkin_id: int, chat_id: int, user_id: int,
                                 user_name: str, organisation_id: int | None, question: str,
                                 value: str, now: datetime) -> None:
        await self.inner.add_checkin_answer(checkin_id, chat_id, user_id, user_name,
                                            organisation_id, question, self.cipher.seal(value),
                                            now)

    async def add_scan_score(self, scan_id: int, chat_id: int, respondent: int, user_name: str,
                             organisation_id: int | None, condition: str, score: int | None,
                             remark: str | None, now: datetime) -> None:
        await self.inner.add_scan_score(scan_id, chat_id, respondent, user_name,
                                        organisation_id, condition, score,
                                        self.cipher.seal_optional(remark), now)

    async def anonymise_scan(self, scan_id: int, kept: list[ScanScore], respondents: int,
                             day: datetime) -> None:
        # The remarks come back opened (scan_scores): sealed again on the way in.
        await self.inner.anonymise_scan(
            scan_id, [replace(s, remark=self.cipher.seal_optional(s.remark)) for s in kept],
            respondents, day)

    # -- the way out ---------------------------------------------------------------

    def _open_value(self, value: object) -> object:
        if isinstance(value, str) and value.startswith(Cipher.PREFIX):
            return self.cipher.open_json(value)
        return value  # kept before the key was set

    def _answer(self, answer: Answer) -> Answer:
        return replace(answer, value=self._open_value(answer.value),
                       note=self.cipher.open_optional(answer.note))

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        return [self._answer(a) for a in await self.inner.answers(run_id, step)]

    async def answer_to(self, chat_id: int, message_id: int) -> tuple[Answer, str] | None:
        found = await self.inner.answer_to(chat_id, message_id)
        return (self._answer(found[0]), found[1]) if found else None

    async def answers_by(self, user_id: int) -> list[tuple[int, str, str, object]]:
        return [(chat, flow, step, self._open_value(value))
                for chat, flow, step, value in await self.inner.answers_by(user_id)]

    async def checkin_answers(self, checkin_id: int) -> list[CheckinAnswer]:
        return [replace(a, value=self.cipher.open(a.value))
                for a in await self.inner.checkin_answers(checkin_id)]

    async def scan_scores(self, scan_id: int) -> list[ScanScore]:
        return [replace(s, remark=self.cipher.open_optional(s.remark))
                for s in await self.inner.scan_scores(scan_id)]

    async def export_chat(self, chat_id: int) -> dict[str, list[dict]]:
        """Every row of one chat, with what members typed opened."""
        tables = await self.inner.export_chat(chat_id)
        for row in tables.get("answers", []):
            value = json.loads(row["value"])
            if isinstance(value, str) and value.startswith(Cipher.PREFIX):
                row["value"] = self.cipher.open(value)  # the JSON the value was sealed as
            row["note"] = self.cipher.open_optional(row["note"])
        for row in tables.get("checkin_answers", []):
            row["value"] = self.cipher.open(row["value"])
        for row in tables.get("scan_scores", []):
            row["remark"] = self.cipher.open_optional(row["remark"])
        return tables
