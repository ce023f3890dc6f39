"""Where a run stands, read from the flow definition and the answers: which questions
are asked, which is number i of n, what counts per organisation, what is still open.
Pure functions, shared by every feature that shows progress."""

from __future__ import annotations

from bot.core.entities import Answer, Member, Organisation, Run
from bot.core.flows import Condition, Flow, Phase, Step

DONE = "done"  # the state of a finished run


def holds(condition: Condition, answers: dict[str, object]) -> bool:
    """Is the group's answer to the condition's step one of its values?"""
    given = answers.get(condition.step)
    given = given if isinstance(given, list) else [given]
    return any(str(v) in condition.values for v in given)


def applicable(step: Step, answers: dict[str, object]) -> bool:
    """Is this step asked, given the group's answers so far?"""
    return step.when is None or holds(step.when, answers)


def progress_bar(done: int, total: int) -> str:
    """One block per question (a long phase is scaled to ten blocks)."""
    width = min(total, 10)
    filled = round(width * done / total) if total else 0
    return "▰" * filled + "▱" * (width - filled)


def given(answers: list[Answer]) -> dict[str, object]:
    """The group's latest real answer per step (what conditions look at)."""
    return {a.step: a.value for a in answers if not a.skipped}


def position(flow: Flow, step: Step, answers: dict[str, object]) -> tuple[int, int]:
    """Question i of n in its phase, counting only the questions the group will see
    (a conditional question counts once the answer it depends on asks for it)."""
    shown = [s for s in flow.phase(step.phase).steps if s is step or applicable(s, answers)]
    return shown.index(step) + 1, len(shown)


def by_organisation(answers: list[Answer], step: str) -> dict[int | None, Answer]:
    """The answer that counts per organisation: its last one (skips do not count)."""
    return {a.organisation_id: a for a in answers if a.step == step and not a.skipped}


def by_member(answers: list[Answer], step: str) -> dict[int, Answer]:
    return {a.user_id: a for a in answers if a.step == step and not a.skipped}


def open_items(phase: Phase, answers: list[Answer], orgs: list[Organisation],
               members: list[Member]) -> list[tuple[Step, str | None]]:
    """What is still open in a phase: (step, organisation or member name, or None).

    A question is open while it has no real answer: a skipped one is open too. Steps whose
    condition does not hold are not asked, so never open. An organisation-scope step is
    open for each organisation without a real answer of its own (for the group as a whole
    when the chat has no organisations yet); a member-scope step, for each member without
    one. A group-scope step, or one that collects answers, is open until anyone answers.
    """
    real = [a for a in answers if not a.skipped]
    group = given(answers)
    items: list[tuple[Step, str | None]] = []
    for step in phase.steps:
        if not applicable(step, group):
            continue
        mine = [a for a in real if a.step == step.id]
        if step.scope == "organisation" and orgs and not step.collect:
            done = {a.organisation_id for a in mine}
            items += [(step, o.name) for o in orgs if o.id not in done]
        elif step.scope == "member" and members and not step.collect:
            done = {a.user_id for a in mine}
            items += [(step, m.name) for m in members if m.user_id not in done]
        elif not mine:
            items.append((step, None))
    return items


def reached(flow: Flow, run: Run) -> list[Phase]:
    """The phases the run has reached: all of them once it is done."""
    if run.state == DONE or run.state not in flow.ids:
        return list(flow.phases)
    return list(flow.phases[: flow.phase_number(flow.step(run.state).phase)])
