"""What a step's condition looks at. A group-scope answer counts as the group's latest;
for a step every organisation answers, each organisation's own latest answer counts, so
a follow-up asked "when internal support is partial" is asked when any organisation said
so, not only when the last one to answer did."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.entities import Answer, Organisation
from bot.core.flows import Step
from bot.core.progress import by_organisation, given


def standing(steps: Iterable[Step], answers: list[Answer]) -> dict[str, object]:
    found = given(answers)
    for step in steps:
        if step.scope != "organisation" or step.id not in found:
            continue
        values: list[object] = []
        for answer in by_organisation(answers, step.id).values():
            value = answer.value
            values += value if isinstance(value, list) else [value]
        found[step.id] = values
    return found


def concerned(steps: Iterable[Step], step: Step, answers: list[Answer],
              orgs: list[Organisation]) -> list[Organisation]:
    """The organisations a step is for: a follow-up to a per-organisation answer ("what is
    needed for support?") is for the organisations whose own answer asks for it."""
    ref = next((s for s in steps if step.when is not None and s.id == step.when.step), None)
    if ref is None or ref.scope != "organisation" or step.scope != "organisation":
        return orgs
    per = by_organisation(answers, ref.id)

    def asks(org: Organisation) -> bool:
        value = per[org.id].value if org.id in per else None
        return any(str(v) in step.when.values
                   for v in (value if isinstance(value, list) else [value]))

    return [o for o in orgs if asks(o)]
