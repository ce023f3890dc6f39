"""Names for what the store keeps as ids, as members saw them: a flow answer's question and
value, a check-in's question and answer, a scan condition, a schedule; and stored moments
in the chat's own time zone and language. The export (both documents) and /mydata use it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

from bot.core.flows import Flow, Step
from bot.core.i18n import Texts
from bot.core.kinds import KINDS, show

TAG = re.compile(r"<[^>]+>")
WHEN = "d MMMM y '{at}' HH:mm"  # "5 januari 2026 om 10:00"


@dataclass(frozen=True)
class Vocabulary:
    """Other features' names for their ids, handed in by the composition root (a feature
    imports no other feature). Texts are catalog msgids, translated where shown."""

    checkin_questions: Mapping[str, str] = field(default_factory=dict)  # "g" -> "Same goal?"
    checkin_answers: Mapping[tuple[str, str], str] = field(default_factory=dict)  # ("g", "yes")
    schedule: Callable[[str, str, Texts], str] | None = None  # (rule JSON, zone, texts) -> text
    conditions: Sequence[str] = ()  # the scan's conditions, in their order


def plain(html_text: str) -> str:
    """Telegram HTML as plain text."""
    return unescape(TAG.sub("", html_text))


def moment(text: str | None) -> datetime | None:
    """A stored moment (ISO text; without an offset it is UTC)."""
    if not text:
        return None
    read = datetime.fromisoformat(text)
    return read.replace(tzinfo=UTC) if read.tzinfo is None else read


class Labels:
    """One chat's ids as its members read them, in its language and time zone."""

    def __init__(self, t: Texts, flows: Mapping[str, Flow], words: Vocabulary,
                 timezone: str) -> None:
        self.t, self.flows, self.words, self.timezone = t, flows, words, timezone
        self.zone = ZoneInfo(timezone)

    def when(self, text: str | None) -> str:
        at = moment(text)
        return self.t.datetime(at, self.timezone, WHEN) if at else "–"

    def flow(self, flow_id: str) -> str:
        return self.t.key(f"{flow_id}.title", flow_id)

    def step(self, flow_id: str, step_id: str) -> Step | None:
        flow = self.flows.get(flow_id)
        return flow.step(step_id) if flow and step_id in flow.ids else None

    def question(self, flow_id: str, step_id: str) -> str:
        step = self.step(flow_id, step_id)
        return self.t.key(f"{step.key}.short") if step else step_id

    def answer(self, flow_id: str, step_id: str, value: object, note: str | None = None,
               skipped: bool = False) -> str:
        """The answer as one line of text: choices by their labels, after "Other" its text."""
        if skipped or value is None:
            return self.t._("skipped")
        step = self.step(flow_id, step_id)
        if step is None:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return plain(show(step, value, self.t, note))

    def answer_data(self, flow_id: str, step_id: str, value: object,
                    note: str | None = None, skipped: bool = False) -> object:
        """The answer's label for the JSON: a list for several choices, else a text."""
        step = self.step(flow_id, step_id)
        if skipped or value is None or step is None or not isinstance(value, list):
            return None if skipped or value is None else self.answer(flow_id, step_id, value,
                                                                      note)
        if step.kind == "multi":
            return [plain(KINDS["choice"].show(step, v, self.t, note)) for v in value]
        return [str(v) for v in value]

    def checkin_question(self, question: str) -> str:
        msgid = self.words.checkin_questions.get(question)
        return self.t._(msgid) if msgid else question

    def checkin_answer(self, question: str, value: str) -> str:
        msgid = self.words.checkin_answers.get((question, value))
        return self.t._(msgid) if msgid else value  # the free answer is its own text

    def condition(self, condition: str) -> str:
        if condition == "remark":  # a scan's remark row, not a condition
            return self.t._("Remark")
        return self.t.key(f"scan.{condition}.title", condition)

    def schedule(self, rule: str, timezone: str) -> str:
        return plain(self.words.schedule(rule, timezone, self.t)) if self.words.schedule \
            else rule
