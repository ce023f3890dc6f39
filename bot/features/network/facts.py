"""What a coordinator may know of one linked partnership, read from the store: never a
name, an individual answer or free text (those only when the group chose to share its
summaries), only counts, averages and moments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core.entities import Checkin
from bot.core.flows import Flow
from bot.core.ports import Store
from bot.core.progress import DONE, given, position

SILENT = timedelta(weeks=4)  # nothing happened this long: an alert
MIN_RESPONDENTS = 3  # a scan with fewer is not shown to a coordinator
GOAL, GO_ON, ADJUST = "g", "c", "a"  # the check-in's questions (the checkins feature's ids)

# The scan feature's tally, as the group saw it: (store, scan) -> its result (with
# `respondents`, `group` averages per condition and `weakest`).
Tally = Callable[[Store, Any], Awaitable[Any]]


@dataclass
class Facts:
    chat_id: int
    title: str
    share: bool  # the group chose to share its summaries
    phase: int | None = None  # 1-based; None: the process has not started
    phases: int = 0
    phase_key: str | None = None
    question: tuple[int, int] | None = None
    done: bool = False
    last_active: datetime | None = None
    idle_days: int = 0
    checkin_at: datetime | None = None
    checkin_answers: int = 0
    goal: Counter = field(default_factory=Counter)  # yes / partly / no
    go_on: Counter = field(default_factory=Counter)  # go / adjust / pause / stop
    remarks: list[str] = field(default_factory=list)  # only when shared
    scan_number: int | None = None
    scan_at: datetime | None = None
    scan_respondents: int = 0
    scan_averages: dict[str, float] = field(default_factory=dict)
    scan_weakest: str | None = None
    alerts: list[str] = field(default_factory=list)  # goal_no, stop, unanswered, silent

    @property
    def scan_average(self) -> float | None:
        values = list(self.scan_averages.values())
        return sum(values) / len(values) if values else None


async def gather(repo: Store, chat_id: int, share: bool, now: datetime, flow: Flow,
                 tally: Tally) -> Facts | None:
    chat = await repo.chat(chat_id)
    if chat is None:
        return None
    facts = Facts(chat_id, chat.title, share, phases=len(flow.phases))
    run = await repo.latest_run(chat_id, flow.id)
    if run is not None:
        if run.state == DONE or run.state not in flow.ids:
            facts.done, facts.phase = True, len(flow.phases)
        else:
            step = flow.step(run.state)
            facts.phase = flow.phase_number(step.phase)
            facts.phase_key = flow.phase(step.phase).key
            facts.question = position(flow, step, given(await repo.answers(run.id)))
    # Activity: the chat's own use, and the check-ins the clock sent there (a round it
    # opened counts even when nobody answered: the unanswered alert says that).
    last = await repo.previous_checkin(chat_id, 2**62)  # the last closed round
    sent = [c.opened_at for c in (last, await repo.open_checkin_of(chat_id)) if c]
    moments = [m for m in (await repo.last_activity(chat_id), *sent) if m is not None]
    facts.last_active = max(moments, default=None)
    if facts.last_active is not None:
        facts.idle_days = max(0, (now - facts.last_active).days)
        if now - facts.last_active >= SILENT:
            facts.alerts.append("silent")
    await _checkin(repo, facts, last)
    await _scan(repo, facts, tally)
    return facts


async def _checkin(repo: Store, facts: Facts, last: Checkin | None) -> None:
    if last is None:
        return
    answers = await repo.checkin_answers(last.id)
    facts.checkin_at = last.closed_at
    facts.checkin_answers = len({a.user_id for a in answers})
    facts.goal = Counter(a.value for a in answers if a.question == GOAL)
    facts.go_on = Counter(a.value for a in answers if a.question == GO_ON)
    if facts.share:
        facts.remarks = [a.value for a in answers if a.question == ADJUST and a.value.strip()]
    if not answers:
        facts.alerts.append("unanswered")
    if facts.goal["no"]:
        facts.alerts.append("goal_no")
    if facts.go_on["stop"]:
        facts.alerts.append("stop")


async def _scan(repo: Store, facts: Facts, tally: Tally) -> None:
    scan = await repo.latest_scan(facts.chat_id, closed=True)
    if scan is None:
        return
    facts.scan_number, facts.scan_at = scan.number, scan.closed_at
    result = await tally(repo, scan)
    facts.scan_respondents = result.respondents
    if result.respondents >= MIN_RESPONDENTS:
        facts.scan_averages = dict(result.group)
        facts.scan_weakest = result.weakest


ORDER = {"goal_no": 0, "stop": 1, "unanswered": 2, "silent": 3}


def urgency(facts: Facts) -> tuple:
    """What needs attention first: the most serious alert, then the longest silence."""
    worst = min((ORDER[a] for a in facts.alerts), default=len(ORDER))
    return (worst, -len(facts.alerts), -facts.idle_days, facts.title.lower(), facts.chat_id)
